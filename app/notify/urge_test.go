package notify_test

import (
	"sync"
	"testing"
	"time"

	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/notify"
)

func (e *env) recipientsOf(event string) []string {
	var out []string
	for _, r := range e.rows() {
		if r.Event == event {
			out = append(out, r.Recipient)
		}
	}
	return out
}

// TestUrge: the specialist is reminded; a second urge within 24 h is
// refused (also when two arrive at once); an overdue case reminds the head
// as well; a finished case cannot be urged.
func TestUrge(t *testing.T) {
	e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
	p := e.people
	c := e.toService()
	by := e.alice().Actor
	spec, head := notify.StaffRecipient(p.specialist.ID), notify.StaffRecipient(p.head.ID)

	var wg sync.WaitGroup
	results := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = e.n.Urge(e.ctx, c, by) }()
	}
	wg.Wait()
	ok := 0
	for _, err := range results {
		switch {
		case err == nil:
			ok++
		case !errs.Is(err, errs.TooMany):
			t.Fatalf("concurrent urge: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d of 4 simultaneous urges were accepted, want 1", ok)
	}
	if got := e.recipientsOf(notify.EventUrged); len(got) != 1 || got[0] != spec {
		t.Fatalf("urge went to %v, want the specialist only", got)
	}
	e.clock.Advance(23 * time.Hour)
	if err := e.n.Urge(e.ctx, c, by); !errs.Is(err, errs.TooMany) || errs.MessageOf(err) == "" {
		t.Fatalf("urge after 23 h = %v, want too_many with a message", err)
	}

	e.clock.Set(cst(2026, 3, 17, 10, 0)) // past the deadline 2026-03-16
	if err := e.n.Urge(e.ctx, c, by); err != nil {
		t.Fatal(err)
	}
	if got := e.recipientsOf(notify.EventUrged); len(got) != 3 || got[1] != head && got[2] != head {
		t.Fatalf("urges went to %v, want the head too once overdue", got)
	}
	e.drain()
	if n := len(e.sim.Messages("head-chen")); n != 1 {
		t.Errorf("head got %d messages, want 1", n)
	}

	e.clock.Advance(25 * time.Hour)
	c = e.act(e.viewer(p.specialist), c, casework.ActionProposeClose, map[string]any{"result": "completed", "explanation": "办结"})
	c = e.act(e.viewer(p.head), c, casework.ActionSignOff, map[string]any{"opinion": "同意"})
	if err := e.n.Urge(e.ctx, c, by); !errs.Is(err, errs.Conflict) {
		t.Fatalf("urge of a completed case = %v, want conflict", err)
	}
}

// TestSupplementedRemindsTheClerk: before assignment the enterprise's
// supplement reminds the clerk who asked for the materials.
func TestSupplementedRemindsTheClerk(t *testing.T) {
	e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
	c := e.submit()
	c = e.act(e.viewer(e.people.clerk), c, casework.ActionRequestInfo, map[string]any{"reason": "缺营业执照", "items": []string{"营业执照"}})
	e.act(e.alice(), c, casework.ActionSupplement, map[string]any{"note": "已上传营业执照"})
	if got := e.recipientsOf(notify.EventSupplemented); len(got) != 1 || got[0] != notify.StaffRecipient(e.people.clerk.ID) {
		t.Fatalf("supplemented went to %v, want the clerk", got)
	}
	if got := e.recipientsOf(notify.EventNeedsInfo); len(got) != 1 || got[0] != notify.MemberRecipient(e.people.alice) {
		t.Fatalf("needs_info went to %v, want alice", got)
	}
	page, _ := e.n.Inbox(e.ctx, notify.MemberRecipient(e.people.alice), 0, 10)
	if len(page.Items) != 1 || page.Items[0].Title != "请补充材料" {
		t.Fatalf("alice's inbox = %+v", page.Items)
	}
}
