package staffapi_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sunshine/app/audit"
	"sunshine/app/casework"
)

type listResp struct {
	Items []caseJSON `json:"items"`
	Next  *string    `json:"next"`
}

// listIDs reads one page of the staff case list.
func (f *staffFixture) listIDs(who, query string) ([]int64, *string) {
	f.t.Helper()
	var l listResp
	f.call("GET", "/api/staff/v1/cases?"+query, f.token(who), nil, 200, &l)
	ids := make([]int64, len(l.Items))
	for i, c := range l.Items {
		ids[i] = c.ID
	}
	return ids, l.Next
}

// submitAs types in a case with another company and project.
func (f *staffFixture) submitAs(channel, company, project, creditCode string) caseJSON {
	f.t.Helper()
	form := validForm()
	form["enterprise"].(map[string]any)["name"] = company
	form["enterprise"].(map[string]any)["credit_code"] = creditCode
	form["project"].(map[string]any)["name"] = project
	var c caseJSON
	f.call("POST", "/api/staff/v1/cases", f.token("clerk"), map[string]any{"channel": channel, "form": form}, 201, &c)
	return c
}

func TestCaseListFiltersAndSort(t *testing.T) {
	f := newStaffFixture(t)
	fish := f.submitAs("hotline", "海陵岛渔业合作社", "渔港冷链仓储", casework.CreditCodeWithCheck("93441700MA4X5Y6W7"))
	slow := f.caseAt(casework.InService) // promised 1 working day: deadline 03-03
	f.clk.add(24 * time.Hour)
	f.tokens = map[string]string{}
	later := f.caseAt(casework.InService) // deadline 03-04
	assigned := f.caseAt(casework.Assigned)
	want := func(name string, got []int64, ids ...int64) {
		t.Helper()
		if !slices.Equal(got, ids) {
			t.Errorf("%s = %v, want %v", name, got, ids)
		}
	}
	q := func(who, query string) []int64 { ids, _ := f.listIDs(who, query); return ids }

	want("q=project substring", q("clerk", "q="+url.QueryEscape("冷链")), fish.ID)
	want("q=company", q("clerk", "q="+url.QueryEscape("海陵岛")), fish.ID)
	want("q=number", q("clerk", "q="+fish.Number), fish.ID)
	want("q=credit code", q("clerk", "q="+casework.CreditCodeWithCheck("93441700MA4X5Y6W7")), fish.ID)
	want("channel=hotline", q("clerk", "channel=hotline"), fish.ID)
	want("stage=tracking", q("head", "stage=tracking"), assigned.ID, later.ID, slow.ID)
	want("stage+status", q("head", "stage=tracking&status=assigned,submitted"), assigned.ID)
	want("stage and a status outside it", q("head", "stage=intake&status=assigned"))
	want("service_type=undecided", q("clerk", "service_type=undecided"), fish.ID)
	want("specialist", q("head", fmt.Sprintf("specialist=%d", f.users["specA"].ID)), assigned.ID, later.ID, slow.ID)
	want("deadline range", q("head", "deadline_from=2026-03-04&deadline_to=2026-03-31"), assigned.ID, later.ID)
	// Deadline first, then the older case; no deadline, not listed.
	want("sort=deadline", q("head", "sort=deadline"), slow.ID, later.ID, assigned.ID)
	// A specialist's filter never widens the specialist's own scope.
	want("specB filters by A", q("specB", fmt.Sprintf("specialist=%d", f.users["specA"].ID)))

	// The deadline order pages with its own cursor.
	first, next := f.listIDs("head", "sort=deadline&limit=1")
	want("deadline page 1", first, slow.ID)
	if next == nil {
		t.Fatal("no next page in deadline order")
	}
	second, next := f.listIDs("head", "sort=deadline&limit=1&cursor="+*next)
	want("deadline page 2", second, later.ID)
	third, end := f.listIDs("head", "sort=deadline&limit=1&cursor="+*next)
	want("deadline page 3", third, assigned.ID)
	if end != nil {
		t.Errorf("a third page: %v", *end)
	}
	// The newest order keeps paging by id.
	page1, n1 := f.listIDs("head", "limit=2")
	page2, _ := f.listIDs("head", "limit=2&cursor="+*n1)
	if len(page1) != 2 || len(page2) != 2 || page1[1] <= page2[0] {
		t.Errorf("newest pages %v %v", page1, page2)
	}

	for _, bad := range []string{"stage=nowhere", "channel=fax", "service_type=both", "specialist=-1", "deadline_from=2026-3-1",
		"sort=oldest", "status=lost", "sort=deadline&cursor=" + *n1, "overdue=maybe"} {
		f.fail("GET", "/api/staff/v1/cases?"+bad, f.token("head"), nil, 400)
	}
}

