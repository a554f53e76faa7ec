package staffapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"slices"
	"testing"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/casework/caseworktest"
)

// doKey sends a JSON request with an Idempotency-Key and returns the
// status, the Idempotent-Replayed header and the body.
func (f *staffFixture) doKey(method, path, token, key string, body any) (int, string, []byte) {
	f.t.Helper()
	raw, _ := json.Marshal(body)
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := f.app.Test(req, -1)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Idempotent-Replayed"), out
}

func idOf(t *testing.T, body []byte) int64 {
	t.Helper()
	var x struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(body, &x); err != nil || x.ID == 0 {
		t.Fatalf("no id in %s", body)
	}
	return x.ID
}

// Issue 12 (9): a double click at the window makes one case, one
// consultation, one department matter.
func TestIdempotentStaffIntake(t *testing.T) {
	f := newStaffFixture(t)
	clerk := f.token("clerk")
	body := map[string]any{"channel": "window", "form": validForm()}
	s1, r1, b1 := f.doKey("POST", "/api/staff/v1/cases", clerk, "win-1", body)
	s2, r2, b2 := f.doKey("POST", "/api/staff/v1/cases", clerk, "win-1", body)
	if s1 != 201 || s2 != 201 || r1 != "" || r2 != "true" || idOf(t, b1) != idOf(t, b2) {
		t.Fatalf("intake: %d %q %d %q %s %s", s1, r1, s2, r2, b1, b2)
	}
	other := map[string]any{"channel": "complaint", "form": validForm()}
	if s, _, b := f.doKey("POST", "/api/staff/v1/cases", clerk, "win-1", other); s != 422 || !bytes.Contains(b, []byte("Idempotency-Key")) {
		t.Fatalf("same key, other request: %d %s", s, b)
	}
	if s, _, _ := f.doKey("POST", "/api/staff/v1/cases", clerk, "bad key!", body); s != 400 {
		t.Fatalf("malformed key: %d", s)
	}
	var n int64
	f.db.R.Raw("SELECT COUNT(*) FROM cases").Scan(&n)
	if n != 1 {
		t.Fatalf("%d cases, want 1", n)
	}

	cons := map[string]any{"unit": "某公司", "record": "咨询施工许可", "phone": "13655556666"}
	s1, _, b1 = f.doKey("POST", "/api/staff/v1/consultations", clerk, "c-1", cons)
	s2, r2, b2 = f.doKey("POST", "/api/staff/v1/consultations", clerk, "c-1", cons)
	if s1 != 201 || s2 != 201 || r2 != "true" || idOf(t, b1) != idOf(t, b2) {
		t.Fatalf("consultation: %d %d %q %s %s", s1, s2, r2, b1, b2)
	}

	c := f.caseAt(casework.InService)
	m := map[string]any{"department": f.users["liaison"].Department, "name": "建设工程规划许可", "deadline": "2026-03-20"}
	head := f.token("head")
	s1, _, b1 = f.doKey("POST", casePath(c.ID, "/matters"), head, "m-1", m)
	s2, r2, b2 = f.doKey("POST", casePath(c.ID, "/matters"), head, "m-1", m)
	if s1 != 201 || s2 != 201 || r2 != "true" || idOf(t, b1) != idOf(t, b2) {
		t.Fatalf("matter: %d %d %q %s %s", s1, s2, r2, b1, b2)
	}
	f.db.R.Raw("SELECT COUNT(*) FROM department_matters WHERE case_id = ?", c.ID).Scan(&n)
	if n != 1 {
		t.Fatalf("%d matters, want 1", n)
	}
}

