package casework_test

import (
	"testing"
	"time"

	"sunshine/app/casework"
)

// Deadlines are counted with the real calendar (calendar.Seed): 2026 春节
// is 02-15..02-23 with 调休 Saturdays 02-14 and 02-28; 国庆 is 10-01..10-07
// with 调休 Sunday 09-20 and Saturday 10-10; 劳动节 is 05-01..05-05 with 调休
// Saturday 05-09; 元旦 is 01-01..01-03 with 调休 Sunday 01-04.

// at applies an action at a given time and fails the test on error.
func at(t *testing.T, c *casework.Case, now time.Time, role casework.Role, a casework.Action, payload map[string]any) *casework.Event {
	t.Helper()
	return mustApply(t, c, role, a, payload, now)
}

func wantDeadline(t *testing.T, c *casework.Case, ev *casework.Event, want, before string) {
	t.Helper()
	if c.Deadline != want {
		t.Errorf("deadline = %s, want %s", c.Deadline, want)
	}
	if got := ev.Payload["deadline"]; got != want {
		t.Errorf("event deadline = %v, want %s", got, want)
	}
	if before != "" {
		if got := ev.Payload["deadline_before"]; got != before {
			t.Errorf("event deadline_before = %v, want %s", got, before)
		}
	}
}

func TestAcceptDeadline(t *testing.T) {
	for _, tc := range []struct {
		name     string
		now      time.Time
		promised any // nil: not given
		want     string
		days     int
	}{
		{"spring_festival_with_saturday_workday", cst(2026, 2, 12, 10), 3, "2026-02-24", 3},
		{"national_day_ends_on_saturday_workday", cst(2026, 9, 30, 10), 3, "2026-10-10", 3},
		{"friday_before_spring_festival", cst(2026, 2, 13, 10), 3, "2026-02-25", 3},
		{"accepted_on_a_holiday", cst(2026, 2, 16, 10), 1, "2026-02-24", 1},
		{"labour_day", cst(2026, 4, 30, 10), 3, "2026-05-08", 3},
		{"labour_day_saturday_workday", cst(2026, 4, 30, 10), 4, "2026-05-09", 4},
		{"new_year_sunday_workday_across_years", cst(2025, 12, 31, 10), 1, "2026-01-04", 1},
		{"promised_days_as_text", cst(2026, 2, 12, 10), "3", "2026-02-24", 3},
		{"default_twenty_working_days", monday, nil, "2026-03-30", casework.DefaultPromisedDays},
		// 17:00 UTC on the 11th is 01:00 on the 12th in China.
		{"counted_in_china_time", time.Date(2026, 2, 11, 17, 0, 0, 0, time.UTC), 3, "2026-02-24", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCase(t)
			p := map[string]any{"service_type": "assist"}
			if tc.promised != nil {
				p["promised_days"] = tc.promised
			}
			ev := at(t, c, tc.now, clerk, casework.ActionAccept, p)
			wantDeadline(t, c, ev, tc.want, "")
			if c.PromisedDays != tc.days || ev.Payload["promised_days"] != tc.days {
				t.Errorf("promised days = %d (event %v), want %d", c.PromisedDays, ev.Payload["promised_days"], tc.days)
			}
			if c.AcceptedAt == nil || !c.AcceptedAt.Equal(tc.now) {
				t.Errorf("accepted_at = %v, want %v", c.AcceptedAt, tc.now)
			}
			if c.Scope != "coordination" {
				t.Errorf("scope = %q, want the default coordination", c.Scope)
			}
		})
	}
}

// inService accepts a case on acceptedAt with promised working days and
// takes it to in_service the next day.
func inService(t *testing.T, acceptedAt time.Time, promised int) *casework.Case {
	t.Helper()
	c := newCase(t)
	at(t, c, acceptedAt, clerk, casework.ActionAccept, map[string]any{"service_type": "assist", "promised_days": promised})
	next := acceptedAt.AddDate(0, 0, 1)
	at(t, c, next, clerk, casework.ActionPassReview, nil)
	at(t, c, next, head, casework.ActionAssign, nil)
	at(t, c, next, specialist, casework.ActionStart, nil)
	return c
}

