package notify_test

import (
	"slices"
	"strings"
	"testing"

	"sunshine/app/casework"
	"sunshine/app/notify"
)

// rowsOf returns the outbox rows of an event, oldest first.
func (e *env) rowsOf(event string) []notify.Row {
	var out []notify.Row
	for _, r := range e.rows() {
		if r.Event == event {
			out = append(out, r)
		}
	}
	return out
}

func bodyOf(r notify.Row) string {
	s, _ := r.Payload["body"].(string)
	return s
}

// Issue 12 (3): the enterprise hears of an extension, a suspension and a
// resumption, with the reason and the new deadline.
func TestDeadlineChangesReachTheEnterprise(t *testing.T) {
	e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
	p := e.people
	c := e.toService()
	c = e.act(e.viewer(p.head), c, casework.ActionExtend, map[string]any{"days": 5, "reason": "涉及省级审批"})
	extended := c.Deadline
	c = e.act(e.viewer(p.specialist), c, casework.ActionSuspend, map[string]any{"reason": "等待企业修改方案"})
	e.clock.Advance(72 * 3600e9)
	c = e.act(e.viewer(p.specialist), c, casework.ActionResume, map[string]any{"reason": "方案已修改"})
	rows := e.rowsOf(notify.EventDeadlineChanged)
	var mine []notify.Row
	for _, r := range rows {
		if r.Recipient == notify.MemberRecipient(p.alice) {
			mine = append(mine, r)
		}
	}
	if len(mine) != 3 {
		t.Fatalf("alice got %d deadline notices, want 3: %+v", len(mine), rows)
	}
	for i, want := range [][]string{{"涉及省级审批", extended}, {"等待企业修改方案", "暂停计时"}, {"方案已修改", c.Deadline}} {
		for _, w := range want {
			if !strings.Contains(bodyOf(mine[i]), w) {
				t.Errorf("notice %d %q lacks %q", i, bodyOf(mine[i]), w)
			}
		}
	}
	if extended == c.Deadline {
		t.Errorf("resume after three days kept the deadline %s", c.Deadline)
	}
}

// Issue 12 (2, 6): a termination tells the enterprise its reason; a
// withdrawal after assignment reaches the specialist and the head; the
// returned materials are announced as such.
func TestTerminationAndWithdrawalNotices(t *testing.T) {
	e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
	p := e.people
	c := e.toService()
	c = e.act(e.viewer(p.specialist), c, casework.ActionProposeClose, map[string]any{"result": "terminated", "explanation": "项目暂缓建设"})
	c = e.act(e.viewer(p.head), c, casework.ActionSignOff, map[string]any{"opinion": "同意终止"})
	term := e.rowsOf(notify.EventTerminated)
	if len(term) == 0 || !strings.Contains(bodyOf(term[0]), "项目暂缓建设") || !strings.Contains(bodyOf(term[0]), "同意终止") {
		t.Fatalf("termination notices = %+v", term)
	}
	e.act(e.viewer(p.specialist), c, casework.ActionDeliver, map[string]any{"method": "in_person", "signed_by": "李四"})
	del := e.rowsOf(notify.EventDelivered)
	if len(del) == 0 || !strings.Contains(bodyOf(del[0]), "退还") {
		t.Fatalf("return notice = %+v", del)
	}
	if n := len(e.rowsOf(notify.EventRatingInvite)); n != 1 {
		t.Errorf("%d rating invitations, want 1 (at sign-off only)", n)
	}

	w := e.toService()
	w = e.act(e.alice(), w, casework.ActionWithdraw, map[string]any{"reason": "企业自行办理"})
	var to []string
	for _, r := range e.rowsOf(notify.EventWithdrawn) {
		if r.CaseID == w.ID && strings.Contains(bodyOf(r), "企业自行办理") {
			to = append(to, r.Recipient)
		}
	}
	slices.Sort(to)
	want := []string{notify.StaffRecipient(p.head.ID), notify.StaffRecipient(p.specialist.ID)}
	slices.Sort(want)
	if !slices.Equal(to, want) {
		t.Errorf("withdrawal notified %v, want %v", to, want)
	}
}

// Issue 12 (4): a mailed delivery nobody confirms reminds the specialist
// after 7 working days (configurable), and again 7 working days later.
func TestUnconfirmedDeliveryReminder(t *testing.T) {
	for _, tc := range []struct {
		days int
		want []string
	}{
		// Delivered Wed 2026-03-04: 7 working days → Fri 03-13, 14 → Tue 03-24.
		{0, []string{"2026-03-13", "2026-03-24"}},
		{3, []string{"2026-03-09", "2026-03-12", "2026-03-17", "2026-03-20", "2026-03-25"}},
	} {
		e := newEnv(t, cst(2026, 3, 2, 9, 0), func(o *notify.Options) { o.DeliveryRemindDays = tc.days })
		p := e.people
		c := e.toService()
		c = e.act(e.viewer(p.specialist), c, casework.ActionProposeClose, map[string]any{"result": "completed", "explanation": "已办结"})
		c = e.act(e.viewer(p.head), c, casework.ActionSignOff, map[string]any{"opinion": "同意"})
		e.clock.Set(cst(2026, 3, 4, 10, 0))
		c = e.act(e.viewer(p.specialist), c, casework.ActionDeliver, map[string]any{"method": "mail", "tracking_no": "EMS9"})
		got := e.fired("2026-03-05", "2026-03-26")[notify.EventDeliveryUnconfirmed]
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("remind after %d: reminders on %v, want %v", tc.days, got, tc.want)
		}
		// Recording the receipt with the proof stops them.
		e.act(e.viewer(p.specialist), c, casework.ActionConfirmReceipt, map[string]any{"proof": "EMS 查询：已签收"})
		if more := e.fired("2026-03-27", "2026-04-20")[notify.EventDeliveryUnconfirmed]; len(more) != len(tc.want) {
			t.Errorf("reminders after the receipt: %v", more)
		}
	}
}
