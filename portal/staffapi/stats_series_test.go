package staffapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"sunshine/app/audit"
	"sunshine/app/casework"
)

type seriesResp struct {
	From         string     `json:"from"`
	To           string     `json:"to"`
	Months       []string   `json:"months"`
	New          []int      `json:"new"`
	Closed       []int      `json:"closed"`
	Completed    []int      `json:"completed"`
	Terminated   []int      `json:"terminated"`
	OnTime       []int      `json:"on_time"`
	OnTimeRate   []*float64 `json:"on_time_rate"`
	Satisfaction struct {
		Distribution []struct {
			Key   string `json:"key"`
			Count int    `json:"count"`
		} `json:"distribution"`
		Count   []int      `json:"count"`
		Average []*float64 `json:"average"`
		ByMonth [][5]int   `json:"by_month"`
	} `json:"satisfaction"`
	Channels []struct {
		Key   string `json:"key"`
		Count int    `json:"count"`
	} `json:"channels"`
	Workload []struct {
		ID      int64  `json:"id"`
		Name    string `json:"name"`
		Open    int    `json:"open"`
		Closed  int    `json:"closed"`
		Overdue int    `json:"overdue"`
	} `json:"workload"`
	Departments []struct {
		Department  string `json:"department"`
		Matters     int    `json:"matters"`
		DoneLate    int    `json:"done_late"`
		OverdueOpen int    `json:"overdue_open"`
	} `json:"departments"`
}

// matterRow inserts a department matter as it stands (the matters API is
// tested elsewhere; the series only count rows).
func (f *staffFixture) matterRow(caseID int64, dept, deadline, status string, created, updated time.Time) {
	f.t.Helper()
	err := f.db.W.Exec("INSERT INTO department_matters (case_id, department, name, deadline, status, created_by, created_at, updated_at) VALUES (?, ?, '施工许可', ?, ?, 0, ?, ?)",
		caseID, dept, deadline, status, created.UTC(), updated.UTC()).Error
	if err != nil {
		f.t.Fatal(err)
	}
}

func TestStatsSeries(t *testing.T) {
	f := newStaffFixture(t)
	// March 2026: three cases signed off on time (one terminated), the
	// delivered one rated 5 from a paper form.
	done := f.caseAt(casework.Completed)
	f.caseAt(casework.Terminated)
	rated := f.caseAt(casework.Delivered)
	f.call("POST", casePath(rated.ID, "/rating"), f.token("clerk"), map[string]any{"score": 5, "attachment_id": f.scan(rated.ID)}, 200, nil)
	// Half past midnight of April 1 in China is April (UTC still says March 31).
	f.clk.set(time.Date(2026, 4, 1, 0, 30, 0, 0, casework.ChinaTime))
	f.tokens = map[string]string{}
	late := f.caseAt(casework.Closing) // deadline in April
	f.tokens = map[string]string{}
	// May 2026: the late case is signed off after its deadline; a hotline case arrives.
	f.clk.set(time.Date(2026, 5, 20, 10, 0, 0, 0, casework.ChinaTime))
	f.act("head", late, casework.ActionSignOff, nil)
	var hot caseJSON
	f.call("POST", "/api/staff/v1/cases", f.token("clerk"), map[string]any{"channel": "hotline", "form": validForm()}, 201, &hot)
	open := f.caseAt(casework.InService)
	// Department matters: one finished late in May, one open past its deadline.
	march := time.Date(2026, 3, 10, 9, 0, 0, 0, casework.ChinaTime)
	f.matterRow(done.ID, "市自然资源局", "2026-05-01", "done", march, f.clk.now())
	f.matterRow(open.ID, "市住房和城乡建设局", "2026-05-19", "pending", f.clk.now(), f.clk.now())
	f.matterRow(open.ID, "市住房和城乡建设局", "2026-06-30", "pending", f.clk.now(), f.clk.now())

	var head seriesResp
	f.call("GET", "/api/staff/v1/stats/series?to=2026-05&months=3", f.token("head"), nil, 200, &head)
	if strings.Join(head.Months, ",") != "2026-03,2026-04,2026-05" || head.From != "2026-03" || head.To != "2026-05" {
		t.Fatalf("months = %v", head.Months)
	}
	if want := []int{3, 1, 2}; !equalInts(head.New, want) {
		t.Errorf("new = %v, want %v", head.New, want)
	}
	if want := []int{3, 0, 1}; !equalInts(head.Closed, want) {
		t.Errorf("closed = %v, want %v", head.Closed, want)
	}
	if !equalInts(head.Terminated, []int{1, 0, 0}) || !equalInts(head.OnTime, []int{3, 0, 0}) {
		t.Errorf("terminated %v on time %v", head.Terminated, head.OnTime)
	}
	if r := head.OnTimeRate; r[0] == nil || *r[0] != 1 || r[1] != nil || r[2] == nil || *r[2] != 0 {
		t.Errorf("on-time rate = %v", r)
	}
	if s := head.Satisfaction; !equalInts(s.Count, []int{1, 0, 0}) || s.Distribution[0].Key != "5" || s.Distribution[0].Count != 1 ||
		s.Average[0] == nil || *s.Average[0] != 5 || s.Average[1] != nil || s.ByMonth[0] != [5]int{0, 0, 0, 0, 1} {
		t.Errorf("satisfaction = %+v", s)
	}
	ch := map[string]int{}
	for _, c := range head.Channels {
		ch[c.Key] = c.Count
	}
	if ch["window"] != 5 || ch["hotline"] != 1 || len(head.Channels) != len(casework.Channels) {
		t.Errorf("channels = %v", ch)
	}
	var a struct{ open, closed int }
	for _, w := range head.Workload {
		if w.ID == f.users["specA"].ID {
			a.open, a.closed = w.Open, w.Closed
			if w.Name != f.users["specA"].Name {
				t.Errorf("head sees workload name %q", w.Name)
			}
		}
	}
	if a.open != 1 || a.closed != 4 {
		t.Errorf("specialist A workload = %+v (all %+v)", a, head.Workload)
	}
	if d := head.Departments; len(d) != 2 || d[0].Department != "市住房和城乡建设局" || d[0].OverdueOpen != 1 || d[0].Matters != 2 ||
		d[1].Department != "市自然资源局" || d[1].DoneLate != 1 || d[1].Matters != 1 {
		t.Errorf("departments = %+v", d)
	}

	// The supervisor: the same numbers, no name and no id of anyone.
	status, raw := f.do("GET", "/api/staff/v1/stats/series?to=2026-05&months=3", f.token("supervisor"), nil)
	if status != 200 {
		t.Fatalf("supervisor: %d %s", status, raw)
	}
	for _, u := range f.users {
		if strings.Contains(string(raw), u.Name) {
			t.Fatalf("the supervisor's series names %s: %s", u.Name, raw)
		}
	}
	if strings.Contains(string(raw), `"id"`) {
		t.Fatalf("the supervisor's series carries ids: %s", raw)
	}
	recs, err := f.db.Audit().Find(context.Background(), audit.Query{Action: "stats.series", Result: audit.OK})
	if err != nil || len(recs) != 2 {
		t.Fatalf("series audit = %d, %v", len(recs), err)
	}
}

