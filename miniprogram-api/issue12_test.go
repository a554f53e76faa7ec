package mpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/supervision"
)

// Issue 12 (2, 5): a terminated 代办 case shows its reason and the head's
// opinion to the enterprise, goes through the return of materials, and its
// rating counts in the statistics as a served case.
func TestTerminatedCaseIsOpenToTheEnterprise(t *testing.T) {
	e := newEnv(t)
	u := e.login("term")
	c := e.submit(u, creditCode(71), "终止项目")
	e.act(e.clerk, c.ID, casework.ActionAccept, map[string]any{"service_type": "agency"})
	e.act(e.clerk, c.ID, casework.ActionPassReview, map[string]any{"content": "齐全", "materials": []string{"执照"}})
	e.act(e.head, c.ID, casework.ActionAssign, map[string]any{"opinion": "同意", "specialist_id": e.spec.ID})
	e.act(e.spec, c.ID, casework.ActionStart, map[string]any{"handover": []string{"土地证原件"}})
	e.act(e.spec, c.ID, casework.ActionProposeClose, map[string]any{"result": "terminated", "explanation": "规划条件调整，项目无法继续"})
	e.act(e.head, c.ID, casework.ActionSignOff, map[string]any{"opinion": "同意终止，退还材料"})

	var got struct {
		Status  string
		Closure *struct {
			Result, Explanation, Opinion string
			ResultLabel                  string `json:"result_label"`
		}
		Delivery *struct{ Returned bool }
		Actions  []string
		Timeline []struct {
			Action  string
			Payload map[string]any
		}
	}
	must(t, e.call("GET", fmt.Sprintf("/api/mp/v1/cases/%d", c.ID), u.Token, nil), 200).decode(t, &got)
	if got.Closure == nil || got.Closure.Explanation != "规划条件调整，项目无法继续" || got.Closure.Opinion != "同意终止，退还材料" ||
		got.Closure.ResultLabel != "终止" {
		t.Fatalf("closure = %+v", got.Closure)
	}
	last := got.Timeline[len(got.Timeline)-1]
	if last.Action != "sign_off" || last.Payload["explanation"] != "规划条件调整，项目无法继续" {
		t.Errorf("public sign_off event = %+v", last)
	}
	if !strings.Contains(strings.Join(got.Actions, ","), "rating") {
		t.Errorf("actions = %v, want rating", got.Actions)
	}
	// The materials go back before the case can be filed.
	if _, err := e.cases.Act(ctx, e.spec, c.ID, casework.Request{Action: casework.ActionSubmitArchive, Version: 8,
		Payload: raw(map[string]any{"materials": []string{"登记表"}})}); !errs.Is(err, errs.Conflict) {
		t.Fatalf("submit_archive before the return: %v", err)
	}
	e.act(e.spec, c.ID, casework.ActionDeliver, map[string]any{"method": "mail", "tracking_no": "EMS123"})
	must(t, e.call("POST", fmt.Sprintf("/api/mp/v1/cases/%d/receipt", c.ID), u.Token, nil), 200).decode(t, &got)
	if got.Status != "delivered" || got.Delivery == nil || !got.Delivery.Returned {
		t.Fatalf("after the return: %s %+v", got.Status, got.Delivery)
	}
	must(t, e.call("POST", fmt.Sprintf("/api/mp/v1/cases/%d/rating", c.ID), u.Token, map[string]any{"score": 4, "comment": "解释清楚"}), 200)
	e.act(e.spec, c.ID, casework.ActionSubmitArchive, map[string]any{"materials": []string{"登记表"}})
	e.act(e.clerk, c.ID, casework.ActionArchive, map[string]any{})
	day := monday.Add(-24 * time.Hour)
	byScore, err := e.db.Stats().Ratings(ctx, day, day.AddDate(0, 1, 0))
	if err != nil || byScore[4] != 1 {
		t.Fatalf("ratings in the statistics = %v (%v)", byScore, err)
	}
}

