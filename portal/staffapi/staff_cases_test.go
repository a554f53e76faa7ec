package staffapi_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"sunshine/app/casework"
)

func TestIntakeAndDetail(t *testing.T) {
	f := newStaffFixture(t)
	c := f.submit()
	if c.Status != "submitted" || c.Stage != "intake" || c.Version != 1 || c.Channel != "window" || !strings.HasPrefix(c.Number, "YGDB-2026-") {
		t.Fatalf("new case %+v", c)
	}
	d := f.get("clerk", c.ID)
	if d.Form.Enterprise.Name != "阳光科技有限公司" || d.Form.Enterprise.Lead.Phone != "138****8000" {
		t.Errorf("form = %+v", d.Form)
	}
	if len(d.Timeline) != 1 || d.Timeline[0].Action != "submit" || d.Deadline != nil || d.Rating != nil {
		t.Errorf("timeline %+v deadline %v", d.Timeline, d.Deadline)
	}
	want := map[string]bool{"accept": true, "request_info": true, "reject": true}
	if len(d.Actions) != len(want) {
		t.Errorf("clerk actions = %+v", d.Actions)
	}
	for _, a := range d.Actions {
		if !want[a.Action] {
			t.Errorf("unexpected action %s", a.Action)
		}
	}
	// An intake form with only the basics is enough for a clerk.
	minimal := map[string]any{"enterprise": map[string]any{"name": "某某公司"}, "entrustment": map[string]any{"matters": "咨询立项"}}
	var m caseJSON
	f.call("POST", "/api/staff/v1/cases", f.token("clerk"), map[string]any{"channel": "complaint", "form": minimal}, 201, &m)
	if m.Channel != "complaint" {
		t.Errorf("channel = %s", m.Channel)
	}
}

func TestIntakeBadInputChangesNothing(t *testing.T) {
	f := newStaffFixture(t)
	clerk := f.token("clerk")
	e := f.fail("POST", "/api/staff/v1/cases", clerk, map[string]any{"channel": "miniprogram", "form": validForm()}, 422)
	if e.Error.Fields["channel"] == "" {
		t.Errorf("channel: %+v", e)
	}
	bad := validForm()
	bad["enterprise"].(map[string]any)["credit_code"] = "123"
	bad["enterprise"].(map[string]any)["name"] = ""
	e = f.fail("POST", "/api/staff/v1/cases", clerk, map[string]any{"channel": "window", "form": bad}, 422)
	if e.Error.Fields["enterprise.credit_code"] == "" || e.Error.Fields["enterprise.name"] == "" {
		t.Errorf("form fields: %+v", e.Error.Fields)
	}
	e = f.fail("POST", "/api/staff/v1/cases", clerk, map[string]any{"channel": "window", "form": validForm(), "status": "archived"}, 422)
	if e.Error.Fields["status"] == "" {
		t.Errorf("mass assignment not refused: %+v", e)
	}
	f.fail("POST", "/api/staff/v1/cases", clerk, `{"channel":"window","form":{"enterprise":{"nmae":"x"}}}`, 422)
	f.fail("POST", "/api/staff/v1/cases", clerk, `not json`, 400)
	f.fail("POST", "/api/staff/v1/cases", clerk, `{"channel":"window"} {"x":1}`, 400)
	big := `{"channel":"window","form":{"entrustment":{"remarks":"` + strings.Repeat("长", 400000) + `"}}}`
	f.fail("POST", "/api/staff/v1/cases", clerk, big, 413)
	// The head may not type in cases.
	f.fail("POST", "/api/staff/v1/cases", f.token("head"), map[string]any{"channel": "window", "form": validForm()}, 403)
	var list struct {
		Items []caseJSON `json:"items"`
	}
	f.call("GET", "/api/staff/v1/cases", clerk, nil, 200, &list)
	if len(list.Items) != 0 {
		t.Errorf("refused requests stored %d cases", len(list.Items))
	}
}

