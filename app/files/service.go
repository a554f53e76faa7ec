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
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// Options configure the service.
type Options struct {
	Dir string // where encrypted files live (config FilesDir) when Blobs is nil
	// Blobs is where the encrypted objects live; nil keeps them under Dir.
	Blobs Blobs
	Key   string // config AttachmentKey: 64 hex characters or a passphrase
	// PreviousKey is the key being rotated away from: files still under it
	// stay readable until rotate-attachment-key has re-encrypted them.
	PreviousKey string
	MaxBytes    int64 // the largest accepted file
	Store       Store
	Cases       CaseAccess
	Audit       audit.Store
	Quota       Quota                 // zero: no quotas
	KV          redis.UniversalClient // upload rate counts; nil: no rate
	// KeyPrefix starts the Redis keys of the upload rate ("sunshine:files:"
	// when empty).
	KeyPrefix string
	Now       func() time.Time // nil: time.Now
	Log       *slog.Logger
}

// Service uploads, lists and opens the materials of cases.
type Service struct {
	o      Options
	blobs  Blobs
	aead   cipher.AEAD
	keyID  string
	prev   cipher.AEAD // nil without a previous key
	prevID string
}

// New checks the options and creates the files directory.
func New(o Options) (*Service, error) {
	if o.Key == "" {
		return nil, errors.New("files: no attachment key configured")
	}
	if o.Dir == "" && o.Blobs == nil || o.Store == nil || o.Cases == nil || o.Audit == nil || o.MaxBytes <= 0 {
		return nil, errors.New("files: Dir or Blobs, Store, Cases, Audit and MaxBytes are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.KeyPrefix == "" {
		o.KeyPrefix = "sunshine:files:"
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	s := &Service{o: o, blobs: o.Blobs, keyID: KeyID(o.Key)}
	if s.blobs == nil {
		d, err := NewDirBlobs(o.Dir)
		if err != nil {
			return nil, fmt.Errorf("files: create %s: %w", o.Dir, err)
		}
		s.blobs = d
	}
	var err error
	if s.aead, err = newAEAD(ParseKey(o.Key)); err != nil {
		return nil, err
	}
	if o.PreviousKey != "" && KeyID(o.PreviousKey) != s.keyID {
		if s.prev, err = newAEAD(ParseKey(o.PreviousKey)); err != nil {
			return nil, err
		}
		s.prevID = KeyID(o.PreviousKey)
	}
	return s, nil
}

// KeyID names a key without revealing it: recorded with every attachment,
// it says which key encrypted the file (rotation progress).
func KeyID(key string) string {
	k := ParseKey(key)
	sum := sha256.Sum256(append([]byte("sunshine attachment key id\x00"), k[:]...))
	return hex.EncodeToString(sum[:8])
}

// Blobs returns the object store.
func (s *Service) Blobs() Blobs { return s.blobs }

// Ready checks that the object store answers.
func (s *Service) Ready(ctx context.Context) error { return s.blobs.Ready(ctx) }

// MaxBytes is the largest accepted file.
func (s *Service) MaxBytes() int64 { return s.o.MaxBytes }

// Upload stores one file of a case for the viewer: anyone who may see the
// case (enterprise members, clerk, head, the assigned specialist, liaisons
// with a matter). Errors: not_found, forbidden, conflict (archived case),
// too_large (file or quota), too_many (upload rate), unsupported (type by
// content), unprocessable (empty file, step), unavailable.
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
	if err := s.checkRate(ctx, v); err != nil {
		return nil, err
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
	if err := s.checkQuota(ctx, c, int64(len(data))); err != nil {
		return nil, err
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
	m.KeyID = s.keyID
	// The object waits under its pending key until the row is committed,
	// then moves to its final key; a crash in between leaves a pending
	// object that Sweep promotes (row exists) or removes (no row).
	pending := PendingKey(m.StoredName)
	if err := s.put(ctx, pending, m.StoredName, bytes.NewReader(data), m.Size); err != nil {
		return nil, errs.Wrap(errs.Unavailable, "材料存储暂不可用，请稍后再试", err)
	}
	rec := s.record(ctx, v, "attachment.upload", "", audit.OK,
		fmt.Sprintf("case=%d type=%s size=%d sha256=%s", caseID, kind.MIME, m.Size, m.SHA256))
	if err := s.o.Store.InsertAttachment(ctx, m, rec); err != nil {
		_ = s.blobs.Delete(context.WithoutCancel(ctx), pending)
		return nil, err
	}
	if err := s.blobs.Move(context.WithoutCancel(ctx), pending, FinalKey(m.StoredName)); err != nil {
		s.o.Log.Warn("attachment left under its pending key; the sweeper promotes it", "attachment_id", m.ID, "err", err)
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
	rc, err := s.openPlain(ctx, m)
	if err != nil {
		return nil, nil, err
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

// put encrypts plain for the stored name and streams it to key.
func (s *Service) put(ctx context.Context, key, name string, plain io.Reader, size int64) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(sealStream(pw, s.aead, name, plain)) }()
	err := s.blobs.Put(ctx, key, pr, sealedSize(size))
	pr.CloseWithError(errors.New("files: upload ended"))
	return err
}

// Object opens the stored (encrypted) object of an attachment: under its
// final key, else under its pending key (row committed, move not done yet).
func (s *Service) Object(ctx context.Context, m *Meta) (io.ReadCloser, error) {
	rc, err := s.blobs.Get(ctx, FinalKey(m.StoredName))
	if errors.Is(err, ErrNoObject) {
		rc, err = s.blobs.Get(ctx, PendingKey(m.StoredName))
	}
	return rc, err
}

// openPlain returns a reader of the plaintext of an attachment, trying the
// key its row names first.
func (s *Service) openPlain(ctx context.Context, m *Meta) (io.ReadCloser, error) {
	if !storedNameRe.MatchString(m.StoredName) {
		return nil, errs.E(errs.Internal, "附件文件缺失")
	}
	f, err := s.Object(ctx, m)
	if errors.Is(err, ErrNoObject) {
		return nil, errs.Wrap(errs.Internal, "附件文件缺失", err)
	}
	if err != nil {
		return nil, errs.Wrap(errs.Unavailable, "材料存储暂不可用，请稍后再试", err)
	}
	first, other := s.aead, s.prev
	if s.prev != nil && m.KeyID == s.prevID {
		first, other = s.prev, s.aead
	}
	var others []cipher.AEAD
	if other != nil {
		others = append(others, other)
	}
	rc, err := open(f, m.StoredName, m.SHA256, first, others...)
	if err != nil {
		f.Close()
		return nil, errs.Wrap(errs.Internal, "附件文件已损坏", err)
	}
	return rc, nil
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
