package staffapi_test

import (
	"context"
	"fmt"
	"testing"

	"sunshine/app/audit"
)

type bulletinResp struct {
	ID          int64    `json:"id"`
	Subject     string   `json:"subject"`
	Department  string   `json:"department"`
	Title       string   `json:"title"`
	CaseNumbers []string `json:"case_numbers"`
	CreatedBy   string   `json:"created_by"`
}

func TestBulletins(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	center := map[string]any{"subject": "center", "period_from": "2026-01-01", "period_to": "2026-02-28",
		"title": "2026年1-2月阳光代办服务情况通报", "findings": "按时办结率下降，3件超期。", "case_numbers": []string{"ygdb-2026-000123", "YGDB-2026-000123"}}
	var c bulletinResp
	f.call("POST", "/api/staff/v1/bulletins", f.token("supervisor"), center, 201, &c)
	if c.ID == 0 || c.Subject != "center" || len(c.CaseNumbers) != 1 || c.CaseNumbers[0] != "YGDB-2026-000123" || c.CreatedBy != f.users["supervisor"].Name {
		t.Fatalf("created %+v", c)
	}
	// The fixture's liaison makes 市自然资源局 a known department.
	dept := map[string]any{"subject": "department", "department": "市自然资源局", "period_from": "2026-02-01",
		"period_to": "2026-02-28", "title": "审批不及时通报", "findings": "2个事项超过时限。"}
	var d bulletinResp
	f.call("POST", "/api/staff/v1/bulletins", f.token("supervisor"), dept, 201, &d)

	// Refusals change nothing.
	for field, body := range map[string]map[string]any{
		"subject":         {"subject": "city", "period_from": "2026-01-01", "period_to": "2026-01-31", "title": "x", "findings": "y"},
		"department":      {"subject": "department", "department": "不存在的局", "period_from": "2026-01-01", "period_to": "2026-01-31", "title": "x", "findings": "y"},
		"period_to":       {"subject": "center", "period_from": "2026-02-01", "period_to": "2026-01-31", "title": "x", "findings": "y"},
		"title":           {"subject": "center", "period_from": "2026-01-01", "period_to": "2026-01-31", "findings": "y"},
		"case_numbers[0]": {"subject": "center", "period_from": "2026-01-01", "period_to": "2026-01-31", "title": "x", "findings": "y", "case_numbers": []string{"123"}},
	} {
		if e := f.fail("POST", "/api/staff/v1/bulletins", f.token("supervisor"), body, 422); e.Error.Fields[field] == "" {
			t.Errorf("%s: fields %v", field, e.Error.Fields)
		}
	}
	for _, who := range []string{"head", "clerk", "specA", "admin", "liaison"} {
		f.fail("POST", "/api/staff/v1/bulletins", f.token(who), center, 403)
	}

	list := func(who, q string) []int64 {
		t.Helper()
		var l struct {
			Items []bulletinResp `json:"items"`
		}
		f.call("GET", "/api/staff/v1/bulletins"+q, f.token(who), nil, 200, &l)
		ids := []int64{}
		for _, b := range l.Items {
			ids = append(ids, b.ID)
		}
		return ids
	}
	if got := list("supervisor", ""); fmt.Sprint(got) != fmt.Sprint([]int64{d.ID, c.ID}) {
		t.Fatalf("supervisor's list = %v", got)
	}
	if got := list("supervisor", "?subject=department&department="+"%E5%B8%82%E8%87%AA%E7%84%B6%E8%B5%84%E6%BA%90%E5%B1%80"); fmt.Sprint(got) != fmt.Sprint([]int64{d.ID}) {
		t.Fatalf("supervisor's department list = %v", got)
	}
	// The head reads those about the center only.
	if got := list("head", ""); fmt.Sprint(got) != fmt.Sprint([]int64{c.ID}) {
		t.Fatalf("head's list = %v", got)
	}
	if got := list("head", "?subject=department"); len(got) != 0 {
		t.Fatalf("head's department list = %v", got)
	}
	f.call("GET", fmt.Sprintf("/api/staff/v1/bulletins/%d", c.ID), f.token("head"), nil, 200, nil)
	f.fail("GET", fmt.Sprintf("/api/staff/v1/bulletins/%d", d.ID), f.token("head"), nil, 404)
	for _, who := range []string{"clerk", "specA", "admin", "liaison"} {
		f.fail("GET", "/api/staff/v1/bulletins", f.token(who), nil, 403)
		f.fail("GET", fmt.Sprintf("/api/staff/v1/bulletins/%d", c.ID), f.token(who), nil, 403)
	}
	f.fail("GET", "/api/staff/v1/bulletins?subject=city", f.token("supervisor"), nil, 400)
	if recs, err := f.db.Audit().Find(ctx, audit.Query{Action: "bulletin.create", Result: audit.OK}); err != nil || len(recs) != 2 {
		t.Fatalf("creates audited %d, %v", len(recs), err)
	}
	if recs, _ := f.db.Audit().Find(ctx, audit.Query{Action: "bulletin.create", Result: audit.Denied}); len(recs) != 5 {
		t.Fatalf("denied creates audited %d", len(recs))
	}
}
