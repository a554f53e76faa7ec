package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/notify"
	"sunshine/app/wechat"
)

// TestLifecycle drives one case from submission to archive with credits
// granted and checks what the simulator received, in order: the
// enterprise's subscribe messages (including the 办结送达 notice naming the
// project, the result, the delivery method and the tracking number) and
// the staff's Work WeChat reminders.
func TestLifecycle(t *testing.T) {
	e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
	p := e.people
	e.grant("alice", 4)
	step := func() { e.clock.Advance(10 * time.Minute); e.drain() }

	c := e.submit()
	step()
	c = e.act(e.viewer(p.clerk), c, casework.ActionAccept, map[string]any{"service_type": "agency", "promised_days": 10})
	step()
	c = e.act(e.viewer(p.clerk), c, casework.ActionPassReview, map[string]any{"content": "材料齐全", "materials": []string{"申请表"}})
	c = e.act(e.viewer(p.head), c, casework.ActionAssign, map[string]any{"opinion": "同意交办", "specialist_id": p.specialist.ID})
	step()
	c = e.act(e.viewer(p.specialist), c, casework.ActionStart, map[string]any{"handover": []string{"申请表原件"}})
	c = e.act(e.viewer(p.specialist), c, casework.ActionProposeClose, map[string]any{"result": "completed", "explanation": "已取得施工许可证"})
	c = e.act(e.viewer(p.head), c, casework.ActionSignOff, map[string]any{"opinion": "同意办结"})
	step()
	c = e.act(e.viewer(p.specialist), c, casework.ActionDeliver, map[string]any{"method": "mail", "tracking_no": "SF1234567890"})
	step()
	c = e.act(e.alice(), c, casework.ActionConfirmReceipt, nil)
	step()
	c, err := e.cases.Rate(e.ctx, e.alice(), c.ID, 2, "跟进不够及时", 0)
	if err != nil {
		t.Fatal(err)
	}
	step()
	c = e.act(e.viewer(p.specialist), c, casework.ActionSubmitArchive, map[string]any{"materials": []string{"批文复印件"}})
	c = e.act(e.viewer(p.head), c, casework.ActionArchive, map[string]any{})
	step()

	page := fmt.Sprintf("pages/case/detail?id=%d", c.ID)
	got := e.sim.Messages("sim-openid-alice")
	want := []struct{ template, status string }{
		{"sim-tmpl-progress", "已受理"}, {"sim-tmpl-progress", "已交办"}, {"sim-tmpl-progress", "已办结"},
		{"sim-tmpl-delivery", ""}, {"sim-tmpl-rating", ""}, {"sim-tmpl-progress", "待归档"}, // issue 12 (7): the stage moves at 提交
	}
	if len(got) != len(want) {
		t.Fatalf("alice got %d messages, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		m := got[i]
		if m.Channel != wechat.ChannelSubscribe || m.TemplateID != w.template || m.Page != page {
			t.Errorf("message %d = %s %s %s, want subscribe %s %s", i, m.Channel, m.TemplateID, m.Page, w.template, page)
		}
		if w.status != "" && m.Data["phrase3"] != w.status {
			t.Errorf("message %d status = %v, want %s", i, m.Data["phrase3"], w.status)
		}
		if w.template == "sim-tmpl-progress" && m.Data["character_string1"] != c.Number {
			t.Errorf("message %d number = %v, want %s", i, m.Data["character_string1"], c.Number)
		}
	}
	d := got[3].Data
	if d["thing1"] != string([]rune(validForm().Project.Name)[:19])+"…" || d["phrase2"] != "办结" || d["phrase3"] != "邮寄送达" ||
		d["character_string4"] != "SF1234567890" {
		t.Errorf("办结送达 data = %v", d)
	}
	if th := []rune(fmt.Sprint(d["thing1"])); len(th) != 20 {
		t.Errorf("thing1 has %d characters, want 20", len(th))
	}

	wantWork := map[string][]string{"wang": {"新交办案件"}, "head-chen": {"低分评价待回访"}}
	for user, titles := range wantWork {
		msgs := e.sim.Messages(user)
		if len(msgs) != len(titles) {
			t.Fatalf("%s got %d work messages, want %d: %+v", user, len(msgs), len(titles), msgs)
		}
		for i, title := range titles {
			content := fmt.Sprint(msgs[i].Data["content"])
			if msgs[i].Channel != wechat.ChannelWork || !strings.Contains(content, title) || !strings.Contains(content, c.Number) {
				t.Errorf("%s message %d = %q, want %q about %s", user, i, content, title, c.Number)
			}
		}
	}
	for _, other := range []string{"sim-openid-bob", "sim-openid-carol"} {
		if n := len(e.sim.Messages(other)); n != 0 {
			t.Errorf("%s got %d messages, want none (other enterprise / unverified)", other, n)
		}
	}

	for _, r := range e.rows() {
		if r.State != notify.StateSent || r.Attempts != 1 {
			t.Errorf("row %d %s to %s: state %s after %d attempts", r.ID, r.Event, r.Recipient, r.State, r.Attempts)
		}
	}
	if n, _ := e.n.Credits().Balance(e.ctx, "sim-openid-alice", "sim-tmpl-progress"); n != 0 {
		t.Errorf("progress credits left = %d, want 0 (4 granted, 4 sent)", n)
	}
	if n, _ := e.n.Credits().Balance(e.ctx, "sim-openid-alice", "sim-tmpl-delivery"); n != 3 {
		t.Errorf("delivery credits left = %d, want 3", n)
	}

	var orphans int64
	e.db.R.Raw("SELECT COUNT(*) FROM inbox i LEFT JOIN notifications n ON n.id = i.notification_id AND n.recipient = i.recipient WHERE n.id IS NULL").Scan(&orphans)
	if orphans != 0 {
		t.Errorf("%d inbox entries do not point at their notification", orphans)
	}
	inbox, err := e.n.Inbox(e.ctx, notify.MemberRecipient(p.alice), 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(inbox.Items) != len(want) || inbox.Unread != len(want) || inbox.Items[2].Title != "办结送达通知" {
		t.Fatalf("alice inbox = %d items (%d unread), want %d with the delivery notice third newest", len(inbox.Items), inbox.Unread, len(want))
	}
	if body := inbox.Items[2].Body; !strings.Contains(body, "邮寄送达") || !strings.Contains(body, "SF1234567890") ||
		!strings.Contains(body, "办理结果：办结") || !strings.Contains(body, "智能制造产业园") {
		t.Errorf("delivery notice body = %q", body)
	}
}

// TestDeliveredInPerson: the 办结送达 notice names the in-person delivery
// and the rating invitation follows a minute later; a terminated case is
// told its stage and invited to rate too.
func TestDeliveredInPerson(t *testing.T) {
	for _, result := range []string{"completed", "terminated"} {
		t.Run(result, func(t *testing.T) {
			e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
			p := e.people
			e.grant("alice", 3)
			c := e.toService()
			c = e.act(e.viewer(p.specialist), c, casework.ActionProposeClose, map[string]any{"result": result, "explanation": "说明"})
			c = e.act(e.viewer(p.head), c, casework.ActionSignOff, map[string]any{"opinion": "同意"})
			want := []string{"sim-tmpl-progress", "sim-tmpl-progress", "sim-tmpl-progress"}
			if result == "completed" {
				e.act(e.viewer(p.specialist), c, casework.ActionDeliver, map[string]any{"method": "in_person", "signed_by": "李四"})
				want = append(want, "sim-tmpl-delivery")
			}
			e.drain()
			msgs := e.sim.Messages("sim-openid-alice")
			if got := templates(msgs); !slices.Equal(got, want) {
				t.Fatalf("messages = %v, want %v (the invitation waits a minute)", got, want)
			}
			if result == "completed" {
				if d := msgs[3].Data; d["phrase3"] != "当面递交" || d["character_string4"] != "-" {
					t.Errorf("delivery data = %v", d)
				}
			}
			e.clock.Advance(notify.RatingInviteDelay)
			e.drain()
			if got := templates(e.sim.Messages("sim-openid-alice")); !slices.Equal(got, append(want, "sim-tmpl-rating")) {
				t.Fatalf("messages = %v, want the rating invitation last", got)
			}
		})
	}
}

func templates(msgs []wechat.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.TemplateID)
	}
	return out
}

