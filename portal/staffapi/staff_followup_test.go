package staffapi_test

import (
	"fmt"
	"testing"

	"sunshine/app/casework"
)

func TestPaperRatingAndFollowUp(t *testing.T) {
	f := newStaffFixture(t)
	c := f.caseAt(casework.Delivered)
	clerk, head := f.token("clerk"), f.token("head")
	f.fail("POST", casePath(c.ID, "/rating"), head, map[string]any{"score": 1}, 403)
	e := f.fail("POST", casePath(c.ID, "/rating"), clerk, map[string]any{"comment": "无分"}, 422)
	if e.Error.Fields["score"] == "" {
		t.Errorf("missing score: %+v", e)
	}
	f.fail("POST", casePath(c.ID, "/rating"), clerk, map[string]any{"score": 9}, 422)
	// issue 12 (5): a paper rating needs the scanned form, an attachment of this case.
	e = f.fail("POST", casePath(c.ID, "/rating"), clerk, map[string]any{"score": 2}, 422)
	if e.Error.Fields["attachment_id"] == "" {
		t.Errorf("paper rating without its scan: %+v", e)
	}
	other := f.caseAt(casework.Delivered)
	f.fail("POST", casePath(c.ID, "/rating"), clerk, map[string]any{"score": 2, "attachment_id": f.scan(other.ID)}, 422)
	var rated caseJSON
	f.call("POST", casePath(c.ID, "/rating"), clerk, map[string]any{"score": 2, "comment": "办理较慢", "attachment_id": f.scan(c.ID)}, 200, &rated)
	if rated.Rating == nil || rated.Rating.Score != 2 || rated.Rating.Source != "paper" {
		t.Fatalf("rating = %+v", rated.Rating)
	}
	f.fail("POST", casePath(c.ID, "/rating"), clerk, map[string]any{"score": 5, "attachment_id": f.scan(c.ID)}, 409)
	// Rating a case still in service is a conflict.
	open := f.caseAt(casework.InService)
	f.fail("POST", casePath(open.ID, "/rating"), clerk, map[string]any{"score": 5, "attachment_id": f.scan(open.ID)}, 409)

	type task struct {
		ID         int64  `json:"id"`
		CaseID     int64  `json:"case_id"`
		CaseNumber string `json:"case_number"`
		Score      int    `json:"score"`
		Status     string `json:"status"`
		Outcome    string `json:"outcome"`
	}
	var list struct {
		Items []task  `json:"items"`
		Next  *string `json:"next"`
	}
	f.call("GET", "/api/staff/v1/followups?status=open", head, nil, 200, &list)
	if len(list.Items) != 1 || list.Items[0].CaseID != c.ID || list.Items[0].Score != 2 || list.Items[0].CaseNumber != c.Number {
		t.Fatalf("follow-ups = %+v", list.Items)
	}
	id := list.Items[0].ID
	f.fail("GET", "/api/staff/v1/followups", clerk, nil, 403)
	f.fail("POST", fmt.Sprintf("/api/staff/v1/followups/%d", id), clerk, map[string]any{"outcome": "x"}, 403)
	e = f.fail("POST", fmt.Sprintf("/api/staff/v1/followups/%d", id), head, map[string]any{"outcome": " "}, 422)
	if e.Error.Fields["outcome"] == "" {
		t.Errorf("empty outcome: %+v", e)
	}
	var done task
	f.call("POST", fmt.Sprintf("/api/staff/v1/followups/%d", id), head, map[string]any{"outcome": "已电话回访，企业表示理解"}, 200, &done)
	if done.Status != "done" || done.Outcome == "" {
		t.Errorf("done = %+v", done)
	}
	f.fail("POST", fmt.Sprintf("/api/staff/v1/followups/%d", id), head, map[string]any{"outcome": "再次"}, 409)
	f.call("GET", "/api/staff/v1/followups?status=open", head, nil, 200, &list)
	if len(list.Items) != 0 {
		t.Errorf("open follow-ups after completion: %+v", list.Items)
	}
	f.fail("GET", "/api/staff/v1/followups?status=weird", head, nil, 400)
}
