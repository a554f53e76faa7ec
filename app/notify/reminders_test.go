package notify_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/notify"
)

// insertCase stores a case in service with the given deadline directly.
func (e *env) insertCase(deadline string, specialist int64) *casework.Case {
	e.t.Helper()
	c, _, err := casework.NewCase(validForm(), casework.ChannelWindow, e.people.clerk, casework.FormIntake, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	c.Number = fmt.Sprintf("YGDB-2026-%06d", time.Now().UnixNano()%1000000)
	c.Status, c.Deadline, c.SpecialistID, c.Specialist, c.ServiceType = casework.InService, deadline, specialist, "王专员", "agency"
	if err := e.db.Cases().InTx(e.ctx, func(tx cases.Tx) error { return tx.InsertCase(c) }); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// fired runs the scanner every hour from 07:00 to 18:00 China time of each
// day from..to and returns, per reminder event, the dates it was stored on.
func (e *env) fired(from, to string, scanners ...*notify.Scanner) map[string][]string {
	e.t.Helper()
	if len(scanners) == 0 {
		scanners = []*notify.Scanner{e.n.Scanner()}
	}
	out := map[string][]string{}
	d, _ := casework.ParseDate(from)
	end, _ := casework.ParseDate(to)
	for ; !d.After(end); d = d.AddDate(0, 0, 1) {
		for h := 7; h <= 18; h++ {
			e.clock.Set(d.Add(time.Duration(h) * time.Hour))
			for _, sc := range scanners {
				if _, err := sc.ScanOnce(e.ctx); err != nil {
					e.t.Fatal(err)
				}
			}
		}
	}
	for _, r := range e.rows() {
		day := casework.DateOf(r.CreatedAt)
		if r.Recipient != notify.StaffRecipient(e.people.specialist.ID) && r.Event != notify.EventMatterDue {
			day += "@" + r.Recipient
		}
		out[r.Event] = append(out[r.Event], day)
	}
	return out
}

// TestRemindersAcrossNationalDay: deadline 2026-10-09, after 中秋 and
// 国庆 (holidays 10-01…10-07, 调休 working Saturday 10-10): 3 working days
// before is 09-29, 1 working day before is 10-08, and overdue reminders go
// out on working days only — the 调休 Saturday yes, the Sunday after no.
func TestRemindersAcrossNationalDay(t *testing.T) {
	e := newEnv(t, cst(2026, 9, 20, 9, 0), nil)
	c := e.insertCase("2026-10-09", e.people.specialist.ID)
	dl, _ := casework.ParseDate(c.Deadline)
	if got := casework.DateOf(days.AddWorkingDays(dl, -3)); got != "2026-09-29" {
		t.Fatalf("calendar: 3 working days before the deadline = %s", got)
	}
	got := e.fired("2026-09-24", "2026-10-13")
	head := "@" + notify.StaffRecipient(e.people.head.ID)
	want := map[string][]string{
		notify.EventDeadline3: {"2026-09-29"},
		notify.EventDeadline1: {"2026-10-08"},
		notify.EventOverdue: {"2026-10-10", "2026-10-10" + head, "2026-10-12", "2026-10-12" + head,
			"2026-10-13", "2026-10-13" + head},
	}
	for ev, w := range want {
		g := got[ev]
		slices.Sort(g)
		slices.Sort(w)
		if !slices.Equal(g, w) {
			t.Errorf("%s fired on %v, want %v", ev, g, w)
		}
	}
	for _, r := range e.rows() {
		if r.Event == notify.EventDeadline3 && (r.CreatedAt.In(casework.ChinaTime).Hour() != 9) {
			t.Errorf("deadline3 stored at %v, want at 09:00", r.CreatedAt.In(casework.ChinaTime))
		}
	}
	page, _ := e.n.Inbox(e.ctx, notify.StaffRecipient(e.people.specialist.ID), 0, 50)
	if n := len(page.Items); n != 5 {
		t.Errorf("specialist inbox has %d reminders, want 5", n)
	}
	e.drain()
	if n := len(e.sim.Messages("wang")); n != 5 {
		t.Errorf("specialist got %d Work WeChat reminders, want 5", n)
	}
}

// TestReminderOnMakeUpSunday: deadline 2026-09-23 puts the 3-day reminder
// on Sunday 09-20, a 调休 working day.
func TestReminderOnMakeUpSunday(t *testing.T) {
	e := newEnv(t, cst(2026, 9, 14, 9, 0), nil)
	e.insertCase("2026-09-23", e.people.specialist.ID)
	got := e.fired("2026-09-17", "2026-09-23")
	if !slices.Equal(got[notify.EventDeadline3], []string{"2026-09-20"}) || !slices.Equal(got[notify.EventDeadline1], []string{"2026-09-22"}) {
		t.Fatalf("reminders = %v, want deadline3 on 2026-09-20 and deadline1 on 2026-09-22", got)
	}
}

// TestRemindersFollowTheDeadline: two instances scanning store each
// reminder once; an extension moves the deadline and the reminders fire
// again for the new date; before assignment they go to the head.
func TestRemindersFollowTheDeadline(t *testing.T) {
	e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
	c := e.toService() // accepted 2026-03-02 with 10 working days: deadline 2026-03-16
	if c.Deadline != "2026-03-16" {
		t.Fatalf("deadline = %s", c.Deadline)
	}
	other := notify.New(notify.Deps{Store: e.db.Notifications(), Days: days, Now: e.clock.Now}, notify.Options{})
	got := e.fired("2026-03-10", "2026-03-11", e.n.Scanner(), other.Scanner())
	if !slices.Equal(got[notify.EventDeadline3], []string{"2026-03-11"}) {
		t.Fatalf("deadline3 = %v, want once on 2026-03-11", got[notify.EventDeadline3])
	}
	e.clock.Set(cst(2026, 3, 11, 15, 0))
	c = e.act(e.viewer(e.people.head), c, casework.ActionExtend, map[string]any{"days": 5, "reason": "等待部门审批"})
	if c.Deadline != "2026-03-23" {
		t.Fatalf("extended deadline = %s", c.Deadline)
	}
	got = e.fired("2026-03-12", "2026-03-18")
	if !slices.Equal(got[notify.EventDeadline3], []string{"2026-03-11", "2026-03-18"}) {
		t.Fatalf("deadline3 = %v, want the old one and one for the new deadline", got[notify.EventDeadline3])
	}

	unassigned := e.insertCase("2026-03-20", 0)
	unassigned.Status = casework.Reviewing
	e.db.W.Exec("UPDATE cases SET status = 'reviewing' WHERE id = ?", unassigned.ID)
	got = e.fired("2026-03-17", "2026-03-17")
	if !slices.Contains(got[notify.EventDeadline3], "2026-03-17@"+notify.StaffRecipient(e.people.head.ID)) {
		t.Fatalf("unassigned case: deadline3 = %v, want it to the head", got[notify.EventDeadline3])
	}
}

// TestMatterDue reminds the department's liaisons once, a working day
// before the matter's deadline.
func TestMatterDue(t *testing.T) {
	e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
	c := e.insertCase("2026-04-30", e.people.specialist.ID)
	liaison := seedStaff(t, e, casework.RoleLiaison, "赵联络", "zhao", "市自然资源局")
	seedStaff(t, e, casework.RoleLiaison, "钱联络", "", "市住建局")
	now := time.Now().UTC()
	for _, m := range []struct{ dept, deadline, status string }{
		{"市自然资源局", "2026-03-09", "in_progress"}, {"市住建局", "2026-03-20", "pending"}, {"市自然资源局", "2026-03-09", "done"},
	} {
		e.db.W.Exec(`INSERT INTO department_matters (case_id, department, name, deadline, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ID, m.dept, "建设用地规划许可", m.deadline, m.status, now, now)
	}
	got := e.fired("2026-03-04", "2026-03-10")
	if !slices.Equal(got[notify.EventMatterDue], []string{"2026-03-06"}) {
		t.Fatalf("matter_due = %v, want once on 2026-03-06 (the Friday before Monday 03-09)", got[notify.EventMatterDue])
	}
	for _, r := range e.rows() {
		if r.Event == notify.EventMatterDue && r.Recipient != notify.StaffRecipient(liaison) {
			t.Errorf("matter_due went to %s, want the 市自然资源局 liaison", r.Recipient)
		}
	}
	e.drain()
	if msgs := e.sim.Messages("zhao"); len(msgs) != 1 {
		t.Fatalf("liaison got %d messages, want 1", len(msgs))
	}
}

// TestNoRemindersWhileWaitingForMaterials: 补正期间不计入承诺时限 — while
// the enterprise supplements materials (needs_info) the clock is stopped,
// so neither the deadline reminders nor the overdue ones go out on the old
// deadline; after the supplement the clock restarts with the days that
// were left and the reminders follow the new deadline.
func TestNoRemindersWhileWaitingForMaterials(t *testing.T) {
	e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
	p := e.people
	c := e.submit()
	c = e.act(e.viewer(p.clerk), c, casework.ActionAccept, map[string]any{"service_type": "agency", "promised_days": 5})
	if c.Deadline != "2026-03-09" {
		t.Fatalf("deadline = %s", c.Deadline)
	}
	e.clock.Set(cst(2026, 3, 3, 10, 0)) // 4 working days left
	c = e.act(e.viewer(p.clerk), c, casework.ActionRequestInfo, map[string]any{"reason": "缺少营业执照副本"})
	got := e.fired("2026-03-04", "2026-03-13")
	for _, ev := range []string{notify.EventDeadline3, notify.EventDeadline1, notify.EventOverdue} {
		if len(got[ev]) > 0 {
			t.Errorf("clock stopped (needs_info): %s fired on %v", ev, got[ev])
		}
	}
	e.clock.Set(cst(2026, 3, 16, 10, 0))
	c = e.act(e.alice(), c, casework.ActionSupplement, map[string]any{"note": "已补充"})
	if c.Deadline != "2026-03-20" {
		t.Fatalf("deadline after the supplement = %s, want 2026-03-20", c.Deadline)
	}
	got = e.fired("2026-03-16", "2026-03-19")
	if want := []string{"2026-03-17@" + notify.StaffRecipient(p.head.ID)}; !slices.Equal(got[notify.EventDeadline3], want) {
		t.Errorf("deadline3 = %v, want %v (the new deadline, to the head before assignment)", got[notify.EventDeadline3], want)
	}
}
