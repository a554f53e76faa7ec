package cases_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/storage"
	"sunshine/app/storage/storagetest"
)

// TestConcurrentActSameVersion: 50 goroutines apply the same action with the
// same version; exactly one wins, the others get a conflict, and the case
// has exactly one new event and one audit record — on one instance and
// across two, with the racers free, and with every racer held until all
// have read the case (so that the versioned UPDATE, not Apply, decides).
func TestConcurrentActSameVersion(t *testing.T) {
	for _, tc := range []struct {
		name      string
		instances int
		sameRead  bool
	}{{"one_instance", 1, false}, {"two_instances", 2, false}, {"one_instance_same_read", 1, true}, {"two_instances_same_read", 2, true}} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 50
			opts := storagetest.Fresh(t)
			var fs []*fixture
			arm := &readBarrier{n: n, all: make(chan struct{})}
			for i := range tc.instances {
				db, err := storage.Open(ctx, opts)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					seed(t, db)
				}
				arm.register(t, db)
				fs = append(fs, instance(t, db))
			}
			f := fs[0]
			c := f.inService(f.submit(f.ent), 10)
			events, version := f.events(c.ID), c.Version

			arm.on.Store(tc.sameRead)
			var wg sync.WaitGroup
			errc := make(chan error, n)
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					_, err := fs[i%tc.instances].act(f.specA, c.ID, casework.ActionRecord, version,
						map[string]any{"note": "同一版本的跟踪记录", "public": true})
					errc <- err
				})
			}
			close(start)
			wg.Wait()
			arm.on.Store(false)
			close(errc)
			ok, conflicts := 0, 0
			for err := range errc {
				switch {
				case err == nil:
					ok++
				case errs.Is(err, errs.Conflict):
					conflicts++
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}
			if ok != 1 || conflicts != n-1 {
				t.Fatalf("%d succeeded and %d got a conflict, want 1 and %d", ok, conflicts, n-1)
			}
			if tc.sameRead && arm.reads.Load() < n {
				t.Fatalf("only %d of %d racers read the case at the barrier", arm.reads.Load(), n)
			}
			if got := f.get(c.ID).Case.Version; got != version+1 {
				t.Errorf("version = %d, want %d", got, version+1)
			}
			if got := f.events(c.ID); got != events+1 {
				t.Errorf("events = %d, want %d", got, events+1)
			}
			if got := f.audits(c.ID, "case.record", ""); got != 1 {
				t.Errorf("audit records of case.record = %d, want 1", got)
			}
		})
	}
}

// readBarrier, while on, holds every read of the cases table until n reads
// have happened (or 10 s passed), so that all racers hold the same version.
type readBarrier struct {
	n     int64
	on    atomic.Bool
	reads atomic.Int64
	all   chan struct{}
	once  sync.Once
}

