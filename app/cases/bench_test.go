package cases_test

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"sunshine/app/casework"
	"sunshine/app/storage"
	"sunshine/app/storage/storagetest"
)

// The Apply benchmark of issue #2: cases.Service.Act of a cheap action
// against a bare single-row INSERT through the same GORM handle, in the same
// run, so that docs/benchmarks.md can give Apply as a ratio. Run by bench/apply.sh.

func benchFixture(b *testing.B) *fixture {
	b.Helper()
	if !storagetest.MySQL() && os.Getenv("BENCH_SQLITE") == "" {
		b.Skip("TEST_MYSQL_DSN is not set: the Apply benchmark runs on MariaDB/MySQL (BENCH_SQLITE=1 runs it on SQLite)")
	}
	return newFixture(b)
}

// BenchmarkApply applies `record` to an in_service case, one version after
// the other: read the case, Apply, and one transaction with the versioned
// update, the timeline event and the audit record.
func BenchmarkApply(b *testing.B) {
	f := benchFixture(b)
	c := f.inService(f.submit(f.ent), 20)
	payload := map[string]json.RawMessage{"note": json.RawMessage(`"已电话联系审批部门，材料在审"`), "public": json.RawMessage(`true`)}
	version := c.Version
	b.ReportAllocs()
	for b.Loop() {
		got, err := f.svc.Act(ctx, f.specA, c.ID, casework.Request{Action: casework.ActionRecord, Version: version, Payload: payload})
		if err != nil {
			b.Fatal(err)
		}
		version = got.Version
	}
}

// BenchmarkBareInsert is the floor: one autocommitted single-row INSERT into
// a small table, through the same handle as the writes of Apply.
func BenchmarkBareInsert(b *testing.B) {
	f := benchFixture(b)
	ddl := `CREATE TABLE bench_rows (id INTEGER PRIMARY KEY AUTOINCREMENT, n INT NOT NULL,
		note VARCHAR(100) NOT NULL, created_at DATETIME NOT NULL)`
	if f.db.Dialect == storage.MySQL {
		ddl = `CREATE TABLE bench_rows (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, n INT NOT NULL,
			note VARCHAR(100) NOT NULL, created_at DATETIME(6) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`
	}
	if err := f.db.W.Exec(ddl).Error; err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := f.db.W.Exec("INSERT INTO bench_rows (n, note, created_at) VALUES (?, ?, ?)", i, "基准", time.Now().UTC()).Error; err != nil {
			b.Fatal(err)
		}
	}
}
