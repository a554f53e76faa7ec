package files

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"

	"sunshine/app/errs"
)

// Blob is an encrypted file that belongs to something other than a case
// (an enterprise's 营业执照 in a membership claim): the owner keeps the
// metadata in its own table and decides who may read it, so nothing here
// is reachable through the case attachment routes.
type Blob struct {
	Name        string // the sanitized original name, metadata only
	StoredName  string // server-chosen; never leaves the server
	ContentType string
	Size        int64
	SHA256      string // of the plaintext, hex
}

// imageKinds are what StoreImage accepts: photos and scans of papers.
var imageKinds = map[string]bool{KindJPEG.MIME: true, KindPNG.MIME: true, KindPDF.MIME: true}

// StoreImage checks a scanned document (type by content: JPEG, PNG or PDF;
// size) and stores it encrypted like any attachment. Errors: too_large,
// unsupported, unprocessable (empty file).
func (s *Service) StoreImage(filename string, r io.Reader) (*Blob, error) {
	data, err := io.ReadAll(io.LimitReader(r, s.o.MaxBytes+1))
	if err != nil {
		return nil, errs.Wrap(errs.Invalid, "读取上传文件失败", err)
	}
	if int64(len(data)) > s.o.MaxBytes {
		return nil, errs.Ef(errs.TooLarge, "文件超过大小上限（%dMB）", s.o.MaxBytes>>20)
	}
	if len(data) == 0 {
		return nil, errs.FieldErrors(map[string]string{"file": "上传的文件是空的"})
	}
	kind, err := Detect(data)
	if err != nil {
		return nil, err
	}
	if !imageKinds[kind.MIME] {
		return nil, errs.E(errs.Unsupported, "证照材料仅支持 JPEG、PNG 图片或 PDF 扫描件")
	}
	sum := sha256.Sum256(data)
	b := &Blob{Name: SanitizeName(filename, kind), ContentType: kind.MIME, Size: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:])}
	if b.StoredName, err = randomName(); err != nil {
		return nil, errs.Wrap(errs.Internal, "生成文件名失败", err)
	}
	if err := s.write(b.StoredName, data); err != nil {
		return nil, errs.Wrap(errs.Internal, "保存文件失败", err)
	}
	return b, nil
}

// ReadBlob decrypts a stored blob whole and checks it against its digest.
// The caller has already decided (and audited) that the reader may see it.
// Errors: internal (missing or tampered file).
func (s *Service) ReadBlob(b Blob) ([]byte, error) {
	f, err := os.Open(s.path(b.StoredName))
	if err != nil {
		return nil, errs.Wrap(errs.Internal, "文件缺失", err)
	}
	rc, err := open(f, s.aead, b.StoredName, b.SHA256)
	if err != nil {
		f.Close()
		return nil, errs.Wrap(errs.Internal, "文件已损坏", err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	buf.Grow(int(b.Size))
	if _, err := io.Copy(&buf, rc); err != nil {
		return nil, errs.Wrap(errs.Internal, "文件已损坏", err)
	}
	return buf.Bytes(), nil
}

// RemoveBlob deletes a stored blob whose metadata could not be saved.
func (s *Service) RemoveBlob(storedName string) { _ = os.Remove(s.path(storedName)) }
