package storage

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"sunshine/app/errs"
)

// TestTranslateUnavailable: driver and network errors that mean "the
// database does not answer" are unavailable (503), the others keep their
// codes.
func TestTranslateUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want errs.Code
	}{
		{"connection refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, errs.Unavailable},
		{"bad connection", fmt.Errorf("query: %w", driver.ErrBadConn), errs.Unavailable},
		{"invalid connection", mysqldriver.ErrInvalidConn, errs.Unavailable},
		{"unexpected EOF", io.ErrUnexpectedEOF, errs.Unavailable},
		{"deadline on a dead pool", context.DeadlineExceeded, errs.Unavailable},
		{"too many connections", &mysqldriver.MySQLError{Number: 1040}, errs.Unavailable},
		{"deadlock", &mysqldriver.MySQLError{Number: 1213}, errs.Unavailable},
		{"syntax error", &mysqldriver.MySQLError{Number: 1064}, errs.Internal},
		{"not found", gorm.ErrRecordNotFound, errs.NotFound},
		{"duplicate", gorm.ErrDuplicatedKey, errs.Conflict},
		{"other", errors.New("boom"), errs.Internal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := errs.CodeOf(translate(tc.err, "记录")); got != tc.want {
				t.Errorf("translate(%v) = %s, want %s", tc.err, got, tc.want)
			}
		})
	}
}

// TestSQLiteBusyIsUnavailable: a write that finds the SQLite file locked by
// another writer past busy_timeout is unavailable, not internal.
func TestSQLiteBusyIsUnavailable(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/busy.db"
	a, err := Open(ctx, Options{SQLitePath: path})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.W.Exec("CREATE TABLE t (x INTEGER)").Error; err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, Options{SQLitePath: path})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.W.Exec("PRAGMA busy_timeout = 0").Error; err != nil {
		t.Fatal(err)
	}
	tx := a.W.Begin() // _txlock=immediate: holds the write lock
	defer tx.Rollback()
	if err := tx.Exec("INSERT INTO t VALUES (1)").Error; err != nil {
		t.Fatal(err)
	}
	err = b.W.Exec("INSERT INTO t VALUES (2)").Error
	if !errs.Is(err, errs.Unavailable) {
		t.Fatalf("write while another holds the lock: %v, want unavailable", err)
	}
}
