package site

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

//go:embed static
var ownStaticFS embed.FS

func ownStatic() fs.FS {
	sub, _ := fs.Sub(ownStaticFS, "static")
	return sub
}

// servedExt are the kinds of static file served; anything else in a static
// folder (VENDORED.md, licences) stays private.
var servedExt = map[string]bool{".css": true, ".js": true, ".png": true, ".svg": true, ".ico": true, ".jpg": true, ".woff2": true}

type staticFile struct {
	body, gz    []byte
	hash, ctype string
}

type staticFiles struct {
	prefix string
	files  map[string]*staticFile
}

// newStaticFiles loads every served file of the FSs (later ones win) with
// its content hash and a gzip copy.
func newStaticFiles(prefix string, fss ...fs.FS) (*staticFiles, error) {
	sf := &staticFiles{prefix: prefix, files: map[string]*staticFile{}}
	for _, fsys := range fss {
		if fsys == nil {
			continue
		}
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !servedExt[path.Ext(p)] {
				return err
			}
			b, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			h := sha256.Sum256(b)
			f := &staticFile{body: b, hash: hex.EncodeToString(h[:6]), ctype: mime.TypeByExtension(path.Ext(p))}
			if strings.HasPrefix(f.ctype, "text/") || strings.HasSuffix(p, ".js") || strings.HasSuffix(p, ".svg") {
				var buf bytes.Buffer
				zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
				zw.Write(b)
				zw.Close()
				f.gz = buf.Bytes()
			}
			sf.files[p] = f
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return sf, nil
}

// url is the address of a static file with its content hash.
func (sf *staticFiles) url(name string) (string, error) {
	f, ok := sf.files[name]
	if !ok {
		return "", fmt.Errorf("site: no static file %q", name)
	}
	return sf.prefix + "/" + name + "?v=" + f.hash, nil
}

// serve answers a static file: cached for a year when the query names its
// current hash, revalidated otherwise; gzip when the browser accepts it.
func (sf *staticFiles) serve(c *fiber.Ctx) error {
	f, ok := sf.files[c.Params("*")]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, f.ctype)
	if c.Query("v") == f.hash {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	c.Set(fiber.HeaderETag, `"`+f.hash+`"`)
	c.Vary(fiber.HeaderAcceptEncoding)
	if c.Get(fiber.HeaderIfNoneMatch) == `"`+f.hash+`"` {
		return c.SendStatus(fiber.StatusNotModified)
	}
	if f.gz != nil && strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(f.gz)
	}
	return c.Send(f.body)
}
