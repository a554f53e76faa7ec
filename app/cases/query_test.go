package cases_test

import (
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/storage"
)

// queryCounter counts every statement GORM runs on a database while on.
type queryCounter struct {
	on atomic.Bool
	n  atomic.Int64
}

// countQueries registers the counter on both pools of db.
func countQueries(t testing.TB, db *storage.DB) *queryCounter {
	t.Helper()
	qc := &queryCounter{}
	count := func(*gorm.DB) {
		if qc.on.Load() {
			qc.n.Add(1)
		}
	}
	pools := []*gorm.DB{db.R}
	if db.W != db.R { // SQLite: a separate writer; MySQL: one pool
		pools = append(pools, db.W)
	}
	for _, g := range pools {
		cb := g.Callback()
		for _, err := range []error{
			cb.Query().After("gorm:query").Register("test:count_query", count),
			cb.Row().After("gorm:row").Register("test:count_row", count),
			cb.Raw().After("gorm:raw").Register("test:count_raw", count),
			cb.Create().After("gorm:create").Register("test:count_create", count),
			cb.Update().After("gorm:update").Register("test:count_update", count),
			cb.Delete().After("gorm:delete").Register("test:count_delete", count),
		} {
			if err != nil {
				t.Fatalf("register query counter: %v", err)
			}
		}
	}
	return qc
}

// during returns the number of statements fn ran.
func (qc *queryCounter) during(fn func()) int64 {
	qc.n.Store(0)
	qc.on.Store(true)
	fn()
	qc.on.Store(false)
	return qc.n.Load()
}

// TestGetCostsFixedQueries: reading a case with its timeline costs the same
// small number of statements for 5 events as for 50.
func TestGetCostsFixedQueries(t *testing.T) {
	f := newFixture(t)
	small := f.inService(f.submit(f.ent), 20) // submit, accept, pass_review, assign, start
	big := f.inService(f.submit(f.ent), 20)
	for i := range 45 {
		big = f.must(f.specA, big, casework.ActionRecord, map[string]any{"note": "跟踪记录", "public": i%2 == 0})
	}
	qc := countQueries(t, f.db)
	// What appending one audit record costs (the hash chain reads its
	// predecessor): a staff read pays it once, whatever the timeline.
	auditCost := qc.during(func() {
		rec := &audit.Record{ActorID: 1, ActorRole: "clerk", Action: "probe", ObjectType: "case", ObjectID: "0", Result: audit.OK, At: monday}
		if err := f.db.Cases().InTx(ctx, func(tx cases.Tx) error { return tx.Audit(rec) }); err != nil {
			t.Fatal(err)
		}
	})
	for _, v := range []cases.Viewer{f.clerk, f.specA, f.ent} {
		var n [2]int64
		for i, tc := range []struct {
			c      *casework.Case
			events int
		}{{small, 5}, {big, 50}} {
			var d *cases.Detail
			var err error
			n[i] = qc.during(func() { d, err = f.svc.Get(ctx, v, tc.c.ID) })
			if err != nil {
				t.Fatalf("%s: get: %v", v.Role, err)
			}
			if len(d.Timeline) != tc.events {
				t.Fatalf("%s: timeline of %d events, want %d", v.Role, len(d.Timeline), tc.events)
			}
		}
		limit := int64(3)
		if v.Role.IsStaff() {
			limit += auditCost // the audit record of a staff read
		}
		if n[0] != n[1] || n[1] > limit || n[1] == 0 {
			t.Errorf("%s: Get ran %d statements for 5 events and %d for 50; want the same, at most %d", v.Role, n[0], n[1], limit)
		}
	}
}