func TestCaseListExport(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	fish := f.submitAs("hotline", "海陵岛渔业合作社", "渔港冷链仓储", casework.CreditCodeWithCheck("93441700MA4X5Y6W7"))
	mine := f.caseAt(casework.InService)
	f.submit()

	open := func(who, query string) [][]string {
		t.Helper()
		status, body := f.do("GET", "/api/staff/v1/cases/export.xlsx?"+query, f.token(who), nil)
		if status != 200 {
			t.Fatalf("%s export: %d %s", who, status, body)
		}
		x, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("not a workbook: %v", err)
		}
		rows, err := x.GetRows("案件列表")
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	rows := open("clerk", "channel=hotline")
	if len(rows) != 2 || rows[0][0] != "受理编号" || rows[1][0] != fish.Number || rows[1][4] != "2135热线" {
		t.Fatalf("clerk's hotline export = %v", rows)
	}
	if all := open("clerk", ""); len(all) != 4 {
		t.Fatalf("clerk's export has %d rows, want 3 cases and the header", len(all))
	}
	for _, line := range open("clerk", "") {
		if strings.Contains(strings.Join(line, " "), "13800138000") {
			t.Fatal("the export carries a phone number")
		}
	}
	// Scoped to the role: specialist B holds nothing, specialist A one case.
	if rows := open("specB", ""); len(rows) != 1 {
		t.Fatalf("specialist B exports %v", rows)
	}
	if rows := open("specA", ""); len(rows) != 2 || rows[1][0] != mine.Number {
		t.Fatalf("specialist A exports %v", rows)
	}
	for _, who := range []string{"supervisor", "admin"} {
		f.fail("GET", "/api/staff/v1/cases/export.xlsx", f.token(who), nil, 403)
	}
	f.fail("GET", "/api/staff/v1/cases/export.xlsx?channel=fax", f.token("clerk"), nil, 400)
	recs, err := f.db.Audit().Find(ctx, audit.Query{Action: "case.export", Result: audit.OK})
	if err != nil || len(recs) != 5 {
		t.Fatalf("exports audited %d times, want 5 (%v)", len(recs), err)
	}
	if !strings.Contains(recs[len(recs)-1].Detail+recs[0].Detail, "channel=hotline") {
		t.Errorf("the export's filter is not in the audit trail: %q / %q", recs[0].Detail, recs[len(recs)-1].Detail)
	}
}

type changesResp struct {
	Items []struct {
		ID        int64     `json:"id"`
		Version   int       `json:"version"`
		Status    string    `json:"status"`
		UpdatedAt time.Time `json:"updated_at"`
	} `json:"items"`
	Next string `json:"next"`
	More bool   `json:"more"`
}