// TestHookRollsBack: when the action's transaction fails after the outbox
// write, neither the action nor its notifications are stored.
func TestHookRollsBack(t *testing.T) {
	e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
	c := e.submit()
	e.cases.OnEvent(func(_ context.Context, _ cases.Tx, _ *casework.Case, ev *casework.Event) error {
		if ev.Action == casework.ActionAccept {
			return errs.E(errs.Unavailable, "故障")
		}
		return nil
	})
	_, err := e.cases.Act(e.ctx, e.viewer(e.people.clerk), c.ID, casework.Request{Action: casework.ActionAccept, Version: c.Version,
		Payload: map[string]json.RawMessage{"service_type": json.RawMessage(`"assist"`)}})
	if !errs.Is(err, errs.Unavailable) {
		t.Fatalf("accept = %v, want the failing hook's error", err)
	}
	if rows := e.rows(); len(rows) != 0 {
		t.Fatalf("rolled-back action left %d notifications", len(rows))
	}
	inbox, _ := e.n.Inbox(e.ctx, notify.MemberRecipient(e.people.alice), 0, 10)
	if len(inbox.Items) != 0 {
		t.Fatalf("rolled-back action left %d inbox entries", len(inbox.Items))
	}
	got, _ := e.cases.Get(e.ctx, e.alice(), c.ID)
	if got.Case.Status != casework.Submitted {
		t.Fatalf("status = %s, want submitted", got.Case.Status)
	}
}