func TestCrossSpecialistAndDepartmentIs404(t *testing.T) {
	f := newStaffFixture(t)
	c := f.caseAt(casework.InService) // assigned to specA
	f.addMatter(c.ID, f.users["liaison"].Department)
	f.get("specA", c.ID)
	f.get("liaison", c.ID)
	note := map[string]any{"version": c.Version, "note": "越权记录"}
	for _, who := range []string{"specB", "liaisonB"} {
		if e := f.fail("GET", casePath(c.ID, ""), f.token(who), nil, 404); e.Error.Code != "not_found" {
			t.Errorf("%s GET: %+v", who, e)
		}
		f.fail("POST", casePath(c.ID, "/actions/record"), f.token(who), note, 404)
	}
	// The answer is the same as for a case that does not exist.
	missing := f.fail("GET", casePath(987654321, ""), f.token("specB"), nil, 404)
	hidden := f.fail("GET", casePath(c.ID, ""), f.token("specB"), nil, 404)
	if missing.Error.Message != hidden.Error.Message {
		t.Errorf("hidden %q vs missing %q", hidden.Error.Message, missing.Error.Message)
	}
	// Lists are scoped the same way.
	for who, want := range map[string]int{"specA": 1, "specB": 0, "liaison": 1, "liaisonB": 0, "clerk": 1, "head": 1} {
		var list struct {
			Items []caseJSON `json:"items"`
		}
		f.call("GET", "/api/staff/v1/cases", f.token(who), nil, 200, &list)
		if len(list.Items) != want {
			t.Errorf("%s lists %d cases, want %d", who, len(list.Items), want)
		}
	}
	if got := f.get("clerk", c.ID); got.Version != c.Version {
		t.Errorf("refused record moved the case to v%d", got.Version)
	}
	// Supervisor and admin see no case content at all.
	for _, who := range []string{"supervisor", "admin"} {
		f.fail("GET", casePath(c.ID, ""), f.token(who), nil, 403)
		f.fail("GET", "/api/staff/v1/cases", f.token(who), nil, 403)
	}
}

func TestActionConflictsAndValidation(t *testing.T) {
	f := newStaffFixture(t)
	c := f.submit()
	clerk := f.token("clerk")
	accept := casePath(c.ID, "/actions/accept")
	// Missing payload → 422 naming the field.
	e := f.fail("POST", accept, clerk, map[string]any{"version": c.Version}, 422)
	if e.Error.Fields["service_type"] == "" {
		t.Errorf("missing service_type: %+v", e)
	}
	e = f.fail("POST", accept, clerk, map[string]any{"service_type": "assist"}, 422)
	if e.Error.Fields["version"] == "" {
		t.Errorf("missing version: %+v", e)
	}
	e = f.fail("POST", accept, clerk, map[string]any{"version": "one", "service_type": "assist"}, 422)
	if e.Error.Fields["version"] == "" {
		t.Errorf("bad version: %+v", e)
	}
	e = f.fail("POST", accept, clerk, map[string]any{"version": c.Version, "service_type": "assist", "bogus": 1}, 422)
	if e.Error.Fields["bogus"] == "" {
		t.Errorf("unknown payload field: %+v", e)
	}
	// Stale version → 409.
	e = f.fail("POST", accept, clerk, map[string]any{"version": c.Version + 5, "service_type": "assist"}, 409)
	if e.Error.Code != "conflict" {
		t.Errorf("stale: %+v", e)
	}
	// Invalid transition → 409 naming the current status.
	e = f.fail("POST", casePath(c.ID, "/actions/pass_review"), clerk, map[string]any{"version": c.Version, "content": "x", "materials": []string{"a"}}, 409)
	if !strings.Contains(e.Error.Message, casework.Submitted.Label()) {
		t.Errorf("invalid transition message %q does not name %q", e.Error.Message, casework.Submitted.Label())
	}
	// Unknown action → 404; a bad id → 404.
	f.fail("POST", casePath(c.ID, "/actions/teleport"), clerk, map[string]any{"version": c.Version}, 404)
	f.fail("POST", "/api/staff/v1/cases/abc/actions/accept", clerk, map[string]any{"version": 1}, 404)
	// None of it changed the case.
	if got := f.get("clerk", c.ID); got.Version != 1 || got.Status != "submitted" || len(got.Timeline) != 1 {
		t.Errorf("refused requests changed the case: %+v", got)
	}
	// Two clerks acting on the same version: one wins, the other gets 409.
	f.act("clerk", c, casework.ActionAccept, map[string]any{"service_type": "assist", "promised_days": 10})
	f.fail("POST", casePath(c.ID, "/actions/request_info"), clerk, map[string]any{"version": c.Version, "reason": "缺材料"}, 409)
	// An archived case is read-only.
	a := f.caseAt(casework.Archived)
	f.fail("POST", casePath(a.ID, "/actions/record"), f.token("specA"), map[string]any{"version": a.Version, "note": "x"}, 409)
	if got := f.get("specA", a.ID); len(got.Actions) != 0 {
		t.Errorf("archived case offers %+v", got.Actions)
	}
}

