package notify_test

import (
	"net/http"
	"testing"
	"time"

	"sunshine/app/errs"
	"sunshine/app/notify"
	"sunshine/app/wechat"
)

// TestOutage: while WeChat answers -1 or HTTP 500, rows wait with backoff
// (no fallback to a lesser channel, no credit spent); after recovery each
// notice is delivered exactly once.
func TestOutage(t *testing.T) {
	for name, fault := range map[string]wechat.Fault{
		"busy":     {ErrCode: wechat.CodeSystemBusy, For: time.Hour},
		"http-500": {HTTPStatus: http.StatusInternalServerError, For: time.Hour},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
			oa := e.sim.AddFollower("alice")
			e.db.W.Exec("UPDATE members SET oa_openid = ? WHERE id = ?", oa, e.people.alice)
			e.grant("alice", 2)
			e.sim.Inject(fault)

			e.toService() // accepted + assigned to alice, new_case to the specialist
			e.drain()
			rows := e.rows()
			if len(rows) != 3 {
				t.Fatalf("rows = %d, want 3", len(rows))
			}
			for _, r := range rows {
				if r.State != notify.StatePending || r.Attempts != 1 || !r.NextAttemptAt.Equal(e.clock.Now().Add(time.Minute)) {
					t.Fatalf("row %s: %s, %d attempts, next %v; want pending, 1, in 1 min", r.Event, r.State, r.Attempts, r.NextAttemptAt)
				}
			}
			e.clock.Advance(30 * time.Second)
			if n := e.drain(); n != 0 {
				t.Fatalf("worker took %d rows before their next attempt", n)
			}
			e.clock.Advance(30 * time.Second)
			e.drain() // second attempt, still down: next in 5 min
			for _, r := range e.rows() {
				if r.Attempts != 2 || !r.NextAttemptAt.Equal(e.clock.Now().Add(5*time.Minute)) {
					t.Fatalf("row %s after 2 failures: next %v", r.Event, r.NextAttemptAt)
				}
			}
			if n := len(e.sim.Messages("")); n != 0 {
				t.Fatalf("%d messages got through the outage (or fell back)", n)
			}

			e.sim.ClearFaults()
			e.clock.Advance(5 * time.Minute)
			e.drain()
			e.clock.Advance(time.Hour)
			e.drain()
			if got := templates(e.sim.Messages("sim-openid-alice")); len(got) != 2 {
				t.Fatalf("alice's messages after recovery = %v, want 2 subscribe messages", got)
			}
			if msgs := e.sim.Messages("wang"); len(msgs) != 1 {
				t.Fatalf("specialist's messages = %d, want 1", len(msgs))
			}
			if n := len(e.sim.Messages(oa)); n != 0 {
				t.Fatalf("%d official-account messages: the outage pushed notices to the fallback", n)
			}
			for _, r := range e.rows() {
				if r.State != notify.StateSent || r.Attempts != 3 {
					t.Errorf("row %s: %s after %d attempts, want sent after 3", r.Event, r.State, r.Attempts)
				}
			}
			if n, _ := e.n.Credits().Balance(e.ctx, "sim-openid-alice", "sim-tmpl-progress"); n != 0 {
				t.Errorf("credits left = %d, want 0 (2 granted, 2 delivered; failed sends refunded)", n)
			}
		})
	}
}

// TestRetryScheduleAndManualRetry follows one row through the whole retry
// window (1 min, 5 min, 30 min, 2 h, then every 6 h, the last at 24 h) to
// failed, then an administrator's retry delivers it.
func TestRetryScheduleAndManualRetry(t *testing.T) {
	e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
	e.sim.Inject(wechat.Fault{Endpoint: wechat.EndpointWorkSend, ErrCode: wechat.CodeSystemBusy, For: time.Hour})
	start := e.clock.Now()
	e.toService()
	var row notify.Row
	find := func() notify.Row {
		for _, r := range e.rows() {
			if r.Event == notify.EventNewCase {
				return r
			}
		}
		t.Fatal("no new_case row")
		return notify.Row{}
	}
	var waits []time.Duration
	for i := 0; i < 20; i++ {
		e.drain()
		row = find()
		if row.State != notify.StatePending {
			break
		}
		waits = append(waits, row.NextAttemptAt.Sub(e.clock.Now()))
		e.clock.Set(row.NextAttemptAt)
	}
	h := time.Hour
	want := []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * h, 6 * h, 6 * h, 6 * h, 24*h - (2*h + 36*time.Minute + 18*h)}
	if len(waits) != len(want) {
		t.Fatalf("waits = %v, want %v", waits, want)
	}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("waits = %v, want %v", waits, want)
		}
	}
	if row.State != notify.StateFailed || row.Attempts != 9 || e.clock.Now().Sub(start) != 24*h {
		t.Fatalf("row: %s after %d attempts at +%v, want failed after 9 at +24h", row.State, row.Attempts, e.clock.Now().Sub(start))
	}
	if row.LastError == "" {
		t.Errorf("failed row has no last error")
	}

	page, err := e.n.List(e.ctx, e.people.admin, notify.ListFilter{State: notify.StateFailed})
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != row.ID {
		t.Fatalf("failed list = %+v, %v", page, err)
	}
	if err := e.n.Retry(e.ctx, e.people.head, row.ID); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("retry by the head = %v, want forbidden", err)
	}
	e.sim.ClearFaults()
	if err := e.n.Retry(e.ctx, e.people.admin, row.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.n.Retry(e.ctx, e.people.admin, row.ID); !errs.Is(err, errs.Conflict) {
		t.Fatalf("retry of a pending row = %v, want conflict", err)
	}
	if err := e.n.Retry(e.ctx, e.people.admin, row.ID+1000); !errs.Is(err, errs.NotFound) {
		t.Fatalf("retry of a missing row = %v, want not_found", err)
	}
	e.drain()
	if row = find(); row.State != notify.StateSent || row.Channel != notify.ChannelWork {
		t.Fatalf("after the manual retry: %s via %q", row.State, row.Channel)
	}
	if msgs := e.sim.Messages("wang"); len(msgs) != 1 {
		t.Fatalf("specialist got %d messages, want 1", len(msgs))
	}
}