// Issue 12 (1), the done-when: a specialist disabled with open cases in
// five different statuses — every one of them reaches archived under a new
// specialist.
func TestDisableSpecialistHandsOverEveryCase(t *testing.T) {
	f := newStaffFixture(t)
	statuses := []casework.Status{casework.Assigned, casework.Suspended, casework.Closing, casework.Terminated, casework.Delivering}
	var held []caseJSON
	for _, s := range statuses {
		held = append(held, f.caseAt(s))
	}
	admin, specA, specB := f.token("admin"), f.users["specA"], f.users["specB"]
	var refused struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
		Cases []struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		} `json:"cases"`
	}
	f.call("POST", userPath(specA.ID, "/disable"), admin, map[string]any{}, 409, &refused)
	var got []string
	for _, x := range refused.Cases {
		got = append(got, x.Status)
	}
	want := []string{}
	for _, s := range statuses {
		want = append(want, string(s))
	}
	slices.Sort(got)
	slices.Sort(want)
	if refused.Error.Code != "conflict" || !slices.Equal(got, want) {
		t.Fatalf("409 lists %v, want %v", got, want)
	}
	// The head's view of the same list; a specialist may not ask.
	var list struct {
		Items []struct{ ID int64 } `json:"items"`
	}
	f.call("GET", fmt.Sprintf("/api/staff/v1/specialists/%d/cases", specA.ID), f.token("head"), nil, 200, &list)
	if len(list.Items) != len(statuses) {
		t.Fatalf("held list = %+v", list.Items)
	}
	f.fail("GET", fmt.Sprintf("/api/staff/v1/specialists/%d/cases", specA.ID), f.token("specB"), nil, 403)
	// A disabled or unknown holder is refused.
	f.fail("POST", userPath(specA.ID, "/disable"), admin, map[string]any{"reassign_to": specA.ID}, 422)

	f.call("POST", userPath(specA.ID, "/disable"), admin, map[string]any{"reassign_to": specB.ID, "reason": "调离"}, 200, nil)
	var n int64
	f.db.R.Raw("SELECT COUNT(*) FROM staff_users WHERE id = ? AND disabled = ?", specA.ID, true).Scan(&n)
	if n != 1 {
		t.Fatal("specialist A is not disabled")
	}
	for _, c := range held {
		c = f.get("specB", c.ID)
		if c.Specialist == nil || c.Specialist.ID != specB.ID {
			t.Fatalf("case %d is held by %+v", c.ID, c.Specialist)
		}
		last := c.Timeline[len(c.Timeline)-1]
		if last.Action != "reassign" || last.Actor["role"] != "admin" {
			t.Errorf("case %d: last event %+v", c.ID, last)
		}
		for steps := 0; c.Status != "archived"; steps++ {
			if steps > 10 {
				t.Fatalf("case %d stuck in %s", c.ID, c.Status)
			}
			var a casework.Action
			user := "specB"
			var p map[string]any
			switch casework.Status(c.Status) {
			case casework.Assigned:
				a, p = casework.ActionStart, map[string]any{}
			case casework.Suspended:
				a = casework.ActionResume
			case casework.InService:
				a = casework.ActionProposeClose
			case casework.Closing:
				a, user = casework.ActionSignOff, "head"
			case casework.Completed:
				a, p = casework.ActionDeliver, map[string]any{"method": "in_person", "signed_by": "李四"}
			case casework.Delivering:
				a, p = casework.ActionConfirmReceipt, map[string]any{"proof": "EMS 签收记录"}
			case casework.Delivered, casework.Terminated:
				a = casework.ActionSubmitArchive
			case casework.Archiving:
				a, user = casework.ActionArchive, "clerk"
			}
			c = f.act(user, c, a, p)
		}
	}
}

