package files_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"sunshine/app/errs"
	"sunshine/app/files"
	"sunshine/app/files/filestest"
)

// backends runs fn on the local directory store and, when TEST_S3_ENDPOINT
// is set, on a fresh bucket of that S3 server (skipped otherwise).
func backends(t *testing.T, fn func(t *testing.T, b files.Blobs)) {
	t.Run("dir", func(t *testing.T) {
		b, err := files.NewDirBlobs(filepath.Join(t.TempDir(), "files"))
		if err != nil {
			t.Fatal(err)
		}
		fn(t, b)
	})
	t.Run("s3", func(t *testing.T) {
		b, err := files.NewS3Blobs(ctx, filestest.S3Config(t))
		if err != nil {
			t.Fatal(err)
		}
		fn(t, b)
	})
}

func keys(t *testing.T, b files.Blobs, prefix string) []string {
	t.Helper()
	var out []string
	if err := b.List(ctx, prefix, func(k string, _ time.Time) error { out = append(out, k); return nil }); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestBlobsContract(t *testing.T) {
	backends(t, func(t *testing.T, b files.Blobs) {
		name := "0123456789abcdef0123456789abcdef"
		pending, final := files.PendingKey(name), files.FinalKey(name)
		data := bytes.Repeat([]byte("密文"), 50000)
		if err := b.Put(ctx, pending, bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatal(err)
		}
		if got := keys(t, b, files.PendingPrefix); len(got) != 1 || got[0] != pending {
			t.Fatalf("pending objects = %v", got)
		}
		if err := b.Move(ctx, pending, final); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Get(ctx, pending); !errors.Is(err, files.ErrNoObject) {
			t.Fatalf("moved object still pending: %v", err)
		}
		rc, err := b.Get(ctx, final)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("read back %d bytes, %v", len(got), err)
		}
		if all := keys(t, b, ""); len(all) != 1 || all[0] != final {
			t.Fatalf("objects = %v", all)
		}
		if err := b.Move(ctx, pending, final); !errors.Is(err, files.ErrNoObject) {
			t.Fatalf("move of a missing object = %v", err)
		}
		if err := b.Delete(ctx, final); err != nil {
			t.Fatal(err)
		}
		if err := b.Delete(ctx, final); err != nil {
			t.Fatalf("second delete = %v", err)
		}
		if _, err := b.Get(ctx, final); !errors.Is(err, files.ErrNoObject) {
			t.Fatalf("deleted object = %v", err)
		}
		if err := b.Put(ctx, "../etc/passwd", bytes.NewReader(nil), 0); err == nil {
			t.Fatal("a key outside the layout was accepted")
		}
		if err := b.Ready(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// newFixtureOn is newFixture with the objects in b and the given keys.
func newFixtureOn(t *testing.T, b files.Blobs, key, previous string, now func() time.Time) *fixture {
	f := newFixture(t, 4<<20)
	f.svc = f.service(b, key, previous, now)
	return f
}

func (f *fixture) service(b files.Blobs, key, previous string, now func() time.Time) *files.Service {
	svc, err := files.New(files.Options{Blobs: b, Key: key, PreviousKey: previous, MaxBytes: 4 << 20,
		Store: f.db.Attachments(), Cases: f.cases, Audit: f.db.Audit(), Now: now})
	if err != nil {
		f.t.Fatal(err)
	}
	return svc
}

func readRaw(t *testing.T, b files.Blobs, key string) []byte {
	t.Helper()
	rc, err := b.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	raw, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestUploadToObjectStore(t *testing.T) {
	backends(t, func(t *testing.T, b files.Blobs) {
		f := newFixtureOn(t, b, "key one passphrase", "", nil)
		c := f.newCase()
		plain := bytes.Repeat(filestest.PDF(), 2000) // several chunks
		m, err := f.svc.Upload(ctx, f.clerk, c.ID, "", "营业执照.pdf", bytes.NewReader(plain))
		if err != nil {
			t.Fatal(err)
		}
		if got := keys(t, b, ""); len(got) != 1 || got[0] != files.FinalKey(m.StoredName) {
			t.Fatalf("objects after upload = %v (want only the final key)", got)
		}
		if raw := readRaw(t, b, files.FinalKey(m.StoredName)); bytes.Contains(raw, []byte("%PDF")) || bytes.Contains(raw, []byte("/Catalog")) {
			t.Fatal("the store holds plaintext")
		}
		_, data, err := f.svc.ReadAll(ctx, f.clerk, m.ID)
		if err != nil || !bytes.Equal(data, plain) {
			t.Fatalf("round trip: %v", err)
		}
		if m.KeyID != files.KeyID("key one passphrase") {
			t.Fatalf("key id = %q", m.KeyID)
		}
	})
}

func TestUploadWithStoreDownIsUnavailable(t *testing.T) {
	f := newFixture(t, 1<<20)
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f.svc = f.service(&files.DirBlobs{Dir: notADir}, "k", "", nil)
	_, err := f.svc.Upload(ctx, f.clerk, f.newCase().ID, "", "a.pdf", bytes.NewReader(filestest.PDF()))
	if !errs.Is(err, errs.Unavailable) {
		t.Fatalf("upload to a broken store = %v, want unavailable", err)
	}
	if n := f.count("SELECT COUNT(*) FROM attachments"); n != 0 {
		t.Fatalf("rows = %d", n)
	}
}

func TestSweepPromotesAndRemovesPendingObjects(t *testing.T) {
	backends(t, func(t *testing.T, b files.Blobs) {
		var now time.Time
		clock := func() time.Time { return now }
		now = time.Now()
		f := newFixtureOn(t, b, "k", "", clock)
		c := f.newCase()
		m, err := f.svc.Upload(ctx, f.clerk, c.ID, "", "a.pdf", bytes.NewReader(filestest.PDF()))
		if err != nil {
			t.Fatal(err)
		}
		// A crash after the commit, before the move: the object is still pending.
		if err := b.Move(ctx, files.FinalKey(m.StoredName), files.PendingKey(m.StoredName)); err != nil {
			t.Fatal(err)
		}
		// A crash before the commit: a pending object no row names.
		orphan := files.PendingKey("ffffffffffffffffffffffffffffffff")
		if err := b.Put(ctx, orphan, bytes.NewReader([]byte("x")), 1); err != nil {
			t.Fatal(err)
		}
		if _, data, err := f.svc.ReadAll(ctx, f.clerk, m.ID); err != nil || !bytes.Equal(data, filestest.PDF()) {
			t.Fatalf("pending object not readable: %v", err)
		}
		if res, err := f.svc.Sweep(ctx); err != nil || res != (files.SweepResult{}) {
			t.Fatalf("young objects swept: %+v %v", res, err)
		}
		now = now.Add(files.OrphanAge + time.Hour)
		res, err := f.svc.Sweep(ctx)
		if err != nil || res.Promoted != 1 || res.Removed != 1 {
			t.Fatalf("sweep = %+v, %v", res, err)
		}
		if got := keys(t, b, ""); len(got) != 1 || got[0] != files.FinalKey(m.StoredName) {
			t.Fatalf("objects after sweep = %v", got)
		}
		if _, _, err := f.svc.ReadAll(ctx, f.clerk, m.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRotateInterruptedAndResumed(t *testing.T) {
	backends(t, func(t *testing.T, b files.Blobs) {
		const oldKey, newKey = "the old attachment key", "the new attachment key"
		f := newFixtureOn(t, b, oldKey, "", nil)
		c := f.newCase()
		var ids []int64
		want := map[int64][]byte{}
		for i := range 5 {
			plain := append(bytes.Repeat(filestest.PDF(), 100*(i+1)), byte(i))
			m, err := f.svc.Upload(ctx, f.clerk, c.ID, "", "a.pdf", bytes.NewReader(plain))
			if err != nil {
				t.Fatal(err)
			}
			ids, want[m.ID] = append(ids, m.ID), plain
		}
		readAll := func(svc *files.Service, stage string) {
			t.Helper()
			for _, id := range ids {
				if _, data, err := svc.ReadAll(ctx, f.clerk, id); err != nil || !bytes.Equal(data, want[id]) {
					t.Fatalf("%s: attachment %d: %v", stage, id, err)
				}
			}
		}
		rotating := f.service(b, newKey, oldKey, nil)
		res, err := rotating.Rotate(ctx, 2) // interrupted half-way
		if err != nil || res.Rotated != 2 || res.Remaining != 3 {
			t.Fatalf("first run = %+v, %v", res, err)
		}
		readAll(rotating, "half-way")
		// The instances still on the old key alone read the files not yet rotated.
		if _, _, err := f.svc.ReadAll(ctx, f.clerk, ids[4]); err != nil {
			t.Fatalf("old instance half-way: %v", err)
		}
		resumed := f.service(b, newKey, oldKey, nil) // a new process resumes
		if res, err = resumed.Rotate(ctx, 0); err != nil || res.Rotated != 3 || res.Remaining != 0 {
			t.Fatalf("resumed run = %+v, %v", res, err)
		}
		if res, err = resumed.Rotate(ctx, 0); err != nil || res.Rotated != 0 {
			t.Fatalf("third run = %+v, %v", res, err)
		}
		readAll(f.service(b, newKey, "", nil), "new key alone")
		if _, _, err := f.svc.ReadAll(ctx, f.clerk, ids[0]); err == nil {
			t.Fatal("the old key still opens a rotated file")
		}
		if got := keys(t, b, ""); len(got) != len(ids) {
			t.Fatalf("objects after rotation = %d, want %d (old ones removed)", len(got), len(ids))
		}
		if n := f.count("SELECT COUNT(*) FROM attachment_garbage"); n != 0 {
			t.Fatalf("garbage left = %d", n)
		}
		if n := f.count("SELECT COUNT(*) FROM attachments WHERE key_id = ?", files.KeyID(newKey)); n != int64(len(ids)) {
			t.Fatalf("rows under the new key = %d", n)
		}
	})
}