// Issue 12 (6): the enterprise withdraws after assignment, with a reason.
func TestWithdrawAfterAssignment(t *testing.T) {
	e := newEnv(t)
	u := e.login("wd")
	c := e.submit(u, creditCode(72), "撤回项目")
	e.act(e.clerk, c.ID, casework.ActionAccept, map[string]any{"service_type": "assist"})
	e.act(e.clerk, c.ID, casework.ActionPassReview, map[string]any{"content": "齐全", "materials": []string{"执照"}})
	e.act(e.head, c.ID, casework.ActionAssign, map[string]any{"opinion": "同意", "specialist_id": e.spec.ID})
	path := fmt.Sprintf("/api/mp/v1/cases/%d/withdraw", c.ID)
	r := must(t, e.call("POST", path, u.Token, map[string]any{}), 422)
	if _, ok := errFields(r)["reason"]; !ok {
		t.Fatalf("withdraw without reason after assignment: %s", r.Body)
	}
	var got struct {
		Status     string
		Withdrawal *struct{ Reason string }
	}
	must(t, e.call("POST", path, u.Token, map[string]any{"reason": "企业决定自行办理"}), 200).decode(t, &got)
	if got.Status != "withdrawn" || got.Withdrawal == nil || got.Withdrawal.Reason != "企业决定自行办理" {
		t.Fatalf("after withdrawal: %+v", got)
	}
}

// Issue 12 (10): an enterprise reports misconduct to the supervising
// bureau; the center's staff can neither list nor read it; the supervisor
// handles and closes it; the enterprise sees the outcome.
func TestMisconductReports(t *testing.T) {
	e := newEnv(t)
	u := e.login("rep")
	c := e.submit(u, creditCode(73), "监督项目")
	path := fmt.Sprintf("/api/mp/v1/cases/%d/reports", c.ID)
	must(t, e.call("POST", path, u.Token, map[string]any{"kind": "bribe", "description": "x"}), 422)
	must(t, e.call("POST", path, u.Token, map[string]any{"kind": "inaction"}), 422)
	var rep struct {
		ID                    int64
		Kind, Status, Outcome string
		KindLabel             string `json:"kind_label"`
	}
	must(t, e.call("POST", path, u.Token, map[string]any{"kind": "extortion", "description": "专员暗示需要请客"}), 201).decode(t, &rep)
	if rep.ID == 0 || rep.KindLabel != "吃拿卡要" || rep.Status != "open" {
		t.Fatalf("report = %+v", rep)
	}
	// Another user cannot report on, or read the reports of, a case they do not see.
	other := e.login("rep2")
	must(t, e.call("POST", path, other.Token, map[string]any{"kind": "other", "description": "x"}), 404)
	must(t, e.call("GET", path, other.Token, nil), 404)

	for _, v := range []cases.Viewer{e.clerk, e.head, e.spec} {
		if _, err := e.reports.List(ctx, v, supervisionFilter()); !errs.Is(err, errs.Forbidden) {
			t.Errorf("%s lists reports: %v", v.Role, err)
		}
		if _, err := e.reports.Get(ctx, v, rep.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("%s reads a report: %v", v.Role, err)
		}
	}
	d, err := e.cases.Get(ctx, e.head, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range d.Timeline {
		if strings.Contains(fmt.Sprint(ev.Payload), "请客") {
			t.Fatalf("the report is on the case's timeline: %+v", ev)
		}
	}
	sup := e.staff("sup", casework.RoleSupervisor, "监督科", "")
	list, err := e.reports.List(ctx, sup, supervisionFilter())
	if err != nil || len(list) != 1 || list[0].CaseNumber != c.Number {
		t.Fatalf("supervisor's list = %+v (%v)", list, err)
	}
	if _, err := e.reports.Handle(ctx, sup, rep.ID, "已约谈相关人员"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reports.Close(ctx, sup, rep.ID, "经核查属实，已对相关人员作出处理"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reports.Close(ctx, sup, rep.ID, "再次"); !errs.Is(err, errs.Conflict) {
		t.Fatalf("closing twice: %v", err)
	}
	var mine struct {
		Items []struct {
			Status, Outcome string
			Handling        *string
		}
	}
	must(t, e.call("GET", path, u.Token, nil), 200).decode(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].Status != "closed" || mine.Items[0].Outcome != "经核查属实，已对相关人员作出处理" ||
		mine.Items[0].Handling != nil {
		t.Fatalf("enterprise sees %+v", mine.Items)
	}
}

func supervisionFilter() supervision.Filter { return supervision.Filter{Limit: 20} }

func raw(p map[string]any) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for k, v := range p {
		out[k], _ = json.Marshal(v)
	}
	return out
}
