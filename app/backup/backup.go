// Package backup writes and restores a consistent snapshot of an instance:
// the database as portable JSON lines (plus, on SQLite, a VACUUM INTO copy),
// the materials exactly as stored (still encrypted: a backup holds no
// plaintext and is useless without the attachment key) and a manifest with
// the schema version, row counts and SHA-256 checksums of every file.
package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"sunshine/app/files"
	"sunshine/app/storage"
)

// Format is the version of the backup layout.
const Format = 1

// Manifest describes a backup; it is written last, so a directory without
// one is an unfinished backup.
type Manifest struct {
	Format        int                          `json:"format"`
	CreatedAt     time.Time                    `json:"created_at"`
	Dialect       string                       `json:"dialect"`
	SchemaVersion int                          `json:"schema_version"`
	Tables        map[string]storage.TableDump `json:"tables"`
	Materials     map[string]Material          `json:"materials"` // by stored name
	// KeyIDs are the attachment keys (files.KeyID) the materials need.
	KeyIDs []string `json:"key_ids"`
}

// Material is one stored (encrypted) object in the backup.
type Material struct {
	File   string `json:"file"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // of the stored bytes
}

const manifestName = "manifest.json"

// Backup writes a snapshot of db and the materials of fs into dir, which
// must not exist or be empty.
func Backup(ctx context.Context, db *storage.DB, fs *files.Service, dir string, now time.Time) (*Manifest, error) {
	if err := emptyDir(dir); err != nil {
		return nil, err
	}
	snap, err := db.Dump(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	m := &Manifest{Format: Format, CreatedAt: now.UTC(), Dialect: string(db.Dialect), SchemaVersion: snap.Version,
		Tables: snap.Tables, Materials: map[string]Material{}}
	// The materials the snapshot's rows name: objects are never changed in
	// place, so these are exactly the snapshot's files.
	rows, err := snap.Query(ctx, "SELECT id, stored_name, sha256, key_id FROM attachments ORDER BY id")
	if err != nil {
		return nil, err
	}
	var metas []files.Meta
	keys := map[string]bool{}
	for rows.Next() {
		var a files.Meta
		if err := rows.Scan(&a.ID, &a.StoredName, &a.SHA256, &a.KeyID); err != nil {
			rows.Close()
			return nil, err
		}
		metas = append(metas, a)
		keys[a.KeyID] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The enterprise documents of claims (营业执照 …) are objects too.
	docs, err := snap.Query(ctx, "SELECT id, stored_name, sha256 FROM claim_documents ORDER BY id")
	if err != nil {
		return nil, err
	}
	for docs.Next() {
		var a files.Meta
		if err := docs.Scan(&a.ID, &a.StoredName, &a.SHA256); err != nil {
			docs.Close()
			return nil, err
		}
		metas = append(metas, a)
	}
	docs.Close()
	if err := docs.Err(); err != nil {
		return nil, err
	}
	for k := range keys {
		m.KeyIDs = append(m.KeyIDs, k)
	}
	if err := os.MkdirAll(filepath.Join(dir, "materials"), 0o700); err != nil {
		return nil, err
	}
	for i := range metas {
		a := &metas[i]
		mat, err := copyObject(ctx, fs, a, dir)
		if err != nil {
			return nil, fmt.Errorf("object %s: %w", a.StoredName, err)
		}
		m.Materials[a.StoredName] = mat
	}
	if err := writeJSON(filepath.Join(dir, manifestName), m); err != nil {
		return nil, err
	}
	return m, nil
}

func copyObject(ctx context.Context, fs *files.Service, a *files.Meta, dir string) (Material, error) {
	mat := Material{File: "materials/" + a.StoredName + ".bin"}
	src, err := fs.Object(ctx, a)
	if err != nil {
		return mat, err
	}
	defer src.Close()
	f, err := os.OpenFile(filepath.Join(dir, filepath.FromSlash(mat.File)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- a new file in the empty backup directory the operator named
	if err != nil {
		return mat, err
	}
	defer f.Close()
	h := sha256.New()
	if mat.Size, err = io.Copy(io.MultiWriter(f, h), src); err != nil {
		return mat, err
	}
	mat.SHA256 = hex.EncodeToString(h.Sum(nil))
	return mat, f.Sync()
}

// Read loads and checks a backup's manifest and the checksum of every file.
func Read(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, manifestName)) // #nosec G304 -- the manifest of the backup directory the operator named
	if err != nil {
		return nil, fmt.Errorf("no manifest in %s (an unfinished backup?): %w", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("backup format %d, this release reads %d", m.Format, Format)
	}
	check := func(file, want string) error {
		got, err := sumFile(filepath.Join(dir, filepath.FromSlash(file)))
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("%s: checksum mismatch (the backup is damaged)", file)
		}
		return nil
	}
	for _, t := range m.Tables {
		if err := check(t.File, t.SHA256); err != nil {
			return nil, err
		}
	}
	for _, mat := range m.Materials {
		if err := check(mat.File, mat.SHA256); err != nil {
			return nil, err
		}
	}
	return &m, nil
}

// ErrNotEmpty is returned by Restore when the database or the object store
// already holds data.
var ErrNotEmpty = errors.New("restore needs an empty database and an empty object store")

// Restore checks the backup in dir and loads it into db (migrated, empty)
// and the object store of fs (empty). The materials go in first: if the
// database load fails, running Restore again after emptying the store
// starts over cleanly.
func Restore(ctx context.Context, db *storage.DB, fs *files.Service, dir string) (*Manifest, error) {
	m, err := Read(dir)
	if err != nil {
		return nil, err
	}
	if empty, err := db.Empty(ctx); err != nil {
		return nil, err
	} else if !empty {
		return nil, fmt.Errorf("%w: the database has rows", ErrNotEmpty)
	}
	objects := 0
	if err := fs.Blobs().List(ctx, "", func(string, time.Time) error { objects++; return nil }); err != nil {
		return nil, err
	}
	if objects > 0 {
		return nil, fmt.Errorf("%w: the object store holds %d objects", ErrNotEmpty, objects)
	}
	for name, mat := range m.Materials {
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(mat.File))) // #nosec G304 -- a file of the operator's backup directory, named in its manifest; its checksum is verified before use
		if err != nil {
			return nil, err
		}
		err = fs.Import(ctx, name, f, mat.Size)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("material %s: %w", name, err)
		}
	}
	if err := db.Load(ctx, dir, m.SchemaVersion, m.Tables); err != nil {
		if errors.Is(err, storage.ErrNotEmpty) {
			return nil, fmt.Errorf("%w: the database has rows", ErrNotEmpty)
		}
		return nil, err
	}
	return m, nil
}

func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("backup directory %s is not empty", dir)
	}
	return nil
}

func sumFile(path string) (string, error) {
	f, err := os.Open(path) // #nosec G304 -- a file of the backup directory the operator named
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- a new file in the empty backup directory the operator named
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
