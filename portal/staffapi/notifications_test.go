package staffapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/notify"
)

// newNotifyFixture is the staff fixture with the notification service
// wired in (no WeChat: every notice lands in the inbox).
func newNotifyFixture(t *testing.T) (*staffFixture, *notify.Service, *cases.Service) {
	t.Helper()
	f := newStaffFixture(t)
	return f, f.sys.Notify, f.sys.Cases
}

// hotlineCaseRejected makes a hotline case and rejects it: with no
// callback URL configured its result callback fails at once.
func hotlineCaseRejected(t *testing.T, f *staffFixture, svc *cases.Service, order string) {
	t.Helper()
	ctx := context.Background()
	c, err := svc.Submit(ctx, cases.Viewer{Actor: casework.Actor{Role: casework.RoleHotline, Name: "2135热线"}},
		cases.SubmitInput{Form: intakeForm(), Channel: casework.ChannelHotline, Mode: casework.FormIntake, HotlineOrder: order})
	if err != nil {
		t.Fatal(err)
	}
	raw := map[string]json.RawMessage{"reason": json.RawMessage(`"不属于审批事项"`)}
	if _, err := svc.Act(ctx, cases.Viewer{Actor: f.users["clerk"].Actor()}, c.ID,
		casework.Request{Action: casework.ActionReject, Version: c.Version, Payload: raw}); err != nil {
		t.Fatal(err)
	}
}

func intakeForm() casework.Form {
	return casework.Form{Enterprise: casework.EnterpriseInfo{Name: "热线企业", CreditCode: "91350100M000100Y43",
		Lead: casework.Person{Name: "张三", Phone: "13800138000"}},
		Project: casework.Project{Name: "热线项目"}, Entrustment: casework.Entrustment{Matters: "咨询审批"}}
}

type notificationList struct {
	Items []struct {
		ID        int64    `json:"id"`
		Event     string   `json:"event"`
		State     string   `json:"state"`
		Attempts  int      `json:"attempts"`
		Channels  []string `json:"channels"`
		LastError string   `json:"last_error"`
	} `json:"items"`
	Next *string `json:"next"`
}

func TestNotificationsAdmin(t *testing.T) {
	f, n, svc := newNotifyFixture(t)
	hotlineCaseRejected(t, f, svc, "HL-9001")
	if _, err := n.NewWorker("t").RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	admin := f.token("admin")

	var list notificationList
	f.call("GET", "/api/staff/v1/notifications?state=failed", admin, nil, 200, &list)
	if len(list.Items) != 1 || list.Items[0].Event != notify.EventHotlineClosed || list.Items[0].Attempts != 1 ||
		list.Items[0].LastError == "" || list.Items[0].Channels[0] != "hotline" || list.Next != nil {
		t.Fatalf("failed notifications = %+v", list)
	}
	id := list.Items[0].ID

	for _, who := range []string{"head", "clerk", "specA", "supervisor"} {
		f.fail("GET", "/api/staff/v1/notifications", f.token(who), nil, 403)
		f.fail("POST", fmt.Sprintf("/api/staff/v1/notifications/%d/retry", id), f.token(who), nil, 403)
	}
	f.fail("GET", "/api/staff/v1/notifications", "", nil, 401)
	if e := f.fail("GET", "/api/staff/v1/notifications?state=lost", admin, nil, 422); e.Error.Fields["state"] == "" {
		t.Errorf("bad state: %+v", e)
	}
	f.fail("GET", "/api/staff/v1/notifications?before=x", admin, nil, 400)
	f.fail("GET", "/api/staff/v1/notifications?limit=1000", admin, nil, 400)
	f.fail("POST", "/api/staff/v1/notifications/999999/retry", admin, nil, 404)
	f.fail("POST", "/api/staff/v1/notifications/abc/retry", admin, nil, 404)
	f.call("GET", "/api/staff/v1/notifications?state=failed", admin, nil, 200, &list)
	if len(list.Items) != 1 || list.Items[0].State != notify.StateFailed {
		t.Fatalf("refused requests changed the row: %+v", list)
	}

	var res struct {
		ID    int64  `json:"id"`
		State string `json:"state"`
	}
	f.call("POST", fmt.Sprintf("/api/staff/v1/notifications/%d/retry", id), admin, nil, 200, &res)
	if res.ID != id || res.State != "pending" {
		t.Fatalf("retry = %+v", res)
	}
	f.fail("POST", fmt.Sprintf("/api/staff/v1/notifications/%d/retry", id), admin, nil, 409)
	f.call("GET", "/api/staff/v1/notifications?state=pending", admin, nil, 200, &list)
	if len(list.Items) != 1 || list.Items[0].ID != id || list.Items[0].Attempts != 0 {
		t.Fatalf("pending after retry = %+v", list)
	}
	recs, _ := f.db.Audit().Find(context.Background(), audit.Query{Action: "notification.retry"})
	if len(recs) != 1 || recs[0].ObjectID != fmt.Sprint(id) || recs[0].ActorID != f.users["admin"].ID {
		t.Fatalf("audit = %+v", recs)
	}

	for i := range 3 {
		hotlineCaseRejected(t, f, svc, fmt.Sprintf("HL-91%02d", i))
	}
	f.call("GET", "/api/staff/v1/notifications?limit=2", admin, nil, 200, &list)
	if len(list.Items) != 2 || list.Next == nil {
		t.Fatalf("first page = %+v", list)
	}
	first := list.Items[1].ID
	f.call("GET", "/api/staff/v1/notifications?limit=2&cursor="+*list.Next, admin, nil, 200, &list)
	if len(list.Items) != 2 || list.Items[0].ID >= first || list.Next != nil {
		t.Fatalf("second page = %+v", list)
	}
	f.call("GET", fmt.Sprintf("/api/staff/v1/notifications?before=%d", first), admin, nil, 200, &list)
	if len(list.Items) != 2 {
		t.Fatalf("before=%d gave %d rows, want 2", first, len(list.Items))
	}
}

