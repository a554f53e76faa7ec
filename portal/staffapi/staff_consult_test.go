package staffapi_test

import (
	"fmt"
	"strings"
	"testing"

	"sunshine/app/casework"
)

type consultationJSON struct {
	ID      int64  `json:"id"`
	At      string `json:"at"`
	Unit    string `json:"unit"`
	Phone   string `json:"phone"`
	Handler string `json:"handler"`
	CaseID  *int64 `json:"case_id"`
}

func TestConsultations(t *testing.T) {
	f := newStaffFixture(t)
	clerk := f.token("clerk")
	body := map[string]any{"time": "2026-03-01 10:30", "unit": "阳光科技有限公司", "person": "张三",
		"phone": "13800138000", "project": "智能制造产业园", "record": "咨询立项所需材料"}
	var free consultationJSON
	f.call("POST", "/api/staff/v1/consultations", clerk, body, 201, &free)
	if free.ID == 0 || free.Phone != "13800138000" || free.Handler != f.users["clerk"].Name || free.CaseID != nil ||
		!strings.HasPrefix(free.At, "2026-03-01T02:30:00") {
		t.Fatalf("created %+v", free)
	}
	// Linked to a case: the case's 咨询 section shows it.
	c := f.caseAt(casework.InService)
	body["case_id"] = c.ID
	body["unit"] = "阳光科技（关联）"
	var linked consultationJSON
	f.call("POST", "/api/staff/v1/consultations", clerk, body, 201, &linked)
	d := f.get("head", c.ID)
	if d.Registration.Consultation == nil || d.Registration.Consultation.Unit != "阳光科技（关联）" {
		t.Errorf("registration.consultation = %+v", d.Registration.Consultation)
	}
	// Bad input: per-field messages; a case the clerk cannot find → 422.
	e := f.fail("POST", "/api/staff/v1/consultations", clerk, map[string]any{"unit": "", "record": "", "phone": "12345", "at": "昨天"}, 422)
	for _, k := range []string{"unit", "record", "phone", "at"} {
		if e.Error.Fields[k] == "" {
			t.Errorf("no message for %s: %v", k, e.Error.Fields)
		}
	}
	e = f.fail("POST", "/api/staff/v1/consultations", clerk, map[string]any{"unit": "x", "record": "y", "case_id": 99999999}, 422)
	if e.Error.Fields["case_id"] == "" {
		t.Errorf("unknown case: %+v", e)
	}
	// A specialist may not link a consultation to someone else's case.
	e = f.fail("POST", "/api/staff/v1/consultations", f.token("specB"), map[string]any{"unit": "x", "record": "y", "case_id": c.ID}, 422)
	if e.Error.Fields["case_id"] == "" {
		t.Errorf("other specialist's case: %+v", e)
	}
	for _, who := range []string{"supervisor", "admin", "liaison"} {
		f.fail("POST", "/api/staff/v1/consultations", f.token(who), map[string]any{"unit": "x", "record": "y"}, 403)
		f.fail("GET", "/api/staff/v1/consultations", f.token(who), nil, 403)
	}

	var list struct {
		Items []consultationJSON `json:"items"`
		Next  *string            `json:"next"`
	}
	f.call("GET", "/api/staff/v1/consultations", clerk, nil, 200, &list)
	if len(list.Items) != 2 || list.Items[0].ID != linked.ID {
		t.Fatalf("list = %+v", list.Items)
	}
	for _, it := range list.Items {
		if it.Phone != "138****8000" {
			t.Errorf("list shows phone %q", it.Phone)
		}
	}
	f.call("GET", fmt.Sprintf("/api/staff/v1/consultations?case_id=%d", c.ID), f.token("specA"), nil, 200, &list)
	if len(list.Items) != 1 || list.Items[0].ID != linked.ID {
		t.Errorf("case list for its specialist = %+v", list.Items)
	}
	f.fail("GET", fmt.Sprintf("/api/staff/v1/consultations?case_id=%d", c.ID), f.token("specB"), nil, 404)
	f.call("GET", "/api/staff/v1/consultations", f.token("specB"), nil, 200, &list)
	if len(list.Items) != 0 {
		t.Errorf("specB sees %d consultations of others", len(list.Items))
	}
	f.fail("GET", fmt.Sprintf("/api/staff/v1/consultations/%d", free.ID), f.token("specB"), nil, 404)
	var one consultationJSON
	f.call("GET", fmt.Sprintf("/api/staff/v1/consultations/%d", linked.ID), f.token("specA"), nil, 200, &one)
	if one.Phone != "138****8000" {
		t.Errorf("detail phone = %q, want masked", one.Phone)
	}
	var rev struct{ Value string }
	f.call("POST", fmt.Sprintf("/api/staff/v1/consultations/%d/reveal", linked.ID), f.token("specA"), nil, 200, &rev)
	if rev.Value != "13800138000" {
		t.Errorf("revealed phone = %q", rev.Value)
	}
	f.fail("POST", fmt.Sprintf("/api/staff/v1/consultations/%d/reveal", free.ID), f.token("specB"), nil, 404)
	var n int64
	f.db.R.Raw("SELECT COUNT(*) FROM audit_records WHERE action = 'consultation.reveal' AND result = 'ok'").Scan(&n)
	if n != 1 {
		t.Errorf("%d audited reveals, want 1", n)
	}
	f.call("GET", "/api/staff/v1/consultations?limit=1", clerk, nil, 200, &list)
	if len(list.Items) != 1 || list.Next == nil {
		t.Fatalf("first page %+v", list)
	}
	f.call("GET", "/api/staff/v1/consultations?limit=1&cursor="+*list.Next, clerk, nil, 200, &list)
	if len(list.Items) != 1 || list.Items[0].ID != free.ID || list.Next != nil {
		t.Errorf("second page %+v", list)
	}
}
