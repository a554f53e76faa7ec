package cases_test

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"sunshine/app/calendar"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/stats"
	"sunshine/app/storage"
)

// The million-case benchmarks (SPEC §6: "a database with 1 million cases
// keeps lists and statistics interactive"): the lists and the statistics of
// the app layer against a floor — one primary-key lookup — in the same run.
// They need MariaDB/MySQL (TEST_MYSQL_DSN) and BENCH_MILLION=1; the data set
// is generated once into <dbname>_million and kept for later runs.
// Run by bench/million.sh.

var million struct {
	once sync.Once
	db   *storage.DB
	err  error
}

func millionDB(b *testing.B) *storage.DB {
	b.Helper()
	dsn := os.Getenv("TEST_MYSQL_DSN")
	if dsn == "" || os.Getenv("BENCH_MILLION") == "" {
		b.Skip("set TEST_MYSQL_DSN and BENCH_MILLION=1 to run the million-case benchmarks")
	}
	million.once.Do(func() { million.db, million.err = openMillion(dsn) })
	if million.err != nil {
		b.Fatal(million.err)
	}
	return million.db
}

func openMillion(dsn string) (*storage.DB, error) {
	slash := strings.LastIndex(dsn, "/")
	name, params, _ := strings.Cut(dsn[slash+1:], "?")
	admin, err := sql.Open("mysql", dsn[:slash+1]+"?"+params)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE IF NOT EXISTS `" + name + "_million` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		return nil, err
	}
	db, err := storage.Open(ctx, storage.Options{MySQLDSN: dsn[:slash+1] + name + "_million?" + params})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	var n int64
	if err := db.R.Raw("SELECT COUNT(*) FROM cases").Scan(&n).Error; err != nil || n >= 1_000_000 {
		return db, err
	}
	// One statement generates the cases: 5 000 enterprises, 40 specialists,
	// three years of intake, every status, deadlines around today.
	gen := `INSERT INTO cases (number, enterprise_id, submitter_id, channel, status, version, service_type, deadline,
		specialist_id, specialist_name, enterprise_name, credit_code, project_name, form, registration, created_at, updated_at)
	WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 1000000)
	SELECT CONCAT('YGDB-', 2024 + n % 3, '-', LPAD(n, 7, '0')), 1 + n % 5000, 1 + n % 20000,
		ELT(1 + n % 5, 'miniprogram', 'portal', 'window', 'complaint', 'hotline'),
		ELT(1 + n % 15, 'submitted', 'needs_info', 'reviewing', 'meeting_review', 'rejected', 'withdrawn', 'assigned',
			'in_service', 'suspended', 'closing', 'completed', 'terminated', 'delivering', 'delivered', 'archived'),
		1, ELT(1 + n % 2, 'assist', 'agency'),
		IF(n % 15 < 2, '', DATE_FORMAT(DATE_ADD(CURDATE(), INTERVAL (n % 400) - 380 DAY), '%Y-%m-%d')),
		IF(n % 15 BETWEEN 6 AND 9, 1 + n % 40, 0), IF(n % 15 BETWEEN 6 AND 9, CONCAT('专员', n % 40), ''),
		CONCAT('阳江市企业', n % 5000, '有限公司'), '', CONCAT('项目', n), '{}', '{}',
		DATE_SUB(UTC_TIMESTAMP(6), INTERVAL n % 1095 DAY), UTC_TIMESTAMP(6)
	FROM seq`
	if err := db.W.Exec("SET SESSION max_recursive_iterations = 2000000").Error; err != nil {
		return nil, err
	}
	return db, db.W.Exec(gen).Error
}

func millionService(db *storage.DB) *cases.Service {
	return cases.New(db.Cases(), calendar.New(calendar.Seed(), nil), nil, nil)
}

// BenchmarkMillionFloor is the floor: one primary-key lookup of a case row.
func BenchmarkMillionFloor(b *testing.B) {
	db := millionDB(b)
	for b.Loop() {
		var number string
		if err := db.R.Raw("SELECT number FROM cases WHERE id = ?", 1+rand.IntN(1_000_000)).Scan(&number).Error; err != nil {
			b.Fatal(err)
		}
	}
}