type inboxList struct {
	Items []struct {
		ID     int64  `json:"id"`
		Event  string `json:"event"`
		CaseID *int64 `json:"case_id"`
		Title  string `json:"title"`
		Body   string `json:"body"`
		Read   bool   `json:"read"`
	} `json:"items"`
	Next   *string `json:"next"`
	Unread int     `json:"unread"`
}

func TestStaffInbox(t *testing.T) {
	f, _, _ := newNotifyFixture(t)
	c := f.submitAndAssign("specA")
	spec := f.token("specA")

	var in inboxList
	f.call("GET", "/api/staff/v1/inbox", spec, nil, 200, &in)
	if len(in.Items) != 1 || in.Unread != 1 || in.Items[0].Event != notify.EventNewCase || in.Items[0].Title != "新交办案件" ||
		in.Items[0].CaseID == nil || *in.Items[0].CaseID != c || in.Items[0].Read {
		t.Fatalf("specialist inbox = %+v", in)
	}
	var other inboxList
	f.call("GET", "/api/staff/v1/inbox", f.token("specB"), nil, 200, &other)
	if len(other.Items) != 0 {
		t.Fatalf("another specialist sees %d entries", len(other.Items))
	}
	f.fail("POST", "/api/staff/v1/inbox/read", f.token("specB"), map[string]any{"id": in.Items[0].ID}, 404)
	f.fail("POST", "/api/staff/v1/inbox/read", spec, map[string]any{"id": in.Items[0].ID, "all": true}, 422)
	f.fail("POST", "/api/staff/v1/inbox/read", spec, "{", 400)
	f.fail("POST", "/api/staff/v1/inbox/read", spec, map[string]any{"id": -1}, 422)
	f.fail("GET", "/api/staff/v1/inbox?cursor=zzz", spec, nil, 400)
	f.call("GET", "/api/staff/v1/inbox", spec, nil, 200, &in)
	if in.Unread != 1 {
		t.Fatalf("refused requests marked the entry read")
	}
	if code, body := f.do("POST", "/api/staff/v1/inbox/read", spec, map[string]any{"id": in.Items[0].ID}); code != 204 {
		t.Fatalf("mark read = %d %s", code, body)
	}
	f.call("GET", "/api/staff/v1/inbox", spec, nil, 200, &in)
	if in.Unread != 0 || !in.Items[0].Read {
		t.Fatalf("after read: %+v", in)
	}
	f.fail("GET", "/api/staff/v1/inbox", "", nil, 401)
}

// submitAndAssign takes a window case to assigned for the specialist and
// returns its id.
func (f *staffFixture) submitAndAssign(specialist string) int64 {
	f.t.Helper()
	var c struct {
		ID      int64 `json:"id"`
		Version int   `json:"version"`
	}
	clerk, head := f.token("clerk"), f.token("head")
	f.call("POST", "/api/staff/v1/cases", clerk, map[string]any{"channel": "window", "form": intakeForm()}, 201, &c)
	f.call("POST", fmt.Sprintf("/api/staff/v1/cases/%d/actions/accept", c.ID), clerk,
		map[string]any{"version": c.Version, "service_type": "assist"}, 200, &c)
	f.call("POST", fmt.Sprintf("/api/staff/v1/cases/%d/actions/pass_review", c.ID), clerk,
		map[string]any{"version": c.Version, "content": "齐全", "materials": []string{"申请表"}}, 200, &c)
	f.call("POST", fmt.Sprintf("/api/staff/v1/cases/%d/actions/assign", c.ID), head,
		map[string]any{"version": c.Version, "opinion": "同意", "specialist_id": f.users[specialist].ID}, 200, &c)
	return c.ID
}
