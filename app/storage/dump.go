package storage

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The portable dump of a database: one JSON-lines file per table. The first
// line is {"table": …, "columns": […]}, then one JSON array per row, in
// primary-key order. Values: null, numbers, strings, {"t": RFC 3339} for
// times and {"b": base64} for bytes that are not UTF-8. Both dialects write
// and read it, so a SQLite backup restores into MySQL and back.

// TableDump describes one dumped table.
type TableDump struct {
	File   string `json:"file"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// Snapshot is a consistent read of every table.
type Snapshot struct {
	Version int                  // schema version
	Tables  map[string]TableDump // by table name
	// Query runs a query inside the snapshot (the caller reads what the
	// dump holds, e.g. the attachment rows). Valid until Close.
	Query func(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	Close func() error
}

// Dump writes every table (schema_migrations excepted: the version is the
// Snapshot's) to dir, from one consistent snapshot: on MySQL one
// transaction WITH CONSISTENT SNAPSHOT; on SQLite a VACUUM INTO copy
// (dir/database.sqlite, itself a restorable file) read afterwards. Close the
// returned Snapshot when done with it.
func (db *DB) Dump(ctx context.Context, dir string) (*Snapshot, error) {
	var (
		q     func(ctx context.Context, q string, args ...any) (*sql.Rows, error)
		close func() error
	)
	switch db.Dialect {
	case MySQL:
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			return nil, err
		}
		for _, stmt := range []string{"SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"} {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				conn.Close()
				return nil, fmt.Errorf("dump: %s: %w", stmt, err)
			}
		}
		q = conn.QueryContext
		close = func() error {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "COMMIT")
			return conn.Close()
		}
	default:
		file := filepath.Join(dir, "database.sqlite")
		if _, err := db.SQL().ExecContext(ctx, "VACUUM INTO ?", file); err != nil {
			return nil, fmt.Errorf("dump: VACUUM INTO: %w", err)
		}
		snap, err := Open(ctx, Options{SQLitePath: file})
		if err != nil {
			return nil, err
		}
		q = snap.ReadSQL().QueryContext
		close = snap.Close
	}
	s := &Snapshot{Tables: map[string]TableDump{}, Query: q, Close: close}
	fail := func(err error) (*Snapshot, error) { s.Close(); return nil, err }
	rows, err := q(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
	if err != nil {
		return fail(err)
	}
	if rows.Next() {
		err = rows.Scan(&s.Version)
	}
	rows.Close()
	if err != nil {
		return fail(err)
	}
	tables, err := db.tables(ctx, q)
	if err != nil {
		return fail(err)
	}
	for _, t := range tables {
		d, err := dumpTable(ctx, q, dir, t)
		if err != nil {
			return fail(fmt.Errorf("dump %s: %w", t, err))
		}
		s.Tables[t] = d
	}
	return s, nil
}

// tables lists the application's tables.
func (db *DB) tables(ctx context.Context, q func(context.Context, string, ...any) (*sql.Rows, error)) ([]string, error) {
	query := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if db.Dialect == MySQL {
		query = "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
	}
	rows, err := q(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		if t != "schema_migrations" {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out, rows.Err()
}

func quoteIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

func dumpTable(ctx context.Context, q func(context.Context, string, ...any) (*sql.Rows, error), dir, table string) (TableDump, error) {
	d := TableDump{File: "db/" + table + ".jsonl"}
	if err := os.MkdirAll(filepath.Join(dir, "db"), 0o700); err != nil {
		return d, err
	}
	f, err := os.OpenFile(filepath.Join(dir, filepath.FromSlash(d.File)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- a new file in the empty backup directory the operator named
	if err != nil {
		return d, err
	}
	defer f.Close()
	h := sha256.New()
	w := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<16)
	rows, err := q(ctx, "SELECT * FROM "+quoteIdent(table)+" ORDER BY 1")
	if err != nil {
		return d, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return d, err
	}
	enc := json.NewEncoder(w)
	if err := enc.Encode(map[string]any{"table": table, "columns": cols}); err != nil {
		return d, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	out := make([]any, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return d, err
		}
		for i, v := range vals {
			out[i] = portable(v)
		}
		if err := enc.Encode(out); err != nil {
			return d, err
		}
		d.Rows++
	}
	if err := rows.Err(); err != nil {
		return d, err
	}
	if err := w.Flush(); err != nil {
		return d, err
	}
	if err := f.Sync(); err != nil {
		return d, err
	}
	d.SHA256 = hex.EncodeToString(h.Sum(nil))
	return d, nil
}

func portable(v any) any {
	switch x := v.(type) {
	case time.Time:
		return map[string]string{"t": x.UTC().Format(time.RFC3339Nano)}
	case []byte:
		if utf8.Valid(x) {
			return string(x)
		}
		return map[string]string{"b": base64.StdEncoding.EncodeToString(x)}
	}
	return v
}

func fromPortable(v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, nil
		}
		return x.Float64()
	case map[string]any:
		if s, ok := x["t"].(string); ok {
			return time.Parse(time.RFC3339Nano, s)
		}
		if s, ok := x["b"].(string); ok {
			return base64.StdEncoding.DecodeString(s)
		}
		return nil, errors.New("unknown value object")
	}
	return v, nil
}

// seededByMigrations are the tables a fresh database fills by itself
// (audit_chain: the chain head of an empty trail; stats_monthly: the marker
// of the counters' one-time backfill, written at start). An empty database
// holds their initial rows; Load replaces them with the dump's. A migration
// or start-up step that inserts rows must add its table here.
var seededByMigrations = map[string]bool{"audit_chain": true, "stats_monthly": true}

// ErrNotEmpty is returned by Load when the database already holds data.
var ErrNotEmpty = errors.New("the database is not empty")

// Empty reports whether no application table holds a row.
func (db *DB) Empty(ctx context.Context) (bool, error) {
	tables, err := db.tables(ctx, db.SQL().QueryContext)
	if err != nil {
		return false, err
	}
	for _, t := range tables {
		if seededByMigrations[t] {
			continue
		}
		var n int64
		if err := db.W.WithContext(ctx).Raw("SELECT COUNT(*) FROM " + quoteIdent(t)).Scan(&n).Error; err != nil {
			return false, err
		}
		if n > 0 {
			return false, nil
		}
	}
	return true, nil
}

// Load inserts the dumped tables into this database, which must be migrated
// to the dump's schema version and empty, in one transaction.
func (db *DB) Load(ctx context.Context, dir string, version int, tables map[string]TableDump) error {
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if v != version {
		return fmt.Errorf("the database is at schema version %d, the backup at %d: restore with the release that wrote it", v, version)
	}
	empty, err := db.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return ErrNotEmpty
	}
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if db.Dialect == MySQL {
		_, err = conn.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 0")
		defer conn.ExecContext(context.WithoutCancel(ctx), "SET FOREIGN_KEY_CHECKS = 1")
	} else {
		_, err = conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF")
		defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON")
	}
	if err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	names := make([]string, 0, len(tables))
	for t := range tables {
		names = append(names, t)
	}
	slices.Sort(names)
	for _, t := range names {
		if seededByMigrations[t] {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+quoteIdent(t)); err != nil { // #nosec G202 -- the table name comes from the fixed list seededByMigrations, quoted by quoteIdent
				return fmt.Errorf("load %s: %w", t, err)
			}
		}
		if err := loadTable(ctx, tx, filepath.Join(dir, filepath.FromSlash(tables[t].File)), t); err != nil {
			return fmt.Errorf("load %s: %w", t, err)
		}
	}
	return tx.Commit()
}

func loadTable(ctx context.Context, tx *sql.Tx, path, table string) error {
	f, err := os.Open(path) // #nosec G304 -- a file of the backup directory the operator named
	if err != nil {
		return err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<16))
	dec.UseNumber()
	var head struct {
		Table   string   `json:"table"`
		Columns []string `json:"columns"`
	}
	if err := dec.Decode(&head); err != nil || head.Table != table || len(head.Columns) == 0 {
		return fmt.Errorf("bad header (%v)", err)
	}
	quoted := make([]string, len(head.Columns))
	for i, c := range head.Columns {
		quoted[i] = quoteIdent(c)
	}
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO "+quoteIdent(table)+" ("+strings.Join(quoted, ", ")+") VALUES (?"+ // #nosec G202 -- table and column names come from this database's own schema, quoted by quoteIdent; values are bound
		strings.Repeat(", ?", len(quoted)-1)+")")
	if err != nil {
		return err
	}
	defer stmt.Close()
	for {
		var row []any
		if err := dec.Decode(&row); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if len(row) != len(head.Columns) {
			return fmt.Errorf("a row has %d values for %d columns", len(row), len(head.Columns))
		}
		for i, v := range row {
			if row[i], err = fromPortable(v); err != nil {
				return err
			}
		}
		if _, err := stmt.ExecContext(ctx, row...); err != nil {
			return err
		}
	}
}
