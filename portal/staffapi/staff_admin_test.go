package staffapi_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"sunshine/app/casework"
)

func TestCalendarAdmin(t *testing.T) {
	f := newStaffFixture(t)
	admin := f.token("admin")
	type years struct {
		Items []struct {
			Year     int `json:"year"`
			Holidays int `json:"holidays"`
			Workdays int `json:"workdays"`
		} `json:"items"`
	}
	var ys years
	f.call("GET", "/api/staff/v1/calendar/years", f.token("clerk"), nil, 200, &ys)
	if len(ys.Items) != 2 || ys.Items[0].Year != 2025 || ys.Items[1].Year != 2026 || ys.Items[1].Holidays == 0 {
		t.Fatalf("years = %+v", ys.Items)
	}
	var y2026 struct {
		Year int `json:"year"`
		Days []struct {
			Date string `json:"date"`
			Kind string `json:"kind"`
		} `json:"days"`
	}
	f.call("GET", "/api/staff/v1/calendar/2026", admin, nil, 200, &y2026)
	if y2026.Year != 2026 || len(y2026.Days) == 0 {
		t.Fatalf("2026 = %+v", y2026)
	}

	// From November the admin is warned while next year is missing.
	f.clk.set(time.Date(2026, 11, 5, 9, 0, 0, 0, casework.ChinaTime))
	f.tokens = map[string]string{}
	admin = f.token("admin")
	var st struct {
		Year    int    `json:"year"`
		Missing bool   `json:"missing"`
		Warning string `json:"warning"`
	}
	f.call("GET", "/api/staff/v1/calendar/status", admin, nil, 200, &st)
	if st.Year != 2027 || !st.Missing || st.Warning == "" {
		t.Fatalf("status = %+v", st)
	}

	// Bad days: per-field messages, nothing stored.
	bad := map[string]any{"days": []map[string]any{
		{"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
		{"date": "2026-12-31", "kind": "holiday"},
		{"date": "2027-01-04", "kind": "workday"}, // a Monday
		{"date": "2027-01-01", "kind": "holiday"},
		{"date": "2027-13-01", "kind": "holiday"},
		{"date": "2027-02-01", "kind": "party"},
	}}
	e := f.fail("PUT", "/api/staff/v1/calendar/2027", admin, bad, 422)
	for _, k := range []string{"days[1].date", "days[2].kind", "days[3].date", "days[4].date", "days[5].kind"} {
		if e.Error.Fields[k] == "" {
			t.Errorf("no message for %s: %v", k, e.Error.Fields)
		}
	}
	f.fail("PUT", "/api/staff/v1/calendar/2027", admin, map[string]any{"days": []any{}}, 422)
	f.fail("PUT", "/api/staff/v1/calendar/1900", admin, map[string]any{"days": []any{}}, 400)
	for _, who := range []string{"clerk", "head", "supervisor"} {
		f.fail("PUT", "/api/staff/v1/calendar/2027", f.token(who), map[string]any{"days": []map[string]any{{"date": "2027-01-01", "kind": "holiday"}}}, 403)
	}
	f.call("GET", "/api/staff/v1/calendar/status", admin, nil, 200, &st)
	if !st.Missing {
		t.Fatal("refused edits stored a calendar")
	}

	// 2027-01-01 is a Friday: a holiday; 2027-01-09 (a Saturday) a make-up working day.
	good := map[string]any{"source": "国务院办公厅通知（测试）", "days": []map[string]any{
		{"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
		{"date": "2027-01-09", "kind": "workday", "name": "元旦调休"},
	}}
	before := f.cal.AddWorkingDays(time.Date(2026, 12, 31, 0, 0, 0, 0, casework.ChinaTime), 1)
	f.call("PUT", "/api/staff/v1/calendar/2027", admin, good, 200, nil)
	f.call("GET", "/api/staff/v1/calendar/status", admin, nil, 200, &st)
	if st.Missing {
		t.Errorf("still missing after PUT: %+v", st)
	}
	// The in-memory calendar was reloaded: the day after 12-31 is no longer 01-01.
	after := f.cal.AddWorkingDays(time.Date(2026, 12, 31, 0, 0, 0, 0, casework.ChinaTime), 1)
	if casework.DateOf(before) != "2027-01-01" || casework.DateOf(after) != "2027-01-04" {
		t.Errorf("next working day after 2026-12-31: before %s, after %s", casework.DateOf(before), casework.DateOf(after))
	}
	f.call("GET", "/api/staff/v1/calendar/years", admin, nil, 200, &ys)
	if len(ys.Items) != 3 || ys.Items[2].Year != 2027 || ys.Items[2].Holidays != 1 || ys.Items[2].Workdays != 1 {
		t.Errorf("years after PUT = %+v", ys.Items)
	}
	f.fail("GET", "/api/staff/v1/calendar/notayear", admin, nil, 404)
}

func TestAuditQuery(t *testing.T) {
	f := newStaffFixture(t)
	c := f.submit()
	f.login(f.username("head"), "wrong-password1")
	admin := f.token("auditor") // 三员分立: the auditor reads the log, the admin does not
	type rec struct {
		ID        int64  `json:"id"`
		Action    string `json:"action"`
		Result    string `json:"result"`
		ActorID   int64  `json:"actor_id"`
		ObjectID  string `json:"object_id"`
		IP        string `json:"ip"`
		RequestID string `json:"request_id"`
	}
	var list struct {
		Items []rec   `json:"items"`
		Next  *string `json:"next"`
	}
	f.call("GET", "/api/staff/v1/audit?action=staff.login", admin, nil, 200, &list)
	results := map[string]int{}
	for _, r := range list.Items {
		results[r.Result]++
		if r.IP != f.ip || r.RequestID == "" {
			t.Errorf("record without ip or request id: %+v", r)
		}
	}
	if results["ok"] != 2 || results["failed"] != 1 {
		t.Errorf("login records = %v", results)
	}
	f.call("GET", fmt.Sprintf("/api/staff/v1/audit?object_type=case&object_id=%d", c.ID), admin, nil, 200, &list)
	if len(list.Items) != 1 || list.Items[0].Action != "case.submit" || list.Items[0].ActorID != f.users["clerk"].ID {
		t.Errorf("case records = %+v", list.Items)
	}
	f.call("GET", fmt.Sprintf("/api/staff/v1/audit?actor_id=%d&limit=1", f.users["clerk"].ID), admin, nil, 200, &list)
	if len(list.Items) != 1 || list.Next == nil {
		t.Fatalf("first page = %+v", list)
	}
	first := list.Items[0].ID
	f.call("GET", fmt.Sprintf("/api/staff/v1/audit?actor_id=%d&limit=1&cursor=%s", f.users["clerk"].ID, *list.Next), admin, nil, 200, &list)
	if len(list.Items) != 1 || list.Items[0].ID >= first {
		t.Errorf("second page = %+v", list.Items)
	}
	f.call("GET", fmt.Sprintf("/api/staff/v1/audit?before=%d", first), admin, nil, 200, &list)
	for _, r := range list.Items {
		if r.ID >= first {
			t.Errorf("before=%d returned %d", first, r.ID)
		}
	}
	from := url.QueryEscape(f.clk.now().Add(time.Hour).Format(time.RFC3339))
	f.call("GET", "/api/staff/v1/audit?from="+from, admin, nil, 200, &list)
	if len(list.Items) != 0 {
		t.Errorf("records from the future: %+v", list.Items)
	}
	f.fail("GET", "/api/staff/v1/audit?from=yesterday", admin, nil, 400)
	f.fail("GET", "/api/staff/v1/audit?actor_id=-1", admin, nil, 400)
	for _, who := range []string{"clerk", "head", "supervisor", "specA", "admin"} {
		f.fail("GET", "/api/staff/v1/audit", f.token(who), nil, 403)
		f.fail("GET", "/api/staff/v1/audit/export.csv", f.token(who), nil, 403)
	}
	// The denials were audited too, and so were the auditor's own queries.
	f.call("GET", "/api/staff/v1/audit?action=audit.query&result=denied", admin, nil, 200, &list)
	if len(list.Items) != 5 {
		t.Errorf("denied audit queries recorded = %d, want 5", len(list.Items))
	}
	f.call("GET", "/api/staff/v1/audit?action=audit.query&result=ok", admin, nil, 200, &list)
	if len(list.Items) < 7 || list.Items[0].ActorID != f.users["auditor"].ID {
		t.Errorf("the auditor's queries recorded = %+v", list.Items)
	}
}