func TestDetailShowsInternalTimelineAndDeadline(t *testing.T) {
	f := newStaffFixture(t)
	c := f.caseAt(casework.InService)
	c = f.act("specA", c, casework.ActionRecord, map[string]any{"note": "内部备注", "public": false})
	d := f.get("head", c.ID)
	last := d.Timeline[len(d.Timeline)-1]
	if last.Action != "record" || last.Public {
		t.Errorf("internal record missing from the staff timeline: %+v", last)
	}
	if d.Deadline == nil || d.Specialist == nil || d.Specialist.ID != f.users["specA"].ID || d.Stage != "tracking" {
		t.Errorf("detail %+v", d)
	}
	// Overdue once the clock passes the deadline.
	f.clk.add(60 * 24 * time.Hour)
	f.tokens = map[string]string{} // the sessions ended long ago
	if d := f.get("head", c.ID); !d.Overdue {
		t.Errorf("not overdue 60 days later (deadline %v)", *d.Deadline)
	}
	var list struct {
		Items []caseJSON `json:"items"`
	}
	f.call("GET", "/api/staff/v1/cases?overdue=true", f.token("head"), nil, 200, &list)
	if len(list.Items) != 1 || list.Items[0].ID != c.ID {
		t.Errorf("overdue list = %+v", list.Items)
	}
}

func TestListFiltersAndCursor(t *testing.T) {
	f := newStaffFixture(t)
	var ids []int64
	for i := 0; i < 5; i++ {
		ids = append(ids, f.submit().ID)
	}
	reviewing := f.act("clerk", f.get("clerk", ids[0]), casework.ActionAccept, nil)
	head := f.token("head")
	type page struct {
		Items []caseJSON `json:"items"`
		Next  *string    `json:"next"`
	}
	var seen []int64
	path := "/api/staff/v1/cases?limit=2"
	for n := 0; ; n++ {
		var p page
		f.call("GET", path, head, nil, 200, &p)
		for _, it := range p.Items {
			seen = append(seen, it.ID)
		}
		if p.Next == nil {
			break
		}
		if n > 5 {
			t.Fatal("pagination does not end")
		}
		path = "/api/staff/v1/cases?limit=2&cursor=" + url.QueryEscape(*p.Next)
	}
	if fmt.Sprint(seen) != fmt.Sprint([]int64{ids[4], ids[3], ids[2], ids[1], ids[0]}) {
		t.Errorf("pages = %v, want newest first %v", seen, ids)
	}
	var full page
	f.call("GET", "/api/staff/v1/cases?limit=100", head, nil, 200, &full)
	if len(full.Items) != 5 || full.Next != nil {
		t.Errorf("limit=100: %d items, next %v", len(full.Items), full.Next)
	}
	f.fail("GET", "/api/staff/v1/cases?cursor=garbage", head, nil, 400)
	f.fail("GET", "/api/staff/v1/cases?status=flying", head, nil, 400)
	f.fail("GET", "/api/staff/v1/cases?mine=maybe", head, nil, 400)
	f.fail("GET", "/api/staff/v1/cases?limit=1000", head, nil, 400)
	var p page
	f.call("GET", "/api/staff/v1/cases?status=reviewing,needs_info", head, nil, 200, &p)
	if len(p.Items) != 1 || p.Items[0].ID != reviewing.ID {
		t.Errorf("status filter = %+v", p.Items)
	}
	f.call("GET", "/api/staff/v1/cases?q="+url.QueryEscape(reviewing.Number), head, nil, 200, &p)
	if len(p.Items) != 1 || p.Items[0].ID != reviewing.ID {
		t.Errorf("q by number = %+v", p.Items)
	}
	f.call("GET", "/api/staff/v1/cases?q="+url.QueryEscape("阳光科技"), head, nil, 200, &p)
	if len(p.Items) != 5 {
		t.Errorf("q by enterprise name = %d items", len(p.Items))
	}
	// mine: the head has not acted on any case yet, the clerk on all.
	f.call("GET", "/api/staff/v1/cases?mine=true", head, nil, 200, &p)
	if len(p.Items) != 0 {
		t.Errorf("head's own cases = %d", len(p.Items))
	}
	f.call("GET", "/api/staff/v1/cases?mine=true", f.token("clerk"), nil, 200, &p)
	if len(p.Items) != 5 {
		t.Errorf("clerk's own cases = %d", len(p.Items))
	}
}
