package files

import (
	"bytes"
	"context"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"

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
func (s *Service) StoreImage(ctx context.Context, filename string, r io.Reader) (*Blob, error) {
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
	if err := s.put(ctx, FinalKey(b.StoredName), b.StoredName, bytes.NewReader(data), b.Size); err != nil {
		return nil, errs.Wrap(errs.Unavailable, "材料存储暂不可用，请稍后再试", err)
	}
	return b, nil
}

// ReadBlob decrypts a stored blob whole and checks it against its digest
// (under the current attachment key, or the previous one during a
// rotation). The caller has already decided (and audited) that the reader
// may see it. Errors: unavailable (store down), internal (missing or
// tampered file).
func (s *Service) ReadBlob(ctx context.Context, b Blob) ([]byte, error) {
	if !storedNameRe.MatchString(b.StoredName) {
		return nil, errs.E(errs.Internal, "文件缺失")
	}
	f, err := s.blobs.Get(ctx, FinalKey(b.StoredName))
	if errors.Is(err, ErrNoObject) {
		return nil, errs.Wrap(errs.Internal, "文件缺失", err)
	}
	if err != nil {
		return nil, errs.Wrap(errs.Unavailable, "材料存储暂不可用，请稍后再试", err)
	}
	var others []cipher.AEAD
	if s.prev != nil {
		others = append(others, s.prev)
	}
	rc, err := open(f, b.StoredName, b.SHA256, s.aead, others...)
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
func (s *Service) RemoveBlob(ctx context.Context, storedName string) {
	if storedNameRe.MatchString(storedName) {
		_ = s.blobs.Delete(ctx, FinalKey(storedName))
	}
}
