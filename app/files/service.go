package files

import (
	"bytes"
	"context"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// Options configure the service.
type Options struct {
	Dir      string // where encrypted files live (config FilesDir)
	Key      string // config AttachmentKey: 64 hex characters or a passphrase
	MaxBytes int64  // the largest accepted file
	Store    Store
	Cases    CaseAccess
	Audit    audit.Store
	Now      func() time.Time // nil: time.Now
	Log      *slog.Logger
}

// Service uploads, lists and opens the materials of cases.
type Service struct {
	o    Options
	aead cipher.AEAD
}

// New checks the options and creates the files directory.
func New(o Options) (*Service, error) {
	if o.Key == "" {
		return nil, errors.New("files: no attachment key configured")
	}
	if o.Dir == "" || o.Store == nil || o.Cases == nil || o.Audit == nil || o.MaxBytes <= 0 {
		return nil, errors.New("files: Dir, Store, Cases, Audit and MaxBytes are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("files: create %s: %w", o.Dir, err)
	}
	aead, err := newAEAD(ParseKey(o.Key))
	if err != nil {
		return nil, err
	}
	return &Service{o: o, aead: aead}, nil
}

// MaxBytes is the largest accepted file.
func (s *Service) MaxBytes() int64 { return s.o.MaxBytes }

// Upload stores one file of a case for the viewer: anyone who may see the
// case (enterprise members, clerk, head, the assigned specialist, liaisons
// with a matter). Errors: not_found, forbidden, conflict (archived case),
// too_large, unsupported (type by content), unprocessable (empty file, step).
func (s *Service) Upload(ctx context.Context, v cases.Viewer, caseID int64, step, filename string, r io.Reader) (*Meta, error) {
	c, err := s.o.Cases.CanSee(ctx, v, caseID)
	if err != nil {
		return nil, err
	}
	if c.ReadOnly() {
		return nil, errs.E(errs.Conflict, "案件已归档，不能再上传材料")
	}
	step = strings.TrimSpace(step)
	if step == "" {
		step = string(c.Stage())
	} else if !validStep(step) {
		return nil, errs.FieldErrors(map[string]string{"step": "材料所属环节无效"})
	}
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
		s.audit(ctx, v, "attachment.upload", "", audit.Denied, "case="+strconv.FormatInt(caseID, 10)+" "+errs.MessageOf(err))
		return nil, err
	}
	sum := sha256.Sum256(data)
	m := &Meta{CaseID: caseID, Step: step, Name: SanitizeName(filename, kind), ContentType: kind.MIME,
		Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), UploaderRole: v.Role, UploaderID: v.ID,
		CreatedAt: s.o.Now().UTC()}
	if m.StoredName, err = randomName(); err != nil {
		return nil, errs.Wrap(errs.Internal, "生成文件名失败", err)
	}
	if err := s.write(m.StoredName, data); err != nil {
		return nil, errs.Wrap(errs.Internal, "保存文件失败", err)
	}
	rec := s.record(ctx, v, "attachment.upload", "", audit.OK,
		fmt.Sprintf("case=%d type=%s size=%d sha256=%s", caseID, kind.MIME, m.Size, m.SHA256))
	if err := s.o.Store.InsertAttachment(ctx, m, rec); err != nil {
		_ = os.Remove(s.path(m.StoredName))
		return nil, err
	}
	s.o.Log.Info("attachment stored", "attachment_id", m.ID, "case_id", caseID, "type", kind.MIME, "size", m.Size)
	return m, nil
}