func TestSuspendResume(t *testing.T) {
	t.Run("resume_keeps_the_remaining_working_days", func(t *testing.T) {
		// 10 working days from Mon 02-09: 10,11,12,13,14(调休),24,25,26,27,28(调休).
		c := inService(t, cst(2026, 2, 9, 9), 10)
		if c.Deadline != "2026-02-28" {
			t.Fatalf("deadline = %s, want 2026-02-28", c.Deadline)
		}
		// Suspended on Wed 02-11: left are 12,13,14,24,25,26,27,28.
		ev := at(t, c, cst(2026, 2, 11, 15), specialist, casework.ActionSuspend, map[string]any{"reason": "等待规划调整"})
		if got := ev.Payload["remaining_days"]; got != 8 {
			t.Errorf("event remaining_days = %v, want 8", got)
		}
		if got := ev.Payload["deadline_before"]; got != "2026-02-28" {
			t.Errorf("event deadline_before = %v, want 2026-02-28", got)
		}
		if c.RemainingDays == nil || *c.RemainingDays != 8 {
			t.Errorf("remaining days = %v, want 8", c.RemainingDays)
		}
		if c.Overdue(cst(2026, 3, 10, 9)) {
			t.Error("overdue while suspended")
		}
		at(t, c, cst(2026, 3, 12, 9), liaison, casework.ActionRecord, map[string]any{"note": "部门仍在研究"})
		if c.Status != casework.Suspended {
			t.Fatalf("record moved the case to %s", c.Status)
		}
		// Resumed Mon 03-16: 17,18,19,20,23,24,25,26.
		ev = at(t, c, cst(2026, 3, 16, 9), specialist, casework.ActionResume, map[string]any{"reason": "规划已调整"})
		wantDeadline(t, c, ev, "2026-03-26", "2026-02-28")
		if c.RemainingDays != nil {
			t.Errorf("remaining days = %d after resume, want nil", *c.RemainingDays)
		}
		if c.Overdue(cst(2026, 3, 26, 23)) {
			t.Error("overdue on the deadline day")
		}
		if !c.Overdue(cst(2026, 3, 27, 0)) {
			t.Error("not overdue the day after the deadline")
		}
		// Extended by the head on 03-27: 27, 30.
		ev = at(t, c, cst(2026, 3, 27, 10), head, casework.ActionExtend, map[string]any{"days": 2, "reason": "部门延期"})
		wantDeadline(t, c, ev, "2026-03-30", "2026-03-26")
		if c.PromisedDays != 12 {
			t.Errorf("promised days = %d, want 12", c.PromisedDays)
		}
		if c.Overdue(cst(2026, 3, 27, 11)) {
			t.Error("still overdue after the extension")
		}
	})

	t.Run("suspend_and_resume_the_same_day", func(t *testing.T) {
		c := inService(t, cst(2026, 2, 9, 9), 10)
		at(t, c, cst(2026, 2, 11, 9), specialist, casework.ActionSuspend, map[string]any{"reason": "暂停"})
		ev := at(t, c, cst(2026, 2, 11, 17), specialist, casework.ActionResume, map[string]any{"reason": "恢复"})
		wantDeadline(t, c, ev, "2026-02-28", "2026-02-28")
	})

	t.Run("suspended_over_the_holiday_costs_nothing", func(t *testing.T) {
		// 5 working days from Mon 09-14: 15,16,17,18,20(调休 Sunday).
		c := inService(t, cst(2026, 9, 14, 9), 5)
		if c.Deadline != "2026-09-20" {
			t.Fatalf("deadline = %s, want 2026-09-20", c.Deadline)
		}
		// Suspended Fri 09-18: only 09-20 is left.
		at(t, c, cst(2026, 9, 18, 9), specialist, casework.ActionSuspend, map[string]any{"reason": "暂停"})
		if c.RemainingDays == nil || *c.RemainingDays != 1 {
			t.Fatalf("remaining = %v, want 1", c.RemainingDays)
		}
		// Resumed Wed 09-30: the holiday runs to 10-07, so 10-08.
		ev := at(t, c, cst(2026, 9, 30, 9), specialist, casework.ActionResume, map[string]any{"reason": "恢复"})
		wantDeadline(t, c, ev, "2026-10-08", "2026-09-20")
	})
}

func TestExtend(t *testing.T) {
	t.Run("in_service_adds_working_days", func(t *testing.T) {
		// Deadline Thu 02-12 (3 days from Mon 02-09); +3: 13, 14(调休), 24.
		c := inService(t, cst(2026, 2, 9, 9), 3)
		ev := at(t, c, cst(2026, 2, 10, 9), head, casework.ActionExtend, map[string]any{"days": 3, "reason": "部门延期"})
		wantDeadline(t, c, ev, "2026-02-24", "2026-02-12")
		if c.Status != casework.InService || c.PromisedDays != 6 || c.RemainingDays != nil {
			t.Errorf("status %s promised %d remaining %v", c.Status, c.PromisedDays, c.RemainingDays)
		}
		if got := ev.PublicPayload()["deadline"]; got != "2026-02-24" {
			t.Errorf("public payload deadline = %v", got)
		}
	})

	t.Run("while_suspended_adds_to_the_remaining_days", func(t *testing.T) {
		c := inService(t, cst(2026, 9, 14, 9), 5) // deadline 09-20
		// Suspended Wed 09-16: left 17, 18, 20.
		at(t, c, cst(2026, 9, 16, 9), specialist, casework.ActionSuspend, map[string]any{"reason": "暂停"})
		ev := at(t, c, cst(2026, 9, 18, 9), head, casework.ActionExtend, map[string]any{"days": 2, "reason": "延期"})
		wantDeadline(t, c, ev, "2026-09-22", "2026-09-20")
		if c.Status != casework.Suspended {
			t.Errorf("status = %s, want suspended", c.Status)
		}
		if c.RemainingDays == nil || *c.RemainingDays != 5 {
			t.Fatalf("remaining = %v, want 5", c.RemainingDays)
		}
		// Resumed Wed 09-30: 10-08, 10-09, 10-10(调休), 10-12, 10-13.
		ev = at(t, c, cst(2026, 9, 30, 9), specialist, casework.ActionResume, map[string]any{"reason": "恢复"})
		wantDeadline(t, c, ev, "2026-10-13", "2026-09-22")
	})
}