func benchList(b *testing.B, v cases.Viewer, f cases.Filter) {
	svc := millionService(millionDB(b))
	f.Limit = 21
	for b.Loop() {
		list, err := svc.List(context.Background(), v, f)
		if err != nil || len(list) == 0 {
			b.Fatalf("list: %d rows, %v", len(list), err)
		}
	}
}

var (
	benchClerk      = cases.Viewer{Actor: casework.Actor{ID: 1, Role: casework.RoleClerk}}
	benchSpecialist = cases.Viewer{Actor: casework.Actor{ID: 7, Role: casework.RoleSpecialist}}
	benchMember     = cases.Viewer{Actor: casework.Actor{ID: 42, Role: casework.RoleEnterprise}, EnterpriseID: 42, Verified: true}
)

// BenchmarkMillionListAll is the clerk's first page.
func BenchmarkMillionListAll(b *testing.B) { benchList(b, benchClerk, cases.Filter{}) }

// BenchmarkMillionListStatus is one status queue.
func BenchmarkMillionListStatus(b *testing.B) {
	benchList(b, benchClerk, cases.Filter{Statuses: []casework.Status{casework.Closing}})
}

// BenchmarkMillionListOverdue is the overdue queue.
func BenchmarkMillionListOverdue(b *testing.B) { benchList(b, benchClerk, cases.Filter{Overdue: true}) }

// BenchmarkMillionListSpecialist is a specialist's own cases.
func BenchmarkMillionListSpecialist(b *testing.B) { benchList(b, benchSpecialist, cases.Filter{}) }

// BenchmarkMillionListEnterprise is a verified member's enterprise cases.
func BenchmarkMillionListEnterprise(b *testing.B) { benchList(b, benchMember, cases.Filter{}) }

// BenchmarkMillionSearchNumber finds one case by its number.
func BenchmarkMillionSearchNumber(b *testing.B) {
	benchList(b, benchClerk, cases.Filter{Q: "YGDB-2026-0500000"})
}

// BenchmarkMillionSearchName searches enterprise and project names.
func BenchmarkMillionSearchName(b *testing.B) {
	benchList(b, benchClerk, cases.Filter{Q: "企业4217"})
}

// BenchmarkMillionStatsMonth is the supervisor's report of one month.
func BenchmarkMillionStatsMonth(b *testing.B) {
	db := millionDB(b)
	svc := stats.New(db.Stats(), calendar.New(calendar.Seed(), nil), db.Audit(), nil, nil)
	r, err := svc.ParseRange("", "")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := svc.Report(context.Background(), casework.Actor{ID: 1, Role: casework.RoleSupervisor}, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMillionListDeadline is the head's list by deadline (issue 9).
func BenchmarkMillionListDeadline(b *testing.B) {
	benchList(b, benchClerk, cases.Filter{Sort: cases.SortDeadline})
}

// BenchmarkMillionListChannel is one channel's list, newest first.
func BenchmarkMillionListChannel(b *testing.B) {
	benchList(b, benchClerk, cases.Filter{Channel: casework.ChannelHotline})
}

// BenchmarkMillionChanges is a page of the change feed from a minute ago.
func BenchmarkMillionChanges(b *testing.B) {
	benchList(b, benchClerk, cases.Filter{Sort: cases.SortUpdated, After: cases.Position{Updated: time.Now().Add(-time.Hour)}})
}

// BenchmarkMillionSeries is the dashboards' twelve months (issue 9).
func BenchmarkMillionSeries(b *testing.B) {
	db := millionDB(b)
	if _, err := db.BackfillMonthly(context.Background()); err != nil { // the generated cases bypass the hook
		b.Fatal(err)
	}
	svc := stats.New(db.Stats(), calendar.New(calendar.Seed(), nil), db.Audit(), nil, nil)
	first, n, err := svc.ParseMonths("", "12")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := svc.Series(context.Background(), casework.Actor{ID: 1, Role: casework.RoleSupervisor}, first, n); err != nil {
			b.Fatal(err)
		}
	}
}
