package storage_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/storage"
	"sunshine/app/storage/storagetest"
)

func verify(t *testing.T, db *storage.DB) *audit.VerifyResult {
	t.Helper()
	res, err := audit.NewService(db.Audit(), db.Audit(), nil, nil).Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func appendN(t *testing.T, a *storage.Audit, n int, at time.Time, tag string) {
	t.Helper()
	for i := 0; i < n; i++ {
		r := &audit.Record{At: at.Add(time.Duration(i) * time.Second), ActorID: int64(i), ActorRole: "clerk",
			ActorName: "林晓雯", IP: "10.0.0.1", Action: "case.read", ObjectType: "case",
			ObjectID: fmt.Sprint(i), Result: audit.OK, RequestID: tag, Detail: "第" + fmt.Sprint(i) + "条 \"quoted\"\nline"}
		if err := a.Append(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAuditChainTwoInstances: two handles on one database (two instances of
// the service) append at once; the chain stays one, gap-free and intact.
func TestAuditChainTwoInstances(t *testing.T) {
	ctx := context.Background()
	opts := storagetest.Fresh(t)
	var dbs []*storage.DB
	for i := 0; i < 2; i++ {
		db, err := storage.Open(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.EnsureAuditChain(ctx); err != nil { // what each instance does at start
			t.Fatal(err)
		}
		dbs = append(dbs, db)
	}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			appendN(t, dbs[w%2].Audit(), 15, time.Now(), fmt.Sprint("w", w))
		}(w)
	}
	wg.Wait()
	res := verify(t, dbs[0])
	if res.Break != nil || res.Checked != 60 || res.Head.Seq != 60 {
		t.Fatalf("verify = %+v (break %v)", res, res.Break)
	}
}

// TestAuditVerifyNamesTheEditedRecord: editing, deleting or cutting off a
// record in the database is found, and the first broken record is named.
func TestAuditVerifyNamesTheEditedRecord(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, sql string
		seq       int64
		reason    string
	}{
		{"edited detail", "UPDATE audit_records SET detail = 'nothing happened' WHERE seq = 7", 7, "edited"},
		{"edited actor", "UPDATE audit_records SET actor_id = 99 WHERE seq = 3", 3, "edited"},
		{"edited and rehashed", "UPDATE audit_records SET result = 'ok', hash = prev_hash WHERE seq = 5", 5, "edited"},
		{"deleted", "DELETE FROM audit_records WHERE seq = 4", 4, "missing"},
		{"cut off at the end", "DELETE FROM audit_records WHERE seq >= 9", 9, "end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storagetest.Open(t)
			appendN(t, db.Audit(), 10, time.Now(), "r")
			if res := verify(t, db); res.Break != nil {
				t.Fatalf("fresh chain broken: %v", res.Break)
			}
			if err := db.W.WithContext(ctx).Exec(tc.sql).Error; err != nil {
				t.Fatal(err)
			}
			res := verify(t, db)
			if res.Break == nil || res.Break.Seq != tc.seq || !strings.Contains(res.Break.Reason, tc.reason) {
				t.Fatalf("break = %v, want seq %d (%s)", res.Break, tc.seq, tc.reason)
			}
		})
	}
}

// TestAuditPurge: a purge keeps 180 days, cuts only older records, leaves
// the chain verifiable from its anchor and records itself.
func TestAuditPurge(t *testing.T) {
	ctx := context.Background()
	db := storagetest.Open(t)
	now := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	appendN(t, db.Audit(), 5, now.AddDate(0, 0, -400), "old")
	appendN(t, db.Audit(), 3, now.AddDate(0, 0, -100), "young")
	svc := audit.NewService(db.Audit(), db.Audit(), func() time.Time { return now }, nil)
	op := casework.Actor{Role: "operator", Name: "命令行"}
	if _, _, err := svc.Purge(ctx, op, now.AddDate(0, 0, -179)); !errs.Is(err, errs.Invalid) {
		t.Fatalf("purge of 179 days: %v, want invalid", err)
	}
	n, anchor, err := svc.Purge(ctx, op, now.AddDate(0, 0, -180))
	if err != nil {
		t.Fatal(err)
	}
	// 5 old + the refused purge's own record (younger) stays: 5 removed.
	if n != 5 || anchor.Seq != 5 {
		t.Fatalf("removed %d, anchor %+v", n, anchor)
	}
	res := verify(t, db)
	if res.Break != nil || res.Anchor.Seq != 5 || res.Checked != 5 {
		t.Fatalf("after purge: %+v (break %v)", res, res.Break)
	}
	recs, _ := db.Audit().Find(ctx, audit.Query{Action: "audit.purge"})
	if len(recs) != 2 || recs[0].Result != audit.OK || !strings.Contains(recs[0].Detail, "removed=5") || recs[1].Result != audit.Denied {
		t.Fatalf("purge records = %+v", recs)
	}
	// Deleting the first kept record is still found (the anchor holds).
	if err := db.W.Exec("DELETE FROM audit_records WHERE seq = 6").Error; err != nil {
		t.Fatal(err)
	}
	if res := verify(t, db); res.Break == nil || res.Break.Seq != 6 {
		t.Fatalf("break = %v, want seq 6", res.Break)
	}
}

// TestAuditLegacyRecordsChained: records written before the chain existed
// (seq NULL) are chained by Migrate.
func TestAuditLegacyRecordsChained(t *testing.T) {
	ctx := context.Background()
	db := storagetest.Open(t)
	for i := 0; i < 3; i++ {
		if err := db.W.Exec(`INSERT INTO audit_records (at, actor_id, actor_role, actor_name, ip, action, object_type,
			object_id, result, request_id, detail) VALUES (?, 1, 'admin', '管理员', '', 'staff.create', 'staff_user', '1', 'ok', '', '')`,
			time.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	appendN(t, db.Audit(), 2, time.Now(), "new")
	res := verify(t, db)
	if res.Break != nil || res.Checked != 5 {
		t.Fatalf("verify = %+v (break %v)", res, res.Break)
	}
}

// TestAuditChainHeadNotSeeded: a migrated database holds no row (a restore
// needs it empty); the chain head appears with the first record, and an
// empty chain verifies.
func TestAuditChainHeadNotSeeded(t *testing.T) {
	ctx := context.Background()
	db := storagetest.Open(t)
	if empty, err := db.Empty(ctx); err != nil || !empty {
		t.Fatalf("migrated database empty = %v (%v)", empty, err)
	}
	if res := verify(t, db); res.Break != nil || res.Checked != 0 {
		t.Fatalf("empty chain: %+v", res)
	}
	appendN(t, db.Audit(), 2, time.Now(), "first")
	if err := db.EnsureAuditChain(ctx); err != nil { // a no-op now
		t.Fatal(err)
	}
	if res := verify(t, db); res.Break != nil || res.Checked != 2 {
		t.Fatalf("after two records: %+v (break %v)", res, res.Break)
	}
}
