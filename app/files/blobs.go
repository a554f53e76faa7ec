package files

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Blobs keeps the encrypted materials: a local directory (the embedded
// default) or an S3-compatible bucket (MinIO, Ceph RGW, the object stores
// of government clouds). It only ever sees ciphertext. Keys are
// slash-separated paths chosen by the service (FinalKey, PendingKey).
type Blobs interface {
	// Put stores size bytes read from r under key, replacing any object
	// there; the object is visible only once Put returned nil.
	Put(ctx context.Context, key string, r io.Reader, size int64) error
	// Get opens the object; a missing one is ErrNoObject.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Move renames an object (a copy and a delete where the store cannot
	// rename); a missing source is ErrNoObject.
	Move(ctx context.Context, from, to string) error
	// Delete removes an object; a missing one is not an error.
	Delete(ctx context.Context, key string) error
	// List calls fn for every object whose key starts with prefix.
	List(ctx context.Context, prefix string, fn func(key string, modified time.Time) error) error
	// Ready checks that the store answers.
	Ready(ctx context.Context) error
}

// ErrNoObject is returned by Blobs.Get and Move for a missing object.
var ErrNoObject = errors.New("files: no such object")

// PendingPrefix is where an upload's object waits until its row is committed.
const PendingPrefix = "pending/"

// FinalKey is where the object of a stored name lives once its row exists:
// a two-level fan-out keeps directories small.
func FinalKey(name string) string { return name[:2] + "/" + name + ".bin" }

// PendingKey is where the object of a stored name is written first.
func PendingKey(name string) string { return PendingPrefix + name + ".bin" }

var keyRe = regexp.MustCompile(`^(pending/[0-9a-f]{32}|[0-9a-f]{2}/[0-9a-f]{32})\.bin$`)

// NameOfKey returns the stored name of an object key, and whether the key is
// one the service writes.
func NameOfKey(key string) (string, bool) {
	if !keyRe.MatchString(key) {
		return "", false
	}
	base := key[strings.LastIndexByte(key, '/')+1:]
	return strings.TrimSuffix(base, ".bin"), true
}

// DirBlobs keeps objects as files under a directory; a write goes to a
// temporary file, synced and renamed, so a crash never leaves half an object.
type DirBlobs struct{ Dir string }

// NewDirBlobs creates dir and returns its store.
func NewDirBlobs(dir string) (*DirBlobs, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &DirBlobs{Dir: dir}, nil
}

func (d *DirBlobs) path(key string) (string, error) {
	if !keyRe.MatchString(key) {
		return "", errors.New("files: invalid object key")
	}
	return filepath.Join(d.Dir, filepath.FromSlash(key)), nil
}

// Put implements Blobs.
func (d *DirBlobs) Put(_ context.Context, key string, r io.Reader, _ int64) error {
	final, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(final), filepath.Base(final)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), final)
}

// Get implements Blobs.
func (d *DirBlobs) Get(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p) // #nosec G304 -- path() keeps every key inside the materials directory
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoObject
	}
	return f, err
}

// Move implements Blobs.
func (d *DirBlobs) Move(_ context.Context, from, to string) error {
	src, err := d.path(from)
	if err != nil {
		return err
	}
	dst, err := d.path(to)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	if err := os.Rename(src, dst); errors.Is(err, fs.ErrNotExist) {
		return ErrNoObject
	} else if err != nil {
		return err
	}
	return nil
}

// Delete implements Blobs.
func (d *DirBlobs) Delete(_ context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// List implements Blobs.
func (d *DirBlobs) List(ctx context.Context, prefix string, fn func(string, time.Time) error) error {
	return filepath.WalkDir(d.Dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if e.IsDir() || strings.HasSuffix(p, ".tmp") {
			return nil
		}
		rel, err := filepath.Rel(d.Dir, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) || !keyRe.MatchString(key) {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(key, info.ModTime())
	})
}

// Ready implements Blobs.
func (d *DirBlobs) Ready(context.Context) error {
	_, err := os.Stat(d.Dir)
	return err
}
