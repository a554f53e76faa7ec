package backup_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sunshine/app/accounts"
	"sunshine/app/backup"
	"sunshine/app/calendar"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/files"
	"sunshine/app/files/filestest"
	"sunshine/app/storage"
	"sunshine/app/storage/storagetest"
)

var ctx = context.Background()

type instance struct {
	db    *storage.DB
	files *files.Service
	cases *cases.Service
	dir   string
}

func newInstance(t *testing.T) *instance {
	t.Helper()
	db := storagetest.Open(t)
	cs := cases.New(db.Cases(), calendar.New(calendar.Seed(), nil), nil, nil)
	dir := filepath.Join(t.TempDir(), "files")
	fs, err := files.New(files.Options{Dir: dir, Key: "backup test key", MaxBytes: 1 << 20, Store: db.Attachments(),
		Cases: cs, Audit: db.Audit()})
	if err != nil {
		t.Fatal(err)
	}
	return &instance{db: db, files: fs, cases: cs, dir: dir}
}

var clerk = cases.Viewer{Actor: casework.Actor{ID: 900, Role: casework.RoleClerk, Name: "窗口甲"}}

// populate adds a staff user, a case (with its event and audit records)
// and a material.
func (in *instance) populate(t *testing.T) (*files.Meta, []byte) {
	t.Helper()
	if err := in.db.Staff().CreateStaff(ctx, &accounts.Staff{Username: "wang", PasswordHash: "x", Role: casework.RoleSpecialist,
		Name: "王专员", CreatedAt: time.Now(), UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	var form casework.Form
	form.Enterprise.Name, form.Entrustment.Matters = "阳光科技有限公司", "施工许可"
	c, err := in.cases.Submit(ctx, clerk, cases.SubmitInput{Form: form, Channel: casework.ChannelWindow, Mode: casework.FormIntake})
	if err != nil {
		t.Fatal(err)
	}
	plain := bytes.Repeat(filestest.PDF(), 900)
	m, err := in.files.Upload(ctx, clerk, c.ID, "", "营业执照.pdf", bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	return m, plain
}

func TestBackupAndRestore(t *testing.T) {
	src := newInstance(t)
	m, plain := src.populate(t)
	dir := filepath.Join(t.TempDir(), "b")
	man, err := backup.Backup(ctx, src.db, src.files, dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"cases", "case_events", "audit_records", "attachments", "staff_users"} {
		if man.Tables[table].Rows == 0 {
			t.Errorf("%s: no rows in the backup", table)
		}
	}
	if src.db.Dialect == storage.SQLite {
		if _, err := os.Stat(filepath.Join(dir, "database.sqlite")); err != nil {
			t.Errorf("no VACUUM INTO copy: %v", err)
		}
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "materials", m.StoredName+".bin"))
	if len(raw) == 0 || bytes.Contains(raw, []byte("%PDF")) {
		t.Fatal("the backup's material is missing or in plaintext")
	}

	dst := newInstance(t)
	if _, err := backup.Restore(ctx, dst.db, dst.files, dir); err != nil {
		t.Fatal(err)
	}
	for table, tb := range man.Tables {
		var n int64
		dst.db.R.Raw("SELECT COUNT(*) FROM " + table).Scan(&n)
		if n != tb.Rows {
			t.Errorf("restored %s: %d rows, want %d", table, n, tb.Rows)
		}
	}
	if _, data, err := dst.files.ReadAll(ctx, clerk, m.ID); err != nil || !bytes.Equal(data, plain) {
		t.Fatalf("restored material: %v", err)
	}
	// Restoring again over the data is refused, and changes nothing.
	if _, err := backup.Restore(ctx, dst.db, dst.files, dir); !errors.Is(err, backup.ErrNotEmpty) {
		t.Fatalf("restore over data = %v", err)
	}
}

func TestRestoreRefusesDamagedOrPartialBackups(t *testing.T) {
	src := newInstance(t)
	m, _ := src.populate(t)
	dir := filepath.Join(t.TempDir(), "b")
	if _, err := backup.Backup(ctx, src.db, src.files, dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Backup(ctx, src.db, src.files, dir, time.Now()); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("backup into a used directory = %v", err)
	}
	material := filepath.Join(dir, "materials", m.StoredName+".bin")
	raw, _ := os.ReadFile(material)
	raw[len(raw)/2] ^= 1
	os.WriteFile(material, raw, 0o600)
	dst := newInstance(t)
	if _, err := backup.Restore(ctx, dst.db, dst.files, dir); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("damaged backup = %v", err)
	}
	if empty, _ := dst.db.Empty(ctx); !empty {
		t.Fatal("a refused restore wrote rows")
	}
	os.Remove(filepath.Join(dir, "manifest.json"))
	if _, err := backup.Restore(ctx, dst.db, dst.files, dir); err == nil || !strings.Contains(err.Error(), "manifest") {
		t.Fatalf("backup without a manifest = %v", err)
	}
	// A store that holds objects is refused too.
	other := newInstance(t)
	other.populate(t)
	fresh := newInstance(t)
	fresh.files = other.files // an empty database, a store with an object
	dir2 := filepath.Join(t.TempDir(), "b2")
	if _, err := backup.Backup(ctx, src.db, src.files, dir2, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Restore(ctx, fresh.db, fresh.files, dir2); !errors.Is(err, backup.ErrNotEmpty) {
		t.Fatalf("restore into a used store = %v", err)
	}
}
