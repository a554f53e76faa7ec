package storage_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"sunshine/app/storage"
	"sunshine/app/storage/storagetest"
)

// appliedVersions reads schema_migrations in version order.
func appliedVersions(t *testing.T, db *storage.DB) []int {
	t.Helper()
	var got []int
	if err := db.R.Raw("SELECT version FROM schema_migrations ORDER BY version").Scan(&got).Error; err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	return got
}

// schema lists every table and index (with its columns) of the database, so
// that two snapshots differ when a migration ran again or half-way.
func schema(t *testing.T, db *storage.DB) []string {
	t.Helper()
	q := `SELECT type || ':' || name || ':' || COALESCE(tbl_name, '') FROM sqlite_master
		WHERE name NOT LIKE 'sqlite_%' ORDER BY 1`
	if db.Dialect == storage.MySQL {
		q = `SELECT CONCAT('table:', table_name) FROM information_schema.tables WHERE table_schema = DATABASE()
			UNION ALL
			SELECT CONCAT('index:', table_name, ':', index_name, ':', seq_in_index, ':', column_name)
			FROM information_schema.statistics WHERE table_schema = DATABASE()
			ORDER BY 1`
	}
	var out []string
	if err := db.R.Raw(q).Scan(&out).Error; err != nil {
		t.Fatalf("read schema: %v", err)
	}
	return out
}

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	want := storage.MigrationVersions()
	if len(want) == 0 {
		t.Fatal("no migrations registered")
	}

	t.Run("fresh_database_gets_every_version", func(t *testing.T) {
		db := storagetest.Open(t)
		if got := appliedVersions(t, db); !slices.Equal(got, want) {
			t.Fatalf("schema_migrations = %v, want %v", got, want)
		}
		v, err := db.SchemaVersion(ctx)
		if err != nil || v != want[len(want)-1] {
			t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, want[len(want)-1])
		}
		tables := schema(t, db)
		for _, name := range []string{"cases", "case_events", "case_sequences", "ratings", "followups",
			"audit_records", "enterprises", "members", "staff_users", "departments", "department_matters",
			"matter_progress", "consultations", "attachments", "holidays", "schema_migrations"} {
			if !slices.Contains(tables, "table:"+name) && !slices.Contains(tables, "table:"+name+":"+name) {
				t.Errorf("table %s missing after migration", name)
			}
		}
	})

	t.Run("second_run_is_a_no_op", func(t *testing.T) {
		db := storagetest.Open(t)
		before := schema(t, db)
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		if got := appliedVersions(t, db); !slices.Equal(got, want) {
			t.Fatalf("schema_migrations after second run = %v, want %v", got, want)
		}
		if after := schema(t, db); !slices.Equal(after, before) {
			t.Fatalf("second Migrate changed the schema:\n before %v\n after  %v", before, after)
		}
	})

	t.Run("data_survives_a_second_run", func(t *testing.T) {
		db := storagetest.Open(t)
		if err := db.W.Exec("INSERT INTO departments (name, created_at) VALUES (?, ?)", "自然资源局", "2026-03-02 09:00:00").Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		var n int64
		db.R.Raw("SELECT COUNT(*) FROM departments").Scan(&n)
		if n != 1 {
			t.Fatalf("departments after second Migrate = %d rows, want 1", n)
		}
	})
}

// TestMigrateConcurrently starts several instances on one empty database at
// once, as a rolling deploy does: none may fail and each migration runs once.
func TestMigrateConcurrently(t *testing.T) {
	ctx := context.Background()
	opts := storagetest.Fresh(t)
	const instances = 4
	handles := make([]*storage.DB, instances)
	for i := range handles {
		db, err := storage.Open(ctx, opts)
		if err != nil {
			t.Fatalf("open instance %d: %v", i, err)
		}
		t.Cleanup(func() { db.Close() })
		handles[i] = db
	}
	var wg sync.WaitGroup
	errc := make(chan error, 2*instances)
	for _, db := range handles {
		for range 2 { // two calls per handle: the same instance migrating twice at once
			wg.Go(func() { errc <- db.Migrate(ctx) })
		}
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Errorf("concurrent Migrate failed: %v", err)
		}
	}
	if got, want := appliedVersions(t, handles[0]), storage.MigrationVersions(); !slices.Equal(got, want) {
		t.Fatalf("schema_migrations = %v, want %v", got, want)
	}
}
