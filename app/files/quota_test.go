package files_test

import (
	"bytes"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"sunshine/app/errs"
	"sunshine/app/files"
	"sunshine/app/files/filestest"
	"sunshine/app/kv/kvtest"
)

// withQuota rebuilds the fixture's service with a quota, the upload rate
// counted in Redis and a clock the test moves.
func (f *fixture) withQuota(q files.Quota, now *time.Time) {
	f.t.Helper()
	svc, err := files.New(files.Options{Dir: filepath.Join(f.t.TempDir(), "files"), Key: "test passphrase", MaxBytes: 1 << 20,
		Store: f.db.Attachments(), Cases: f.cases, Audit: f.db.Audit(), Quota: q, KV: kvtest.Open(f.t),
		Now: func() time.Time { return *now }})
	if err != nil {
		f.t.Fatal(err)
	}
	f.svc = svc
}

// TestUploadQuotas: a case and an enterprise hold at most so many files
// and bytes; what would go over is refused and nothing is stored.
func TestUploadQuotas(t *testing.T) {
	f := newFixture(t, 1<<20)
	now := time.Now()
	pdf := filestest.PDF()
	f.withQuota(files.Quota{CaseFiles: 2, CaseBytes: int64(3*len(pdf) - 1), EnterpriseFiles: 3}, &now)
	a, b, c := f.newCase(), f.newCase(), f.newCase()
	for _, id := range []int64{a.ID, b.ID, c.ID} { // one enterprise's cases
		if err := f.db.W.Exec("UPDATE cases SET enterprise_id = 4242 WHERE id = ?", id).Error; err != nil {
			t.Fatal(err)
		}
	}
	upload := func(caseID int64, data []byte) error {
		_, err := f.svc.Upload(ctx, f.clerk, caseID, "", "x.pdf", bytes.NewReader(data))
		return err
	}
	for i := 0; i < 2; i++ {
		if err := upload(a.ID, pdf); err != nil {
			t.Fatalf("upload %d within the case quota: %v", i+1, err)
		}
	}
	if err := upload(a.ID, pdf); !errs.Is(err, errs.TooLarge) {
		t.Fatalf("third file of a case with a quota of two: %v, want too_large", err)
	}
	if err := upload(b.ID, append(append([]byte{}, pdf...), make([]byte, 2*len(pdf))...)); !errs.Is(err, errs.TooLarge) {
		t.Fatalf("file over the case's byte quota: %v, want too_large", err)
	}
	if err := upload(b.ID, pdf); err != nil {
		t.Fatalf("third file of the enterprise: %v", err)
	}
	if err := upload(c.ID, pdf); !errs.Is(err, errs.TooLarge) {
		t.Fatalf("fourth file of an enterprise with a quota of three: %v, want too_large", err)
	}
	if n := f.count("SELECT COUNT(*) FROM attachments"); n != 3 {
		t.Fatalf("stored %d attachments, want 3", n)
	}
}

// TestUploadRate: an uploader gets so many uploads per window, counted in
// Redis; the next window starts afresh, and another uploader has their own.
func TestUploadRate(t *testing.T) {
	f := newFixture(t, 1<<20)
	// A random hour: a real Redis shared by runs keeps the counts of the last.
	now := time.Unix(rand.Int64N(1<<34), 0).Truncate(time.Hour)
	f.withQuota(files.Quota{Rate: 2, RateWindow: time.Hour}, &now)
	c := f.newCase()
	upload := func() error {
		_, err := f.svc.Upload(ctx, f.clerk, c.ID, "", "x.pdf", bytes.NewReader(filestest.PDF()))
		return err
	}
	for i := 0; i < 2; i++ {
		if err := upload(); err != nil {
			t.Fatal(err)
		}
	}
	if err := upload(); !errs.Is(err, errs.TooMany) {
		t.Fatalf("third upload in the hour: %v, want too_many", err)
	}
	other := f.clerk
	other.ID++
	if _, err := f.svc.Upload(ctx, other, c.ID, "", "x.pdf", bytes.NewReader(filestest.PDF())); err != nil {
		t.Fatalf("another uploader: %v", err)
	}
	now = now.Add(time.Hour)
	if err := upload(); err != nil {
		t.Fatalf("next hour: %v", err)
	}
}
