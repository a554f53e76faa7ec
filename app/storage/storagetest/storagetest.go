// Package storagetest opens a migrated database for tests: SQLite in a
// temporary directory by default, or a fresh MySQL database of its own when
// TEST_MYSQL_DSN is set (the same tests run on both).
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/go-sql-driver/mysql" // for creating and dropping test databases

	"sunshine/app/storage"
)

// MySQL reports whether tests run against MySQL.
func MySQL() bool { return os.Getenv("TEST_MYSQL_DSN") != "" }

// Fresh returns the options of a new, empty and unmigrated database that is
// removed when t ends; several handles opened with them share one database,
// as several instances of the service do.
func Fresh(t testing.TB) storage.Options {
	t.Helper()
	opts := storage.Options{SQLitePath: filepath.Join(t.TempDir(), "test.db")}
	if dsn := os.Getenv("TEST_MYSQL_DSN"); dsn != "" {
		opts.MySQLDSN = freshDatabase(t, dsn)
	}
	return opts
}

// Open returns a migrated, empty database that is removed when t ends.
func Open(t testing.TB) *storage.DB {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, Fresh(t))
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// freshDatabase creates a database named after the DSN's one plus a random
// suffix and returns a DSN for it; the database is dropped at cleanup.
func freshDatabase(t testing.TB, dsn string) string {
	t.Helper()
	slash := strings.LastIndex(dsn, "/")
	if slash < 0 {
		t.Fatalf("TEST_MYSQL_DSN has no database part: want user:pass@tcp(host:port)/dbname")
	}
	base, rest := dsn[:slash+1], dsn[slash+1:]
	name, params, _ := strings.Cut(rest, "?")
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	db := name + "_" + hex.EncodeToString(b)
	admin, err := sql.Open("mysql", base+"?"+params)
	if err != nil {
		t.Fatalf("connect mysql: %v", err)
	}
	defer admin.Close()
	// #nosec G701 -- db is the test DSN's database name plus random hex, quoted; identifiers cannot be bound as parameters
	if _, err := admin.Exec("CREATE DATABASE `" + db + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatalf("create test database (the TEST_MYSQL_DSN user needs CREATE on %s_*): %v", name, err)
	}
	t.Cleanup(func() {
		if a, err := sql.Open("mysql", base+"?"+params); err == nil {
			a.Exec("DROP DATABASE IF EXISTS `" + db + "`") // #nosec G701 -- as for CREATE DATABASE above
			a.Close()
		}
	})
	out := base + db
	if params != "" {
		out += "?" + params
	}
	return out
}