func TestOverdue(t *testing.T) {
	// caseAt accepts on Mon 03-02 with 1 promised day: deadline 03-03. Its
	// needs_info, rejected and withdrawn cases were never accepted (no deadline).
	running := map[casework.Status]bool{
		casework.Reviewing: true, casework.MeetingReview: true, casework.Assigned: true,
		casework.InService: true, casework.Closing: true,
	}
	late := cst(2026, 3, 20, 9)
	for _, s := range casework.Statuses {
		t.Run(string(s), func(t *testing.T) {
			c := caseAt(t, s)
			if got, want := c.Overdue(late), running[s]; got != want {
				t.Errorf("Overdue in %s (deadline %q) = %v, want %v", s, c.Deadline, got, want)
			}
		})
	}

	t.Run("boundary_in_china_time", func(t *testing.T) {
		c := caseAt(t, casework.InService)
		if c.Deadline != "2026-03-03" {
			t.Fatalf("deadline = %s, want 2026-03-03", c.Deadline)
		}
		for _, tc := range []struct {
			now  time.Time
			want bool
		}{
			{cst(2026, 3, 3, 0), false},
			{time.Date(2026, 3, 3, 15, 59, 0, 0, time.UTC), false}, // 23:59 in China
			{time.Date(2026, 3, 3, 16, 0, 0, 0, time.UTC), true},   // 00:00 on the 4th in China
			{cst(2026, 3, 4, 9), true},
		} {
			if got := c.Overdue(tc.now); got != tc.want {
				t.Errorf("Overdue(%v) = %v, want %v", tc.now, got, tc.want)
			}
		}
	})

	// Time spent waiting for the enterprise's materials (补正) does not count
	// toward the promised time: request_info stops the clock, supplement
	// restarts it with the working days that were left.
	t.Run("needs_info_after_acceptance_stops_the_clock", func(t *testing.T) {
		c := caseAt(t, casework.Reviewing) // accepted Mon 03-02, deadline Tue 03-03
		ev := mustApply(t, c, clerk, casework.ActionRequestInfo, map[string]any{"reason": "缺少营业执照"}, monday)
		if c.Overdue(late) {
			t.Error("a case waiting for materials is overdue")
		}
		if c.RemainingDays == nil || *c.RemainingDays != 1 || ev.Payload["remaining_days"] != 1 {
			t.Fatalf("remaining days = %v (event %v), want 1", c.RemainingDays, ev.Payload["remaining_days"])
		}
		// Supplemented on Fri 03-20: one working day left → Mon 03-23.
		ev = mustApply(t, c, enterprise, casework.ActionSupplement, map[string]any{"note": "已补充"}, late)
		if c.Deadline != "2026-03-23" || ev.Payload["deadline"] != "2026-03-23" || c.RemainingDays != nil {
			t.Fatalf("after supplement: deadline %s (event %v), remaining %v", c.Deadline, ev.Payload["deadline"], c.RemainingDays)
		}
		if c.Overdue(late) || !c.Overdue(cst(2026, 3, 24, 9)) {
			t.Error("restarted clock does not run out on 03-24")
		}
	})

	t.Run("needs_info_before_acceptance_has_no_clock", func(t *testing.T) {
		c := caseAt(t, casework.Submitted)
		mustApply(t, c, clerk, casework.ActionRequestInfo, map[string]any{"reason": "缺少营业执照"}, monday)
		mustApply(t, c, enterprise, casework.ActionSupplement, nil, late)
		if c.Deadline != "" || c.RemainingDays != nil {
			t.Fatalf("unaccepted case got a clock: deadline %q remaining %v", c.Deadline, c.RemainingDays)
		}
	})

	t.Run("not_after_completion", func(t *testing.T) {
		c := caseAt(t, casework.Closing)
		if !c.Overdue(late) {
			t.Fatal("closing case past its deadline is not overdue")
		}
		mustApply(t, c, head, casework.ActionSignOff, nil, late)
		if c.Overdue(late) {
			t.Errorf("overdue after sign-off (%s)", c.Status)
		}
	})
}
