package staffapi_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sunshine/app/audit"
	"sunshine/app/casework"
)

type statsResp struct {
	From       string `json:"from"`
	To         string `json:"to"`
	Submitted  int    `json:"submitted"`
	OverdueNow int    `json:"overdue_now"`
	ByStatus   []struct {
		Key   string `json:"key"`
		Count int    `json:"count"`
	} `json:"by_status"`
	SignedOff struct {
		Completed  int     `json:"completed"`
		Terminated int     `json:"terminated"`
		OnTime     int     `json:"on_time"`
		OnTimeRate float64 `json:"on_time_rate"`
	} `json:"signed_off"`
	Ratings struct {
		Paper   int     `json:"paper"`
		Count   int     `json:"count"`
		Average float64 `json:"average"`
	} `json:"ratings"`
	Specialists []struct {
		Name    string `json:"name"`
		Open    int    `json:"open"`
		Overdue int    `json:"overdue"`
	} `json:"specialists"`
}

func TestStatistics(t *testing.T) {
	f := newStaffFixture(t)
	done := f.caseAt(casework.Completed)  // signed off on time
	f.caseAt(casework.Terminated)         // signed off on time
	late := f.caseAt(casework.InService)  // will run out
	f.submit()                            // still at the window
	rated := f.caseAt(casework.Delivered) // rated 2 from a paper form
	f.call("POST", casePath(rated.ID, "/rating"), f.token("clerk"), map[string]any{"score": 2, "comment": "较慢", "attachment_id": f.scan(rated.ID)}, 200, nil)
	f.clk.add(60 * 24 * 3600 * 1e9) // two months later: late has run out
	f.tokens = map[string]string{}  // and every session has ended
	_ = done

	var sup statsResp
	f.call("GET", "/api/staff/v1/stats?from=2026-03-01&to=2026-03-31", f.token("supervisor"), nil, 200, &sup)
	if sup.Submitted != 5 || sup.OverdueNow != 1 || sup.SignedOff.Completed != 2 || sup.SignedOff.Terminated != 1 ||
		sup.SignedOff.OnTime != 3 || sup.SignedOff.OnTimeRate != 1 || sup.Ratings.Count != 1 || sup.Ratings.Average != 2 ||
		sup.Ratings.Paper != 1 {
		t.Fatalf("report = %+v", sup)
	}
	counts := map[string]int{}
	for _, s := range sup.ByStatus {
		counts[s.Key] = s.Count
	}
	if counts["in_service"] != 1 || counts["submitted"] != 1 || counts["delivered"] != 1 || len(sup.ByStatus) != len(casework.Statuses) {
		t.Fatalf("by status = %v", counts)
	}
	if sup.Specialists != nil {
		t.Fatal("the supervisor sees per-person figures")
	}
	var head statsResp
	f.call("GET", "/api/staff/v1/stats?from=2026-03-01&to=2026-03-31", f.token("head"), nil, 200, &head)
	loads := map[string][2]int{}
	for _, l := range head.Specialists {
		loads[l.Name] = [2]int{l.Open, l.Overdue}
	}
	if got := loads[f.users["specA"].Name]; got != [2]int{1, 1} {
		t.Fatalf("specialist A load = %v (all %v)", got, loads)
	}
	// A period before any case: nothing submitted, but the overdue figure is today's.
	var empty statsResp
	f.call("GET", "/api/staff/v1/stats?from=2026-01-01&to=2026-01-31", f.token("head"), nil, 200, &empty)
	if empty.Submitted != 0 || empty.SignedOff.Completed != 0 || empty.OverdueNow != 1 {
		t.Fatalf("empty period = %+v", empty)
	}

	// The overdue list: case headers only, paginated.
	var list struct {
		Items []map[string]any `json:"items"`
		Next  *string          `json:"next"`
	}
	f.call("GET", "/api/staff/v1/stats/overdue?limit=1", f.token("supervisor"), nil, 200, &list)
	if len(list.Items) != 1 || list.Items[0]["number"] != late.Number || list.Items[0]["days_overdue"].(float64) < 30 || list.Next != nil {
		t.Fatalf("overdue list = %+v", list)
	}
	for k := range list.Items[0] {
		if strings.Contains(k, "phone") || strings.Contains(k, "lead") || strings.Contains(k, "handler") {
			t.Fatalf("overdue list carries personal data: %s", k)
		}
	}
}

func TestStatisticsRefusals(t *testing.T) {
	f := newStaffFixture(t)
	for _, who := range []string{"clerk", "specA", "liaison", "admin"} {
		f.fail("GET", "/api/staff/v1/stats", f.token(who), nil, 403)
		f.fail("GET", "/api/staff/v1/stats/export.xlsx", f.token(who), nil, 403)
		f.fail("GET", "/api/staff/v1/stats/overdue", f.token(who), nil, 403)
	}
	f.fail("GET", "/api/staff/v1/stats", "", nil, 401)
	for _, q := range []string{"from=2026-13-01", "from=2026-03-10&to=2026-03-01", "from=2020-01-01&to=2026-01-01", "to=yesterday"} {
		f.fail("GET", "/api/staff/v1/stats?"+q, f.token("head"), nil, 400)
	}
	f.fail("GET", "/api/staff/v1/stats/overdue?cursor=bogus", f.token("head"), nil, 400)
	denied, err := f.db.Audit().Find(context.Background(), audit.Query{Action: "stats.export", Result: audit.Denied})
	if err != nil || len(denied) != 4 {
		t.Fatalf("denied exports audited: %d, %v", len(denied), err)
	}
}

func TestStatisticsExport(t *testing.T) {
	f := newStaffFixture(t)
	late := f.caseAt(casework.InService)
	f.clk.add(60 * 24 * 3600 * 1e9)
	status, body := f.do("GET", "/api/staff/v1/stats/export.xlsx?from=2026-03-01&to=2026-03-31", f.token("supervisor"), nil)
	if status != 200 {
		t.Fatalf("export: %d %s", status, body)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	if v, _ := x.GetCellValue("汇总", "B4"); v != "1" {
		t.Fatalf("受理申请数 = %q", v)
	}
	if v, _ := x.GetCellValue("超期案件", "A2"); v != late.Number {
		t.Fatalf("overdue sheet first case = %q, want %s", v, late.Number)
	}
	recs, err := f.db.Audit().Find(context.Background(), audit.Query{Action: "stats.export", Result: audit.OK})
	if err != nil || len(recs) != 1 || recs[0].ActorRole != "supervisor" {
		t.Fatalf("export audit = %+v, %v", recs, err)
	}
}
