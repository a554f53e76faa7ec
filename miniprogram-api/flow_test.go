package mpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"sunshine/app/casework"
	"sunshine/app/files/filestest"
	"sunshine/app/notify"
	"sunshine/app/wechat"
)

// TestFullCase follows one case from the mini-program's submission to the
// rating, with the staff acting through the case service, and the WeChat
// side through the real SDK against the simulator.
func TestFullCase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login("full")
	code := creditCode(21)
	must(t, e.call("POST", "/api/mp/v1/phone", u.Token, map[string]string{"code": "sim-phone-13700001111"}), 200)
	must(t, e.bind(u, code, "阳光科技有限公司", ""), 200)

	// The user allows the subscribe templates: the simulator's signed push
	// reaches /wechat/push and grants the credits; the mini-program also
	// reports them.
	if err := e.grant(u.OpenID); err != nil {
		t.Fatalf("grant: %v", err)
	}
	if n, _ := e.notify.Credits().Balance(ctx, u.OpenID, "sim-tmpl-progress"); n != 1 {
		t.Fatalf("credits after the push: %d, want 1", n)
	}
	must(t, e.call("POST", "/api/mp/v1/subscriptions", u.Token, map[string]any{"accepted": []string{"sim-tmpl-delivery"}}), 200)
	must(t, e.call("POST", "/api/mp/v1/subscriptions", u.Token, map[string]any{"accepted": []string{"unknown-template"}}), 422)

	c := e.submit(u, code, "智能制造产业园")
	if c.Status != "submitted" || c.Stage != "intake" || !strings.HasPrefix(c.Number, "YGDB-2026-") || c.Deadline != nil {
		t.Fatalf("submitted case: %+v", c)
	}
	path := fmt.Sprintf("/api/mp/v1/cases/%d", c.ID)

	e.act(e.clerk, c.ID, casework.ActionAccept, map[string]any{"service_type": "agency", "promised_days": 10})
	e.act(e.clerk, c.ID, casework.ActionRequestInfo, map[string]any{"reason": "缺少用地证明", "items": []string{"不动产权证书"}})
	var got caseOut
	must(t, e.call("GET", path, u.Token, nil), 200).decode(t, &got)
	if got.Status != "needs_info" || !contains(got.Actions, "supplement") || contains(got.Actions, "urge") {
		t.Fatalf("needs_info case: %+v", got)
	}
	var att struct{ ID int64 }
	must(t, e.upload(u, c.ID, "不动产权证书.pdf", filestest.PDF()), 201).decode(t, &att)
	must(t, e.upload(u, c.ID, "evil.exe", []byte("MZ\x90\x00 not a document")), 415)
	must(t, e.call("POST", path+"/supplement", u.Token, map[string]any{"version": got.Version - 1, "note": "已补充"}), 409)
	if r := must(t, e.call("POST", path+"/supplement", u.Token, map[string]any{"note": "x", "attachments": []int64{att.ID + 1000}}), 422); errFields(r)["attachments"] == "" {
		t.Fatalf("foreign attachment id: %s", r.Body)
	}
	must(t, e.call("POST", path+"/supplement", u.Token, map[string]any{"note": "已补充用地证明", "attachments": []int64{att.ID}}), 200)

	e.act(e.clerk, c.ID, casework.ActionPassReview, map[string]any{"content": "材料齐全", "materials": []string{"营业执照"}, "opinion": "内部意见：可以交办"})
	e.act(e.head, c.ID, casework.ActionAssign, map[string]any{"opinion": "同意交办", "specialist_id": e.spec.ID})
	e.act(e.spec, c.ID, casework.ActionStart, map[string]any{"handover": []string{"用地证明原件"}})
	e.act(e.spec, c.ID, casework.ActionRecord, map[string]any{"note": "已向自然资源局提交", "public": true})
	e.act(e.spec, c.ID, casework.ActionRecord, map[string]any{"note": "内部：该企业负责人难沟通", "public": false})

	must(t, e.call("GET", path, u.Token, nil), 200).decode(t, &got)
	if got.Status != "in_service" || got.Stage != "tracking" || got.Deadline == nil || got.Overdue {
		t.Fatalf("in service: %+v", got)
	}
	if got.Specialist == nil || got.Specialist.Name != "黄专员" || got.Specialist.Phone != "138****1234" {
		t.Fatalf("specialist: %+v", got.Specialist)
	}
	body := string(must(t, e.call("GET", path, u.Token, nil), 200).Body)
	for _, secret := range []string{"内部：", "pass_review", "内部意见", "13812341234"} {
		if strings.Contains(body, secret) {
			t.Fatalf("the enterprise sees %q: %s", secret, body)
		}
	}
	if !strings.Contains(body, "已向自然资源局提交") {
		t.Fatalf("public record missing from the timeline")
	}

	must(t, e.call("POST", path+"/rating", u.Token, map[string]any{"score": 5}), 409) // not delivered yet
	e.act(e.spec, c.ID, casework.ActionProposeClose, map[string]any{"result": "completed", "explanation": "已取得规划许可证"})
	e.act(e.head, c.ID, casework.ActionSignOff, map[string]any{"opinion": "同意办结"})
	e.act(e.spec, c.ID, casework.ActionDeliver, map[string]any{"method": "mail", "tracking_no": "SF1234567890"})
	must(t, e.call("GET", path, u.Token, nil), 200).decode(t, &got)
	if got.Status != "delivering" || !contains(got.Actions, "receipt") {
		t.Fatalf("delivering: %+v", got)
	}
	must(t, e.call("POST", path+"/receipt", u.Token, nil), 200).decode(t, &got)
	if got.Status != "delivered" || got.Stage != "evaluation" || !contains(got.Actions, "rating") {
		t.Fatalf("after receipt: %+v", got)
	}
	must(t, e.call("POST", path+"/rating", u.Token, map[string]any{"score": 5, "comment": "服务很好"}), 200).decode(t, &got)
	if got.Rating == nil || got.Rating.Score != 5 || contains(got.Actions, "rating") {
		t.Fatalf("rated: %+v", got)
	}

	// The notices went out as subscribe messages while credits lasted, and
	// every one is in the inbox.
	if _, err := e.notify.NewWorker("test").RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := sim.Messages(u.OpenID)
	if len(msgs) == 0 || msgs[0].Channel != wechat.ChannelSubscribe {
		t.Fatalf("simulator messages: %+v", msgs)
	}
	var delivered bool
	for _, m := range msgs {
		delivered = delivered || m.TemplateID == "sim-tmpl-delivery"
	}
	if !delivered {
		t.Fatalf("no 办结送达 subscribe message among %+v", msgs)
	}
	var inbox struct {
		Items []struct {
			Event  string
			CaseID *int64 `json:"case_id"`
			Read   bool
		}
		Unread int
	}
	must(t, e.call("GET", "/api/mp/v1/notifications?limit=50", u.Token, nil), 200).decode(t, &inbox)
	events := map[string]bool{}
	for _, n := range inbox.Items {
		events[n.Event] = true
	}
	for _, ev := range []string{notify.EventAccepted, notify.EventNeedsInfo, notify.EventDelivered} {
		if !events[ev] {
			t.Fatalf("inbox lacks %s: %+v", ev, inbox.Items)
		}
	}
	if inbox.Unread != len(inbox.Items) {
		t.Fatalf("unread %d of %d", inbox.Unread, len(inbox.Items))
	}
	must(t, e.call("POST", "/api/mp/v1/notifications/read", u.Token, nil), 204)
	must(t, e.call("GET", "/api/mp/v1/notifications", u.Token, nil), 200).decode(t, &inbox)
	if inbox.Unread != 0 {
		t.Fatalf("unread after reading all: %d", inbox.Unread)
	}
}
