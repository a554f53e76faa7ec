package notify_test

import (
	"strings"
	"testing"

	"sunshine/app/casework"
	"sunshine/app/notify"
	"sunshine/app/wechat"
)

// TestNoCreditFallsBack: without a subscribe credit the notice goes out as
// an official-account template message when the member follows the
// account, and otherwise stays in the inbox — the row is sent either way.
func TestNoCreditFallsBack(t *testing.T) {
	e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
	oa := e.sim.AddFollower("dave")
	dave := insertMember(t, e.db, "dave", e.people.enterpriseID, true, oa)

	c := e.submit()
	e.act(e.viewer(e.people.clerk), c, casework.ActionAccept, map[string]any{"service_type": "assist"})
	e.drain()

	if n := len(e.sim.Messages("sim-openid-alice")); n != 0 {
		t.Fatalf("alice has no credit but got %d subscribe messages", n)
	}
	msgs := e.sim.Messages(oa)
	if len(msgs) != 1 || msgs[0].Channel != wechat.ChannelTemplate || msgs[0].TemplateID != "sim-oa-progress" ||
		msgs[0].Page != "pages/case/detail?id="+itoa(c.ID) || msgs[0].Data["phrase3"] != "已受理" {
		t.Fatalf("dave's official-account messages = %+v", msgs)
	}
	byRecipient := map[string]notify.Row{}
	for _, r := range e.rows() {
		byRecipient[r.Recipient] = r
	}
	if r := byRecipient[notify.MemberRecipient(dave)]; r.State != notify.StateSent || r.Channel != notify.ChannelTemplate {
		t.Errorf("dave's row: %s via %q", r.State, r.Channel)
	}
	r := byRecipient[notify.MemberRecipient(e.people.alice)]
	if r.State != notify.StateSent || r.Channel != notify.ChannelInbox || !strings.Contains(r.LastError, "no credit") {
		t.Errorf("alice's row: %s via %q (%s), want sent to the inbox for want of a credit", r.State, r.Channel, r.LastError)
	}
	for _, id := range []int64{e.people.alice, dave} {
		page, err := e.n.Inbox(e.ctx, notify.MemberRecipient(id), 0, 10)
		if err != nil || len(page.Items) != 1 || page.Items[0].Title != "申请已受理" {
			t.Errorf("inbox of member %d = %+v, %v", id, page, err)
		}
	}
}

// TestStaleLocalCredit: a local credit WeChat no longer honours (43101) is
// zeroed and the notice moves on to the next channel in the same attempt.
func TestStaleLocalCredit(t *testing.T) {
	e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
	oa := e.sim.AddFollower("alice")
	e.db.W.Exec("UPDATE members SET oa_openid = ? WHERE id = ?", oa, e.people.alice)
	if err := e.n.Credits().Grant(e.ctx, "sim-openid-alice", []string{"sim-tmpl-progress", "sim-tmpl-progress", "unknown"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.n.Credits().Balance(e.ctx, "sim-openid-alice", "sim-tmpl-progress"); n != 1 {
		t.Fatalf("credits = %d after granting one template twice in one report, want 1", n)
	}
	c := e.submit()
	e.act(e.viewer(e.people.clerk), c, casework.ActionAccept, map[string]any{"service_type": "assist"})
	e.drain()

	if n := len(e.sim.Messages("sim-openid-alice")); n != 0 {
		t.Fatalf("subscribe messages = %d, want 0 (WeChat has no credit)", n)
	}
	if msgs := e.sim.Messages(oa); len(msgs) != 1 || msgs[0].Channel != wechat.ChannelTemplate {
		t.Fatalf("official-account messages = %+v, want the fallback", msgs)
	}
	if n, _ := e.n.Credits().Balance(e.ctx, "sim-openid-alice", "sim-tmpl-progress"); n != 0 {
		t.Errorf("local credits = %d after 43101, want 0", n)
	}
	if err := e.n.Credits().Grant(e.ctx, "", []string{"sim-tmpl-progress"}); err == nil {
		t.Errorf("a grant without openid was accepted")
	}
}

// TestStaffWithoutWorkWeChat: a specialist unknown to Work WeChat gets the
// reminder in the inbox only, and the row says why.
func TestStaffWithoutWorkWeChat(t *testing.T) {
	e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
	e.db.W.Exec("UPDATE staff_users SET wecom_userid = ? WHERE id = ?", "ghost", e.people.specialist.ID)
	e.toService()
	e.drain()
	for _, r := range e.rows() {
		if r.Event != notify.EventNewCase {
			continue
		}
		if r.State != notify.StateSent || r.Channel != notify.ChannelInbox || !strings.Contains(r.LastError, "invalid user") {
			t.Fatalf("new_case row: %s via %q (%s), want inbox only with the reason", r.State, r.Channel, r.LastError)
		}
		page, _ := e.n.Inbox(e.ctx, notify.StaffRecipient(e.people.specialist.ID), 0, 10)
		if len(page.Items) != 1 || page.Items[0].Title != "新交办案件" {
			t.Fatalf("specialist inbox = %+v", page.Items)
		}
		return
	}
	t.Fatal("no new_case notification")
}
