package cases_test

import (
	"fmt"
	"slices"
	"testing"

	"sunshine/app/calendar"
	"sunshine/app/cases"
	"sunshine/app/casework"
)

// The 2026 calendar read from the database: 春节 02-15..02-23 with the 调休
// Saturdays 02-14 and 02-28 as working days.

func (f *fixture) overdueIDs() []int64 {
	f.t.Helper()
	ids, err := f.listIDs(f.clerk, cases.Filter{Overdue: true})
	if err != nil {
		f.t.Fatal(err)
	}
	return ids
}

// TestDeadlineAcrossSpringFestival runs accept, suspend, resume and extend
// through the service with an injected clock; each recomputation is stored
// on the case and on its timeline.
func TestDeadlineAcrossSpringFestival(t *testing.T) {
	f := newFixture(t)
	f.clock.Set(cst(2, 9, 9)) // Monday before 春节
	c := f.submit(f.ent)
	// 10 working days: 10,11,12,13,14(调休),24,25,26,27,28(调休).
	c = f.must(f.clerk, c, casework.ActionAccept, map[string]any{"service_type": "assist", "promised_days": 10})
	if got := f.get(c.ID).Case; got.Deadline != "2026-02-28" || got.PromisedDays != 10 {
		t.Fatalf("stored deadline %s (%d days), want 2026-02-28 (10)", got.Deadline, got.PromisedDays)
	}
	f.clock.Set(cst(2, 10, 9))
	c = f.must(f.clerk, c, casework.ActionPassReview, map[string]any{"content": "材料齐全", "materials": []string{"营业执照"}})
	c = f.must(f.head, c, casework.ActionAssign, map[string]any{"opinion": "同意交办", "specialist_id": f.specA.ID})
	c = f.must(f.specA, c, casework.ActionStart, map[string]any{})

	// Suspended Wednesday 02-11 15:00: 12,13,14,24,25,26,27,28 are left.
	f.clock.Set(cst(2, 11, 15))
	c = f.must(f.specA, c, casework.ActionSuspend, map[string]any{"reason": "等待规划条件调整"})
	if got := f.get(c.ID).Case; got.RemainingDays == nil || *got.RemainingDays != 8 {
		t.Fatalf("stored remaining days = %v, want 8", got.RemainingDays)
	}
	f.clock.Set(cst(3, 10, 9)) // long past 02-28, but the clock is stopped
	if ids := f.overdueIDs(); len(ids) != 0 {
		t.Fatalf("suspended case listed as overdue: %v", ids)
	}

	// Resumed Monday 03-16: 17,18,19,20,23,24,25,26.
	f.clock.Set(cst(3, 16, 9))
	c = f.must(f.specA, c, casework.ActionResume, map[string]any{"reason": "规划条件已调整"})
	// Extended by 2 on Friday 03-20: 27, 30.
	f.clock.Set(cst(3, 20, 16))
	c = f.must(f.head, c, casework.ActionExtend, map[string]any{"days": 2, "reason": "部门会审延后"})
	d := f.get(c.ID)
	if d.Case.Deadline != "2026-03-30" || d.Case.RemainingDays != nil || d.Case.PromisedDays != 12 {
		t.Fatalf("after resume and extend: deadline %s remaining %v promised %d; want 2026-03-30 nil 12",
			d.Case.Deadline, d.Case.RemainingDays, d.Case.PromisedDays)
	}
	f.clock.Set(cst(3, 30, 18))
	if ids := f.overdueIDs(); len(ids) != 0 {
		t.Fatalf("overdue on the deadline day: %v", ids)
	}
	f.clock.Set(cst(3, 31, 8))
	if ids := f.overdueIDs(); !slices.Equal(ids, []int64{c.ID}) {
		t.Fatalf("overdue the day after = %v, want [%d]", ids, c.ID)
	}

	// The timeline, read back from the database, shows each recomputation.
	want := map[casework.Action]map[string]string{
		casework.ActionAccept:  {"deadline": "2026-02-28"},
		casework.ActionSuspend: {"deadline_before": "2026-02-28", "remaining_days": "8"},
		casework.ActionResume:  {"deadline_before": "2026-02-28", "deadline": "2026-03-26"},
		casework.ActionExtend:  {"deadline_before": "2026-03-26", "deadline": "2026-03-30", "days": "2"},
	}
	for _, ev := range d.Timeline {
		for k, v := range want[ev.Action] {
			if got := fmt.Sprint(ev.Payload[k]); got != v {
				t.Errorf("%s event %s = %s, want %s", ev.Action, k, got, v)
			}
		}
		delete(want, ev.Action)
	}
	if len(want) != 0 {
		t.Errorf("events missing from the timeline: %v", want)
	}
}

// TestDeadlineFollowsTheStoredCalendar: the 调休 Saturday counts because the
// calendar in the database says so; an admin's edit changes later deadlines.
func TestDeadlineFollowsTheStoredCalendar(t *testing.T) {
	f := newFixture(t)
	f.clock.Set(cst(2, 12, 10)) // Thursday: 13, 14(调休), then 24
	accept := func(f *fixture) string {
		c := f.must(f.clerk, f.submit(f.ent), casework.ActionAccept, map[string]any{"service_type": "assist", "promised_days": 3})
		return f.get(c.ID).Case.Deadline
	}
	if got := accept(f); got != "2026-02-24" {
		t.Fatalf("deadline = %s, want 2026-02-24", got)
	}
	// Drop the 02-14 make-up day from 2026; a new instance reads the calendar.
	days, err := f.db.Holidays().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	days = slices.DeleteFunc(days, func(d calendar.Day) bool { return d.Date == "2026-02-14" })
	if err := f.db.Holidays().ReplaceYear(ctx, 2026, days, "测试：管理员修改"); err != nil {
		t.Fatal(err)
	}
	g := instance(t, f.db)
	g.clock.Set(cst(2, 12, 10)) // 13, 24, 25
	if got := accept(g); got != "2026-02-25" {
		t.Fatalf("deadline after the edit = %s, want 2026-02-25", got)
	}
}