// List returns the attachments of a case the viewer may see. Errors:
// not_found, forbidden.
func (s *Service) List(ctx context.Context, v cases.Viewer, caseID int64) ([]Meta, error) {
	if _, err := s.o.Cases.CanSee(ctx, v, caseID); err != nil {
		return nil, err
	}
	list, err := s.o.Store.Attachments(ctx, caseID)
	if err != nil || v.Role != casework.RoleLiaison {
		return list, err
	}
	out := make([]Meta, 0, len(list))
	for _, m := range list {
		if matterFile(&m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// matterFile reports whether a liaison may read an attachment: the matter's
// files are those liaisons uploaded and those filed under 协调 (coordinate,
// the materials sent to the departments) — not the whole case's materials.
func matterFile(m *Meta) bool {
	return m.UploaderRole == casework.RoleLiaison || m.Step == string(casework.ActionCoordinate)
}

// Open returns an attachment and a reader of its plaintext for a viewer who
// may see its case; the download is audited before any byte is returned,
// and refused when it cannot be audited. The caller closes the reader, which
// fails with ErrCorrupt if the stored file was tampered with. Errors:
// not_found, forbidden, internal.
func (s *Service) Open(ctx context.Context, v cases.Viewer, id int64) (*Meta, io.ReadCloser, error) {
	obj := strconv.FormatInt(id, 10)
	m, err := s.o.Store.Attachment(ctx, id)
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			return nil, nil, errs.Wrap(errs.NotFound, "附件不存在", err)
		}
		return nil, nil, err
	}
	_, err = s.o.Cases.CanSee(ctx, v, m.CaseID)
	if err == nil && v.Role == casework.RoleLiaison && !matterFile(m) {
		err = errs.E(errs.NotFound, "附件不存在")
	}
	if err != nil {
		s.audit(ctx, v, "attachment.download", obj, audit.Denied, errs.MessageOf(err))
		if errs.Is(err, errs.NotFound) {
			return nil, nil, errs.Wrap(errs.NotFound, "附件不存在", err)
		}
		return nil, nil, err
	}
	f, err := os.Open(s.path(m.StoredName))
	if err != nil {
		return nil, nil, errs.Wrap(errs.Internal, "附件文件缺失", err)
	}
	rc, err := open(f, s.aead, m.StoredName, m.SHA256)
	if err != nil {
		f.Close()
		return nil, nil, errs.Wrap(errs.Internal, "附件文件已损坏", err)
	}
	rec := s.record(ctx, v, "attachment.download", obj, audit.OK, fmt.Sprintf("case=%d sha256=%s", m.CaseID, m.SHA256))
	if err := s.o.Audit.Append(ctx, rec); err != nil {
		rc.Close()
		return nil, nil, err
	}
	return m, rc, nil
}

// ReadAll is Open followed by reading the whole file, for callers that
// must not start a response before the file proved authentic.
func (s *Service) ReadAll(ctx context.Context, v cases.Viewer, id int64) (*Meta, []byte, error) {
	m, rc, err := s.Open(ctx, v, id)
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	var buf bytes.Buffer
	buf.Grow(int(m.Size))
	if _, err := io.Copy(&buf, rc); err != nil {
		return nil, nil, errs.Wrap(errs.Internal, "附件文件已损坏", err)
	}
	return m, buf.Bytes(), nil
}

var storedNameRe = regexp.MustCompile(`^[0-9a-f]{32}$`)

func randomName() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// path is where a stored name lives: a two-level fan-out keeps directories
// small. Names are checked so that no path can be smuggled in.
func (s *Service) path(name string) string {
	if !storedNameRe.MatchString(name) {
		return filepath.Join(s.o.Dir, "invalid")
	}
	return filepath.Join(s.o.Dir, name[:2], name+".bin")
}

// write encrypts data to a temporary file and renames it into place, so a
// crash never leaves a half-written file under the final name.
func (s *Service) write(name string, data []byte) error {
	final := s.path(name)
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(final), name+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := seal(tmp, s.aead, name, data); err != nil {
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

func (s *Service) record(ctx context.Context, v cases.Viewer, action, obj, result, detail string) *audit.Record {
	r := &audit.Record{ActorID: v.ID, ActorRole: string(v.Role), ActorName: v.Name, Action: action,
		ObjectType: "attachment", ObjectID: obj, Result: result, Detail: detail}
	audit.Fill(ctx, r, s.o.Now())
	return r
}

// audit writes a record outside any transaction (denials).
func (s *Service) audit(ctx context.Context, v cases.Viewer, action, obj, result, detail string) {
	if err := s.o.Audit.Append(ctx, s.record(ctx, v, action, obj, result, detail)); err != nil {
		s.o.Log.Error("audit write failed", "err", err, "action", action)
	}
}
