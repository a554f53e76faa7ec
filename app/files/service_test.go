package files_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"sunshine/app/accounts"
	"sunshine/app/calendar"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/files"
	"sunshine/app/files/filestest"
	"sunshine/app/storage"
	"sunshine/app/storage/storagetest"
)

var ctx = context.Background()

type fixture struct {
	t     *testing.T
	db    *storage.DB
	dir   string
	cases *cases.Service
	svc   *files.Service
	spec  cases.Viewer
	clerk cases.Viewer
}

func newFixture(t *testing.T, maxBytes int64) *fixture {
	t.Helper()
	db := storagetest.Open(t)
	sp := &accounts.Staff{Username: "wang", PasswordHash: "x", Role: casework.RoleSpecialist, Name: "王专员",
		CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := db.Staff().CreateStaff(ctx, sp); err != nil {
		t.Fatal(err)
	}
	cs := cases.New(db.Cases(), calendar.New(calendar.Seed(), nil), nil, nil)
	dir := filepath.Join(t.TempDir(), "files")
	svc, err := files.New(files.Options{Dir: dir, Key: "test passphrase", MaxBytes: maxBytes,
		Store: db.Attachments(), Cases: cs, Audit: db.Audit()})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, db: db, dir: dir, cases: cs, svc: svc,
		spec:  cases.Viewer{Actor: casework.Actor{ID: sp.ID, Role: casework.RoleSpecialist, Name: sp.Name}},
		clerk: cases.Viewer{Actor: casework.Actor{ID: 900, Role: casework.RoleClerk, Name: "窗口甲"}}}
}

func (f *fixture) newCase() *casework.Case {
	f.t.Helper()
	var form casework.Form
	form.Enterprise.Name, form.Entrustment.Matters = "阳光科技有限公司", "施工许可"
	c, err := f.cases.Submit(ctx, f.clerk, cases.SubmitInput{Form: form, Channel: casework.ChannelWindow, Mode: casework.FormIntake})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) count(q string, args ...any) int64 {
	var n int64
	if err := f.db.R.Raw(q, args...).Scan(&n).Error; err != nil {
		f.t.Fatal(err)
	}
	return n
}

func TestUploadEncryptsAndRoundTrips(t *testing.T) {
	f := newFixture(t, 1<<20)
	c := f.newCase()
	// Several chunks, the last one partial, and a name that lies about the type.
	plain := bytes.Repeat(filestest.PDF(), 3000)
	m, err := f.svc.Upload(ctx, f.clerk, c.ID, "", "报告.exe", bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "报告.pdf" || m.ContentType != "application/pdf" || m.Step != "intake" || m.Size != int64(len(plain)) {
		t.Fatalf("meta = %+v", m)
	}
	raw, err := os.ReadFile(filepath.Join(f.dir, m.StoredName[:2], m.StoredName+".bin"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("%PDF")) || bytes.Contains(raw, []byte("/Catalog")) {
		t.Fatal("the stored file contains plaintext")
	}
	got, data, err := f.svc.ReadAll(ctx, f.clerk, m.ID)
	if err != nil || !bytes.Equal(data, plain) || got.SHA256 != m.SHA256 {
		t.Fatalf("round trip: %v, equal=%v", err, bytes.Equal(data, plain))
	}
	if n := f.count("SELECT COUNT(*) FROM audit_records WHERE action = 'attachment.upload' AND object_id = ?", strconv.FormatInt(m.ID, 10)); n != 1 {
		t.Fatalf("upload audits = %d", n)
	}
	if n := f.count("SELECT COUNT(*) FROM audit_records WHERE action = 'attachment.download' AND result = 'ok'"); n != 1 {
		t.Fatalf("download audits = %d", n)
	}

	// Tampering with one byte of the ciphertext makes the read fail.
	path := filepath.Join(f.dir, m.StoredName[:2], m.StoredName+".bin")
	raw[len(raw)/2] ^= 1
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.ReadAll(ctx, f.clerk, m.ID); err == nil {
		t.Fatal("tampered file was read")
	}
	// Cutting the file at a chunk boundary is detected as well.
	raw[len(raw)/2] ^= 1
	if err := os.WriteFile(path, raw[:16+64<<10+16], 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.ReadAll(ctx, f.clerk, m.ID); err == nil {
		t.Fatal("truncated file was read")
	}
}

func TestUploadRefusals(t *testing.T) {
	f := newFixture(t, 1024)
	c := f.newCase()
	for _, tc := range []struct {
		name string
		v    cases.Viewer
		id   int64
		step string
		data []byte
		want errs.Code
	}{
		{"too large", f.clerk, c.ID, "", append(filestest.PDF(), make([]byte, 1024)...), errs.TooLarge},
		{"exe named pdf", f.clerk, c.ID, "", filestest.EXE(), errs.Unsupported},
		{"empty", f.clerk, c.ID, "", nil, errs.Unprocessable},
		{"bad step", f.clerk, c.ID, "nonsense", filestest.PDF(), errs.Unprocessable},
		{"unassigned specialist", f.spec, c.ID, "", filestest.PDF(), errs.NotFound},
		{"missing case", f.clerk, c.ID + 99, "", filestest.PDF(), errs.NotFound},
		{"supervisor", cases.Viewer{Actor: casework.Actor{ID: 5, Role: casework.RoleSupervisor}}, c.ID, "", filestest.PDF(), errs.Forbidden},
		{"admin", cases.Viewer{Actor: casework.Actor{ID: 6, Role: casework.RoleAdmin}}, c.ID, "", filestest.PDF(), errs.Forbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.Upload(ctx, tc.v, tc.id, tc.step, "x.pdf", bytes.NewReader(tc.data))
			if !errs.Is(err, tc.want) {
				t.Fatalf("Upload = %v, want %s", err, tc.want)
			}
		})
	}
	if n := f.count("SELECT COUNT(*) FROM attachments"); n != 0 {
		t.Fatalf("refused uploads left %d rows", n)
	}
	var left []string
	_ = filepath.Walk(f.dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			left = append(left, p)
		}
		return nil
	})
	if len(left) != 0 {
		t.Fatalf("refused uploads left files: %v", left)
	}
}

// multipartBody builds a form with fields and, when withFile, a file part.
func multipartBody(t testing.TB, fields map[string]string, name string, data []byte, withFile bool) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if withFile {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(fw, bytes.NewReader(data))
	}
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	_ = w.Close()
	return buf.Bytes(), w.FormDataContentType()
}
