package storage

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
)

// migration is one ordered, append-only schema step. Statements use
// placeholders that each dialect fills: {pk} {ts} {text} {opts}.
type migration struct {
	Version int
	Name    string
	SQL     []string
}

// migrations is the ordered schema history, one file per migration
// (migrate_NNN_name.go), each registering itself. Append only.
var migrations []migration

func register(m migration) {
	for _, x := range migrations {
		if x.Version == m.Version {
			panic(fmt.Sprintf("storage: duplicate migration %d", m.Version))
		}
	}
	migrations = append(migrations, m)
	sort.Slice(migrations, func(i, j int) bool { return migrations[i].Version < migrations[j].Version })
}

var dialectTypes = map[Dialect]map[string]string{
	SQLite: {"{pk}": "INTEGER PRIMARY KEY AUTOINCREMENT", "{ts}": "DATETIME", "{text}": "TEXT", "{opts}": ""},
	MySQL: {"{pk}": "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY", "{ts}": "DATETIME(6)", "{text}": "LONGTEXT",
		"{opts}": " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
}

func (d Dialect) render(stmt string) string {
	for k, v := range dialectTypes[d] {
		stmt = strings.ReplaceAll(stmt, k, v)
	}
	return stmt
}

// Migrate brings the schema up to date. Applied versions are recorded in
// schema_migrations; on MySQL a named lock, on SQLite one transaction, keeps
// concurrent instances from migrating at the same time. Never edit a
// released migration: append one.
func (db *DB) Migrate(ctx context.Context) error {
	run := db.W.WithContext(ctx).Connection
	if db.Dialect == SQLite {
		// SQLite DDL is transactional: one immediate transaction holds the
		// write lock, so a second process on the same file waits, then finds
		// every version applied (and a failed step leaves nothing behind).
		run = func(fn func(*gorm.DB) error) error { return db.transact(ctx, fn) }
	}
	err := run(func(conn *gorm.DB) error {
		if db.Dialect == MySQL {
			var got int
			// The lock is named after the database: MySQL's named locks are
			// server-wide, and instances of different databases on one
			// server (tests, staging) need not wait for each other.
			if err := conn.Raw("SELECT GET_LOCK(CONCAT('sunshine_migrate:', DATABASE()), 60)").Scan(&got).Error; err != nil || got != 1 {
				return fmt.Errorf("migration lock not acquired: %v", err)
			}
			defer conn.Exec("SELECT RELEASE_LOCK(CONCAT('sunshine_migrate:', DATABASE()))")
		}
		if err := conn.Exec(db.Dialect.render(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version INT NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL, applied_at {ts} NOT NULL){opts}`)).Error; err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		var done []int
		if err := conn.Raw("SELECT version FROM schema_migrations").Scan(&done).Error; err != nil {
			return err
		}
		applied := map[int]bool{}
		for _, v := range done {
			applied[v] = true
		}
		for _, m := range migrations {
			if applied[m.Version] {
				continue
			}
			// MySQL commits DDL implicitly, so each statement stands alone;
			// the version row is written last.
			for _, stmt := range m.SQL {
				if err := conn.Exec(db.Dialect.render(stmt)).Error; err != nil {
					return fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
				}
			}
			if err := conn.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, time.Now().UTC()).Error; err != nil {
				return err
			}
			db.log.Info("migrated", "version", m.Version, "name", m.Name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Records written before the audit chain existed are chained once.
	if err := db.sealAudit(ctx); err != nil {
		return fmt.Errorf("chain the audit records: %w", err)
	}
	return nil
}

// SchemaVersion returns the highest applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.R.WithContext(ctx).Raw("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v).Error
	return v, err
}