func TestCaseChangeFeed(t *testing.T) {
	f := newStaffFixture(t)
	a := f.caseAt(casework.InService)
	b := f.submit()

	var all changesResp
	f.call("GET", "/api/staff/v1/cases/changes", f.token("specA"), nil, 200, &all)
	if len(all.Items) != 1 || all.Items[0].ID != a.ID || all.Items[0].Version != a.Version || all.Next == "" {
		t.Fatalf("specialist A's first poll = %+v", all)
	}
	var none changesResp
	f.call("GET", "/api/staff/v1/cases/changes?since="+all.Next, f.token("specA"), nil, 200, &none)
	if len(none.Items) != 0 || none.Next != all.Next {
		t.Fatalf("nothing changed, yet %+v", none)
	}
	// The clerk sees both; paging by one.
	var p1, p2 changesResp
	f.call("GET", "/api/staff/v1/cases/changes?limit=1", f.token("clerk"), nil, 200, &p1)
	f.call("GET", "/api/staff/v1/cases/changes?limit=1&since="+p1.Next, f.token("clerk"), nil, 200, &p2)
	if len(p1.Items) != 1 || !p1.More || p1.Items[0].ID != a.ID || len(p2.Items) != 1 || p2.Items[0].ID != b.ID || p2.More {
		t.Fatalf("clerk's pages %+v %+v", p1, p2)
	}

	// A change moves the case to the end of the feed with its new version.
	f.clk.add(time.Minute)
	rec := f.act("specA", a, casework.ActionRecord, map[string]any{"note": "与企业电话沟通"})
	var changed changesResp
	f.call("GET", "/api/staff/v1/cases/changes?since="+all.Next, f.token("specA"), nil, 200, &changed)
	if len(changed.Items) != 1 || changed.Items[0].Version != rec.Version || rec.Version != a.Version+1 {
		t.Fatalf("after the record: %+v (version %d)", changed, rec.Version)
	}
	// since as a time: changes at or after it.
	at := url.QueryEscape(f.clk.now().Format(time.RFC3339Nano))
	f.call("GET", "/api/staff/v1/cases/changes?since="+at, f.token("clerk"), nil, 200, &changed)
	if len(changed.Items) != 1 || changed.Items[0].ID != a.ID {
		t.Fatalf("since a time: %+v", changed)
	}

	var v struct {
		ID      int64  `json:"id"`
		Version int    `json:"version"`
		Status  string `json:"status"`
	}
	f.call("GET", casePath(a.ID, "/version"), f.token("specA"), nil, 200, &v)
	if v.ID != a.ID || v.Version != rec.Version || v.Status != "in_service" {
		t.Fatalf("version = %+v", v)
	}
	f.fail("GET", casePath(a.ID, "/version"), f.token("specB"), nil, 404)
	f.fail("GET", casePath(a.ID, "/version"), f.token("supervisor"), nil, 403)
	f.fail("GET", "/api/staff/v1/cases/changes", f.token("supervisor"), nil, 403)
	f.fail("GET", "/api/staff/v1/cases/changes?since=yesterday", f.token("clerk"), nil, 400)
	f.fail("GET", "/api/staff/v1/cases/changes?sort=deadline", f.token("clerk"), nil, 400)
}

// TestWorkbenchRoutesNeedASession walks every route of this file's
// neighbours (the workbench APIs) without credentials.
func TestWorkbenchRoutesNeedASession(t *testing.T) {
	f := newStaffFixture(t)
	c := f.submit()
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/staff/v1/stats/series"}, {"GET", "/api/staff/v1/specialists/load"},
		{"GET", "/api/staff/v1/cases/changes"}, {"GET", "/api/staff/v1/cases/export.xlsx"},
		{"GET", casePath(c.ID, "/version")},
		{"GET", "/api/staff/v1/departments"}, {"POST", "/api/staff/v1/departments"},
		{"PUT", "/api/staff/v1/departments/1"}, {"POST", "/api/staff/v1/departments/1/disable"},
		{"POST", "/api/staff/v1/departments/1/enable"}, {"DELETE", "/api/staff/v1/departments/1"},
		{"GET", "/api/staff/v1/bulletins"}, {"POST", "/api/staff/v1/bulletins"}, {"GET", "/api/staff/v1/bulletins/1"},
		{"GET", "/api/staff/v1/templates"}, {"PUT", "/api/staff/v1/templates/accepted/subscribe"},
		{"DELETE", "/api/staff/v1/templates/accepted/subscribe"},
	} {
		if got, body := f.do(r.method, r.path, "", nil); got != 401 {
			t.Errorf("%s %s without a session = %d %s", r.method, r.path, got, body)
		}
	}
}