// The action table as data and, per case, what the viewer may do now.
func TestActionsAsDataAndAllowedActions(t *testing.T) {
	f := newStaffFixture(t)
	var table struct {
		Items []struct {
			Action string   `json:"action"`
			Label  string   `json:"label"`
			Roles  []string `json:"roles"`
			Fields []struct {
				Name    string `json:"name"`
				Kind    string `json:"kind"`
				Options []struct{ Value, Label string }
			} `json:"fields"`
		} `json:"items"`
	}
	f.call("GET", "/api/staff/v1/actions", f.token("clerk"), nil, 200, &table)
	if len(table.Items) != len(casework.Table) {
		t.Fatalf("%d actions, want %d", len(table.Items), len(casework.Table))
	}
	for _, a := range table.Items {
		if a.Action == "assign" && (a.Fields[2].Name != "specialist_id" || a.Fields[2].Kind != "staff") {
			t.Errorf("assign fields = %+v", a.Fields)
		}
		if a.Action == "propose_close" && len(a.Fields[0].Options) != 3 {
			t.Errorf("propose_close result options = %+v", a.Fields[0].Options)
		}
	}
	c := f.caseAt(casework.InService)
	var detail struct {
		AllowedActions []string `json:"allowed_actions"`
	}
	f.call("GET", casePath(c.ID, ""), f.token("specA"), nil, 200, &detail)
	want := casework.Available(&casework.Case{Status: casework.InService, SpecialistID: f.users["specA"].ID}, casework.RoleSpecialist)
	var w []string
	for _, a := range want {
		w = append(w, string(a))
	}
	if !slices.Equal(detail.AllowedActions, w) {
		t.Errorf("allowed_actions = %v, want %v", detail.AllowedActions, w)
	}
	f.call("GET", casePath(c.ID, ""), f.token("head"), nil, 200, &detail)
	if !slices.Contains(detail.AllowedActions, "reassign") || !slices.Contains(detail.AllowedActions, "extend") {
		t.Errorf("head's allowed_actions = %v", detail.AllowedActions)
	}
}

// Issue 12 (10): the reports reach the supervisor only.
func TestReportsOnlyForTheSupervisor(t *testing.T) {
	f := newStaffFixture(t)
	ent := cases.Viewer{Actor: casework.Actor{ID: 4242, Role: casework.RoleEnterprise, Name: "企业用户"}}
	c, err := f.sys.Cases.Submit(t.Context(), ent, cases.SubmitInput{Form: f.formOf(), Channel: casework.ChannelMiniProgram,
		Mode: casework.FormFull})
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.sys.Reports.File(t.Context(), ent, c.ID, "inaction", "专员长期不回复")
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"clerk", "head", "specA", "liaison", "admin"} {
		f.fail("GET", "/api/staff/v1/reports", f.token(who), nil, 403)
		f.fail("GET", fmt.Sprintf("/api/staff/v1/reports/%d", r.ID), f.token(who), nil, 403)
		f.fail("POST", fmt.Sprintf("/api/staff/v1/reports/%d/close", r.ID), f.token(who), map[string]any{"outcome": "x"}, 403)
	}
	sup := f.token("supervisor")
	var list struct {
		Items []struct {
			ID         int64  `json:"id"`
			CaseNumber string `json:"case_number"`
			KindLabel  string `json:"kind_label"`
			Status     string `json:"status"`
		} `json:"items"`
	}
	f.call("GET", "/api/staff/v1/reports?status=open", sup, nil, 200, &list)
	if len(list.Items) != 1 || list.Items[0].CaseNumber != c.Number || list.Items[0].KindLabel != "不作为" {
		t.Fatalf("supervisor's list = %+v", list.Items)
	}
	f.fail("POST", fmt.Sprintf("/api/staff/v1/reports/%d/handle", r.ID), sup, map[string]any{}, 422)
	f.call("POST", fmt.Sprintf("/api/staff/v1/reports/%d/handle", r.ID), sup, map[string]any{"note": "已转纪检"}, 200, nil)
	var closed struct {
		Status  string `json:"status"`
		Outcome string `json:"outcome"`
	}
	f.call("POST", fmt.Sprintf("/api/staff/v1/reports/%d/close", r.ID), sup, map[string]any{"outcome": "已督促整改"}, 200, &closed)
	if closed.Status != "closed" || closed.Outcome != "已督促整改" {
		t.Fatalf("closed = %+v", closed)
	}
	f.fail("POST", fmt.Sprintf("/api/staff/v1/reports/%d/close", r.ID), sup, map[string]any{"outcome": "再次"}, 409)
	f.call("GET", "/api/staff/v1/reports?status=open", sup, nil, 200, &list)
	if len(list.Items) != 0 {
		t.Fatalf("open reports after closing: %+v", list.Items)
	}
}

// formOf is the shared kit's valid form.
func (f *staffFixture) formOf() casework.Form { return caseworktest.Form() }