func TestStatsSeriesRefusals(t *testing.T) {
	f := newStaffFixture(t)
	for _, who := range []string{"clerk", "specA", "liaison", "admin"} {
		f.fail("GET", "/api/staff/v1/stats/series", f.token(who), nil, 403)
	}
	for _, q := range []string{"to=2026-13", "to=2026-1", "to=26-01", "months=0", "months=37", "months=x"} {
		f.fail("GET", "/api/staff/v1/stats/series?"+q, f.token("head"), nil, 400)
	}
	var def seriesResp
	f.call("GET", "/api/staff/v1/stats/series", f.token("head"), nil, 200, &def)
	if len(def.Months) != 12 || def.To != "2026-03" || def.From != "2025-04" {
		t.Fatalf("default window %s..%s (%d months)", def.From, def.To, len(def.Months))
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSpecialistLoads(t *testing.T) {
	f := newStaffFixture(t)
	f.caseAt(casework.InService)
	f.caseAt(casework.Suspended)
	f.caseAt(casework.Assigned)
	f.caseAt(casework.Completed) // no longer held
	var got struct {
		Items []struct {
			ID       int64 `json:"id"`
			Name     string
			Open     int `json:"open"`
			ByStatus []struct {
				Key   string `json:"key"`
				Count int    `json:"count"`
			} `json:"by_status"`
		} `json:"items"`
	}
	f.call("GET", "/api/staff/v1/specialists/load", f.token("head"), nil, 200, &got)
	if len(got.Items) != 2 || got.Items[0].ID != f.users["specB"].ID || got.Items[0].Open != 0 ||
		got.Items[1].ID != f.users["specA"].ID || got.Items[1].Open != 3 {
		t.Fatalf("loads = %+v", got.Items)
	}
	by := map[string]int{}
	for _, s := range got.Items[1].ByStatus {
		by[s.Key] = s.Count
	}
	if by["assigned"] != 1 || by["in_service"] != 1 || by["suspended"] != 1 || by["closing"] != 0 || len(by) != 4 {
		t.Fatalf("specialist A by status = %v", by)
	}
	for _, who := range []string{"clerk", "specA", "supervisor", "admin", "liaison"} {
		f.fail("GET", "/api/staff/v1/specialists/load", f.token(who), nil, 403)
	}
}

// TestStatsSeriesBackfill: the counters kept in the actions' transactions
// and those filled from the stored cases give the same series.
func TestStatsSeriesBackfill(t *testing.T) {
	f := newStaffFixture(t)
	f.caseAt(casework.Completed)
	rated := f.caseAt(casework.Delivered)
	f.call("POST", casePath(rated.ID, "/rating"), f.token("clerk"), map[string]any{"score": 4, "attachment_id": f.scan(rated.ID)}, 200, nil)
	f.clk.set(time.Date(2026, 4, 1, 0, 30, 0, 0, casework.ChinaTime)) // April in China, March in UTC
	f.tokens = map[string]string{}
	f.caseAt(casework.Terminated)
	f.submit()
	_, kept := f.do("GET", "/api/staff/v1/stats/series?to=2026-04&months=2", f.token("head"), nil)
	if err := f.db.W.Exec("DELETE FROM stats_monthly").Error; err != nil {
		t.Fatal(err)
	}
	ran, err := f.db.BackfillMonthly(context.Background())
	if err != nil || !ran {
		t.Fatalf("backfill: %v %v", ran, err)
	}
	if ran, _ := f.db.BackfillMonthly(context.Background()); ran {
		t.Fatal("the backfill ran twice")
	}
	var filled seriesResp
	_, raw := f.do("GET", "/api/staff/v1/stats/series?to=2026-04&months=2", f.token("head"), nil)
	if string(raw) != string(kept) {
		t.Fatalf("kept counters:\n%s\nfilled from the cases:\n%s", kept, raw)
	}
	if err := json.Unmarshal(raw, &filled); err != nil {
		t.Fatal(err)
	}
	if !equalInts(filled.New, []int{2, 2}) || !equalInts(filled.Closed, []int{2, 1}) || filled.Satisfaction.Count[0] != 1 {
		t.Fatalf("series = %+v", filled)
	}
}
