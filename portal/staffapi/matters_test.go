package staffapi_test

import (
	"strings"
	"testing"
	"time"

	"sunshine/app/casework"
)

type fxMatter struct {
	ID          int64  `json:"id"`
	CaseID      int64  `json:"case_id"`
	CaseNumber  string `json:"case_number"`
	ProjectName string `json:"project_name"`
	Department  string `json:"department"`
	Name        string `json:"name"`
	Deadline    string `json:"deadline"`
	Status      string `json:"status"`
	Overdue     bool   `json:"overdue"`
	Progress    []struct {
		Note    string `json:"note"`
		Problem bool   `json:"problem"`
		By      string `json:"by"`
	} `json:"progress"`
}

type fxMatterList struct {
	Items []fxMatter `json:"items"`
	Next  *string    `json:"next"`
}

func mattersPath(id int64) string { return "/api/staff/v1/cases/" + fxItoa(id) + "/matters" }

func TestMatters_LiaisonSeesOnlyCasesWithTheirMatter(t *testing.T) {
	e := newFxEnv(t)
	withMatter, without := e.assigned(), e.assigned()
	var m fxMatter
	e.expect("POST", mattersPath(withMatter.ID), "head",
		map[string]string{"department": "市自然资源局", "name": "建设用地规划许可证核发", "deadline": "2026-03-20"}, 201, &m)
	if m.ID == 0 || m.Status != "pending" || m.CaseNumber != withMatter.Number || m.ProjectName != "智能制造产业园" {
		t.Fatalf("matter = %+v", m)
	}
	// The assigned specialist adds one for another department.
	e.expect("POST", mattersPath(withMatter.ID), "specA",
		map[string]string{"department": "市住房和城乡建设局", "name": "施工许可证核发", "deadline": "2026-03-27"}, 201, nil)

	e.expect("GET", "/api/staff/v1/cases/"+fxItoa(withMatter.ID), "liaisonA", nil, 200, nil)
	e.expect("GET", "/api/staff/v1/cases/"+fxItoa(without.ID), "liaisonA", nil, 404, nil)
	e.expect("GET", mattersPath(without.ID), "liaisonA", nil, 404, nil)

	var mine fxMatterList
	e.expect("GET", mattersPath(withMatter.ID), "liaisonA", nil, 200, &mine)
	if len(mine.Items) != 1 || mine.Items[0].Department != "市自然资源局" {
		t.Fatalf("liaison A sees %+v on the case, want only their department's", mine.Items)
	}
	var all fxMatterList
	e.expect("GET", mattersPath(withMatter.ID), "specA", nil, 200, &all)
	if len(all.Items) != 2 {
		t.Fatalf("specialist sees %d matters, want 2", len(all.Items))
	}
	for who, want := range map[string]int{"liaisonA": 1, "liaisonB": 1, "head": 2, "clerk": 2, "specA": 2, "specB": 0} {
		var l fxMatterList
		e.expect("GET", "/api/staff/v1/matters", who, nil, 200, &l)
		if len(l.Items) != want {
			t.Errorf("GET /matters as %s: %d items, want %d", who, len(l.Items), want)
		}
	}
	e.expect("GET", "/api/staff/v1/matters", "supervisor", nil, 403, nil)
	e.expect("GET", "/api/staff/v1/matters", "", nil, 401, nil)

	// Pages: one item per page, then the cursor leads to the next.
	var p1, p2 fxMatterList
	e.expect("GET", "/api/staff/v1/matters?limit=1", "head", nil, 200, &p1)
	if len(p1.Items) != 1 || p1.Next == nil {
		t.Fatalf("page 1 = %+v", p1)
	}
	e.expect("GET", "/api/staff/v1/matters?limit=1&cursor="+*p1.Next, "head", nil, 200, &p2)
	if len(p2.Items) != 1 || p2.Items[0].ID >= p1.Items[0].ID || p2.Next != nil {
		t.Fatalf("page 2 = %+v after %+v", p2, p1)
	}
	if n := e.count("SELECT COUNT(*) FROM audit_records WHERE action = 'matter.add' AND result = 'ok'"); n != 2 {
		t.Fatalf("matter.add audits = %d", n)
	}
}

