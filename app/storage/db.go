// Package storage keeps the records in a SQL database through GORM: MySQL
// (MariaDB, TiDB) in production, SQLite (pure Go) on embedded defaults. It
// owns the schema and its migrations and maps driver errors to errs codes.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"sunshine/app/errs"
)

// Dialect names the SQL flavour.
type Dialect string

// Supported dialects.
const (
	SQLite Dialect = "sqlite"
	MySQL  Dialect = "mysql"
)

// Options say which database to open.
type Options struct {
	MySQLDSN   string // set → MySQL; empty → SQLite at SQLitePath
	SQLitePath string
	Log        *slog.Logger
}

// DB is the database handle. Writes go through W; on SQLite W holds a single
// connection (one writer, WAL) and reads use the pool R; on MySQL both are
// the same pool.
type DB struct {
	W, R    *gorm.DB
	Dialect Dialect
	log     *slog.Logger
}

// Open connects, checks the connection and returns the handle (it does not
// migrate; call Migrate).
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	cfg := &gorm.Config{TranslateError: true, Logger: logger.Discard, PrepareStmt: false,
		NowFunc: func() time.Time { return time.Now().UTC() }}
	db := &DB{log: o.Log}
	if o.MySQLDSN != "" {
		dsn := mysqlDSN(o.MySQLDSN)
		g, err := gorm.Open(mysql.New(mysql.Config{DSN: dsn, DefaultStringSize: 191}), cfg)
		if err != nil {
			return nil, fmt.Errorf("open mysql: %w", err)
		}
		sqlDB, _ := g.DB()
		sqlDB.SetMaxOpenConns(40)
		sqlDB.SetMaxIdleConns(20)
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
		db.W, db.R, db.Dialect = g, g, MySQL
	} else {
		if err := os.MkdirAll(filepath.Dir(o.SQLitePath), 0o750); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
		dsn := "file:" + o.SQLitePath + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
			"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"
		w, err := gorm.Open(sqlite.Open(dsn), cfg)
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		r, err := gorm.Open(sqlite.Open(dsn), cfg)
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		wdb, _ := w.DB()
		wdb.SetMaxOpenConns(1)
		rdb, _ := r.DB()
		rdb.SetMaxOpenConns(8)
		db.W, db.R, db.Dialect = w, r, SQLite
	}
	for _, g := range []*gorm.DB{db.W, db.R} {
		if err := registerUnavailable(g); err != nil {
			db.Close()
			return nil, err
		}
		if db.W == db.R {
			break
		}
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// mysqlDSN adds the parameters this code relies on when they are missing.
func mysqlDSN(dsn string) string {
	need := []string{"parseTime=true", "loc=UTC", "charset=utf8mb4", "interpolateParams=true"}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	for _, p := range need {
		key := p[:strings.Index(p, "=")+1]
		if !strings.Contains(dsn, key) {
			dsn += sep + p
			sep = "&"
		}
	}
	return dsn
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.R.DB()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return sqlDB.PingContext(ctx)
}

// SQL returns the write pool as *sql.DB (for metrics).
func (db *DB) SQL() *sql.DB { s, _ := db.W.DB(); return s }

// ReadSQL returns the read pool as *sql.DB (for metrics).
func (db *DB) ReadSQL() *sql.DB { s, _ := db.R.DB(); return s }

// Close closes both pools.
func (db *DB) Close() error {
	var errList []error
	for _, g := range []*gorm.DB{db.W, db.R} {
		if g == nil {
			continue
		}
		if s, err := g.DB(); err == nil {
			errList = append(errList, s.Close())
		}
		if db.W == db.R {
			break
		}
	}
	return errors.Join(errList...)
}

// translate maps driver and GORM errors to errs codes; unknown errors become
// internal errors whose text is never shown to users.
func translate(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.As(err, new(*errs.Error)):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound):
		return errs.Wrap(errs.NotFound, what+"不存在", err)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return errs.Wrap(errs.Conflict, what+"已存在", err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return errs.Wrap(errs.Unavailable, "请求超时，请稍后再试", err)
	case isUnavailable(err): // e.g. a transaction that could not begin
		return errs.Wrap(errs.Unavailable, unavailableMessage, err)
	}
	return errs.Wrap(errs.Internal, "数据库错误", err)
}