func (b *readBarrier) register(t testing.TB, db *storage.DB) {
	t.Helper()
	err := db.R.Callback().Query().After("gorm:query").Register("test:read_barrier", func(g *gorm.DB) {
		if !b.on.Load() || g.Statement.Table != "cases" {
			return
		}
		if b.reads.Add(1) >= b.n {
			b.once.Do(func() { close(b.all) })
		}
		select {
		case <-b.all:
		case <-time.After(10 * time.Second):
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// snapshot is what a refused action must leave untouched.
type snapshot struct {
	version      int
	status       casework.Status
	registration string
	deadline     string
	events       int64
	okAudits     int64
}

func (f *fixture) snap(id int64) snapshot {
	f.t.Helper()
	d := f.get(id)
	return snapshot{version: d.Case.Version, status: d.Case.Status, registration: jsonOf(f.t, d.Case.Registration),
		deadline: d.Case.Deadline, events: f.events(id),
		okAudits: f.audits(id, "", audit.OK) - f.audits(id, "case.read", audit.OK)} // reads are audited too
}

// TestFailingActionChangesNothing: bad input gets a clear 4xx and leaves the
// case, its timeline and the audit trail as they were.
func TestFailingActionChangesNothing(t *testing.T) {
	f := newFixture(t)
	f.svc.OnEvent(func(ctx context.Context, tx cases.Tx, c *casework.Case, ev *casework.Event) error {
		if ev.Payload["note"] != "触发失败" {
			return nil
		}
		// A hook that wrote before failing: its row must go with the rest.
		if err := tx.Audit(&audit.Record{Action: "hook.test", ObjectType: "case", ObjectID: itoa(c.ID), Result: audit.OK}); err != nil {
			return err
		}
		return errs.E(errs.Unavailable, "通知暂不可用")
	})
	c := f.inService(f.submit(f.ent), 10)
	f.clock.Add(24 * time.Hour) // a day later: a stray UpdatedAt would show

	for _, tc := range []struct {
		name    string
		who     cases.Viewer
		action  casework.Action
		version int // 0: current
		payload map[string]any
		code    errs.Code
		field   string // for unprocessable
		msg     string // part of the message
		denied  int64  // denial records written (403 is audited)
	}{
		{name: "missing_required_payload", who: f.specA, action: casework.ActionRecord, payload: map[string]any{"public": true},
			code: errs.Unprocessable, field: "note"},
		{name: "invalid_payload_value", who: f.head, action: casework.ActionExtend, payload: map[string]any{"days": 0, "reason": "x"},
			code: errs.Unprocessable, field: "days"},
		{name: "unknown_payload_field", who: f.specA, action: casework.ActionRecord, payload: map[string]any{"note": "x", "status": "archived"},
			code: errs.Unprocessable, field: "status"},
		{name: "wrong_status_names_it", who: f.clerk, action: casework.ActionAccept, payload: map[string]any{"service_type": "assist"},
			code: errs.Conflict, msg: "服务中"},
		{name: "stale_version", who: f.specA, action: casework.ActionRecord, version: c.Version - 1, payload: map[string]any{"note": "x"},
			code: errs.Conflict},
		{name: "unknown_action", who: f.specA, action: "teleport", payload: map[string]any{}, code: errs.Invalid},
		{name: "wrong_role", who: f.head, action: casework.ActionRecord, payload: map[string]any{"note": "x"},
			code: errs.Forbidden, denied: 1},
		{name: "not_visible", who: f.specB, action: casework.ActionRecord, payload: map[string]any{"note": "x"},
			code: errs.NotFound, denied: 1},
		{name: "hook_fails_whole_transaction_rolls_back", who: f.specA, action: casework.ActionRecord,
			payload: map[string]any{"note": "触发失败"}, code: errs.Unavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.snap(c.ID)
			deniedBefore := f.audits(c.ID, "", audit.Denied)
			v := tc.version
			if v == 0 {
				v = before.version
			}
			_, err := f.act(tc.who, c.ID, tc.action, v, tc.payload)
			wantCode(t, err, tc.code)
			if tc.field != "" && errs.FieldsOf(err)[tc.field] == "" {
				t.Errorf("no message for field %q: %v", tc.field, errs.FieldsOf(err))
			}
			if tc.msg != "" && !strings.Contains(errs.MessageOf(err), tc.msg) {
				t.Errorf("message %q does not name %q", errs.MessageOf(err), tc.msg)
			}
			if after := f.snap(c.ID); after != before {
				t.Errorf("refused action changed the case:\n before %+v\n after  %+v", before, after)
			}
			if got := f.audits(c.ID, "", audit.Denied) - deniedBefore; got != tc.denied {
				t.Errorf("denial records written = %d, want %d", got, tc.denied)
			}
			if n := f.audits(c.ID, "hook.test", ""); n != 0 {
				t.Errorf("the failing hook's audit row survived the rollback")
			}
		})
	}
	// The same request without the failing note goes through.
	if _, err := f.act(f.specA, c.ID, casework.ActionRecord, c.Version, map[string]any{"note": "正常记录"}); err != nil {
		t.Fatalf("valid action after the refused ones: %v", err)
	}
}

// TestArchivedCaseIsReadOnly: every action on an archived case is refused
// with a conflict naming the status; reading and the late rating still work.
func TestArchivedCaseIsReadOnly(t *testing.T) {
	f := newFixture(t)
	c := f.archived(f.inService(f.submit(f.ent), 10))
	if c.Status != casework.Archived {
		t.Fatalf("status = %s, want archived", c.Status)
	}
	before := f.snap(c.ID)
	for _, tc := range []struct {
		who     cases.Viewer
		action  casework.Action
		payload map[string]any
	}{
		{f.specA, casework.ActionRecord, map[string]any{"note": "补记"}},
		{f.head, casework.ActionArchive, map[string]any{"materials": []string{"补充材料"}}},
		{f.specA, casework.ActionSubmitArchive, map[string]any{"materials": []string{"补充材料"}}},
		{f.head, casework.ActionExtend, map[string]any{"days": 3, "reason": "延期"}},
		{f.head, casework.ActionReopen, map[string]any{"reason": "重新办理"}},
		{f.head, casework.ActionReassign, map[string]any{"specialist_id": f.specB.ID, "reason": "改派"}},
		{f.ent, casework.ActionConfirmReceipt, map[string]any{}},
	} {
		_, err := f.act(tc.who, c.ID, tc.action, c.Version, tc.payload)
		if !errs.Is(err, errs.Conflict) || !strings.Contains(errs.MessageOf(err), "已归档") {
			t.Errorf("%s on an archived case: %v, want a conflict naming 已归档", tc.action, err)
		}
	}
	if after := f.snap(c.ID); after != before {
		t.Fatalf("archived case changed:\n before %+v\n after  %+v", before, after)
	}
	for _, v := range []cases.Viewer{f.clerk, f.head, f.specA, f.ent} {
		if _, err := f.svc.Get(ctx, v, c.ID); err != nil {
			t.Errorf("%s cannot read the archived case: %v", v.Role, err)
		}
	}
	// SPEC §3: rating is allowed after archiving, once.
	if _, err := f.svc.Rate(ctx, f.ent, c.ID, 4, "满意", 0); err != nil {
		t.Fatalf("rating an archived case: %v", err)
	}
	if _, err := f.svc.Rate(ctx, f.ent, c.ID, 5, "再评一次", 0); !errs.Is(err, errs.Conflict) {
		t.Fatalf("second rating: %v, want conflict", err)
	}
	if got := f.get(c.ID).Case; got.Status != casework.Archived || got.Version != before.version {
		t.Fatalf("rating changed status/version: %s %d", got.Status, got.Version)
	}
}