func TestMatters_ProgressIsRecorded(t *testing.T) {
	e := newFxEnv(t)
	c := e.assigned()
	var m fxMatter
	e.expect("POST", mattersPath(c.ID), "head",
		map[string]string{"department": "市自然资源局", "name": "建设用地规划许可证核发", "deadline": "2026-03-04"}, 201, &m)
	progress := "/api/staff/v1/matters/" + fxItoa(m.ID) + "/progress"

	var got fxMatter
	e.expect("POST", progress, "liaisonA", map[string]any{"note": "缺少宗地图，请补正", "problem": true}, 200, &got)
	if got.Status != "problem" || len(got.Progress) != 1 || !got.Progress[0].Problem || got.Progress[0].Note != "缺少宗地图，请补正" {
		t.Fatalf("after problem: %+v", got)
	}
	// The specialist sees the problem on the matter and on the internal timeline.
	var seen fxMatterList
	e.expect("GET", mattersPath(c.ID), "specA", nil, 200, &seen)
	if len(seen.Items) != 1 || seen.Items[0].Status != "problem" || len(seen.Items[0].Progress) != 1 {
		t.Fatalf("specialist sees %+v", seen.Items)
	}
	if n := e.count("SELECT COUNT(*) FROM case_events WHERE case_id = ? AND action = 'matter_progress' AND public = ?", c.ID, false); n != 1 {
		t.Fatalf("internal timeline events = %d", n)
	}
	e.expect("POST", progress, "liaisonA", map[string]any{"note": "已核发", "done": true}, 200, &got)
	if got.Status != "done" || len(got.Progress) != 2 {
		t.Fatalf("after done: %+v", got)
	}
	e.expect("POST", mattersPath(c.ID), "head",
		map[string]string{"department": "市自然资源局", "name": "不动产权登记", "deadline": "2026-03-04"}, 201, nil)
	e.advance(72 * time.Hour)
	e.expect("GET", mattersPath(c.ID), "head", nil, 200, &seen)
	if len(seen.Items) != 2 || seen.Items[0].Overdue || !seen.Items[1].Overdue {
		t.Fatalf("after the deadline: %+v; want the finished matter not overdue, the pending one overdue", seen.Items)
	}
	if n := e.count("SELECT COUNT(*) FROM matter_progress WHERE matter_id = ?", m.ID); n != 2 {
		t.Fatalf("progress rows = %d", n)
	}
	if n := e.count("SELECT COUNT(*) FROM audit_records WHERE action = 'matter.progress' AND object_id = ? AND result = 'ok'", fxItoa(m.ID)); n != 2 {
		t.Fatalf("progress audits = %d", n)
	}
}

func TestMatters_RefusalsChangeNothing(t *testing.T) {
	e := newFxEnv(t)
	c, other := e.assigned(), e.newCase(fxForm())
	var m fxMatter
	e.expect("POST", mattersPath(c.ID), "head",
		map[string]string{"department": "市自然资源局", "name": "用地预审", "deadline": "2026-03-20"}, 201, &m)
	progress := "/api/staff/v1/matters/" + fxItoa(m.ID) + "/progress"
	valid := map[string]string{"department": "市自然资源局", "name": "规划许可", "deadline": "2026-03-20"}
	for _, tc := range []struct {
		name, method, path, who string
		body                    any
		want                    int
		field                   string
	}{
		{"clerk may not add", "POST", mattersPath(c.ID), "clerk", valid, 403, ""},
		{"liaison may not add", "POST", mattersPath(c.ID), "liaisonA", valid, 403, ""},
		{"unassigned specialist", "POST", mattersPath(c.ID), "specB", valid, 404, ""},
		{"specialist on a case not theirs", "POST", mattersPath(other.ID), "specA", valid, 404, ""},
		{"no such case", "POST", mattersPath(999999999), "head", valid, 404, ""},
		{"unknown department", "POST", mattersPath(c.ID), "head", map[string]string{"department": "不存在的局", "name": "x", "deadline": "2026-03-20"}, 422, "department"},
		{"bad deadline", "POST", mattersPath(c.ID), "head", map[string]string{"department": "市自然资源局", "name": "x", "deadline": "2026-02-30"}, 422, "deadline"},
		{"past deadline", "POST", mattersPath(c.ID), "head", map[string]string{"department": "市自然资源局", "name": "x", "deadline": "2026-03-01"}, 422, "deadline"},
		{"missing name", "POST", mattersPath(c.ID), "head", map[string]string{"department": "市自然资源局", "deadline": "2026-03-20"}, 422, "name"},
		{"unknown field", "POST", mattersPath(c.ID), "head", map[string]string{"department": "市自然资源局", "name": "x", "deadline": "2026-03-20", "status": "done"}, 422, "status"},
		{"not json", "POST", mattersPath(c.ID), "head", "{department", 400, ""},
		{"other department's liaison", "POST", progress, "liaisonB", map[string]any{"note": "x"}, 404, ""},
		{"head may not report", "POST", progress, "head", map[string]any{"note": "x"}, 403, ""},
		{"empty note", "POST", progress, "liaisonA", map[string]any{"note": " "}, 422, "note"},
		{"problem and done", "POST", progress, "liaisonA", map[string]any{"note": "x", "problem": true, "done": true}, 422, "problem"},
		{"no such matter", "POST", "/api/staff/v1/matters/999999999/progress", "liaisonA", map[string]any{"note": "x"}, 404, ""},
		{"bad status filter", "GET", "/api/staff/v1/matters?status=nope", "head", nil, 422, "status"},
		{"bad cursor", "GET", "/api/staff/v1/matters?cursor=zzz", "head", nil, 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, body := e.json(tc.method, tc.path, tc.who, tc.body)
			if got != tc.want || !strings.Contains(string(body), `"error"`) {
				t.Fatalf("= %d %s, want %d", got, body, tc.want)
			}
			if tc.field != "" && !strings.Contains(string(body), `"`+tc.field+`"`) {
				t.Fatalf("no message for %s in %s", tc.field, body)
			}
		})
	}
	if n := e.count("SELECT COUNT(*) FROM department_matters"); n != 1 {
		t.Fatalf("matters = %d, want 1", n)
	}
	if n := e.count("SELECT COUNT(*) FROM matter_progress"); n != 0 {
		t.Fatalf("progress rows = %d, want 0", n)
	}
	// A finished case takes no new matter.
	done := e.newCase(fxForm())
	done = e.act("clerk", done, casework.ActionReject, map[string]any{"reason": "不属于服务范围"})
	if got, body := e.json("POST", mattersPath(done.ID), "head", valid); got != 409 || !strings.Contains(string(body), "不予受理") {
		t.Fatalf("matter on a rejected case = %d %s, want 409 naming the status", got, body)
	}
}
