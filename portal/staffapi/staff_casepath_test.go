package staffapi_test

import (
	"context"
	"fmt"
	"slices"

	"sunshine/app/casework"
)

// caseJSON is the part of the case answer the tests look at.
type caseJSON struct {
	ID          int64   `json:"id"`
	Number      string  `json:"number"`
	Status      string  `json:"status"`
	Stage       string  `json:"stage"`
	Version     int     `json:"version"`
	Channel     string  `json:"channel"`
	ServiceType string  `json:"service_type"`
	Deadline    *string `json:"deadline"`
	Overdue     bool    `json:"overdue"`
	Specialist  *struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"specialist"`
	Form struct {
		Enterprise struct {
			Name string `json:"name"`
			Lead struct {
				Phone string `json:"phone"`
			} `json:"lead"`
		} `json:"enterprise"`
	} `json:"form"`
	Registration struct {
		Consultation *struct {
			Unit  string `json:"unit"`
			Phone string `json:"phone"`
		} `json:"consultation"`
	} `json:"registration"`
	Timeline []struct {
		Action string         `json:"action"`
		Status string         `json:"status"`
		Public bool           `json:"public"`
		Actor  map[string]any `json:"actor"`
	} `json:"timeline"`
	Rating *struct {
		Score  int    `json:"score"`
		Source string `json:"source"`
	} `json:"rating"`
	Actions []struct {
		Action string `json:"action"`
	} `json:"actions"`
}

// validForm is a complete application form as JSON.
func validForm() map[string]any {
	return map[string]any{
		"enterprise": map[string]any{
			"name": "阳光科技有限公司", "address": "市高新区创业路1号", "nature": "有限责任公司",
			"lead":    map[string]any{"name": "张三", "title": "总经理", "phone": "13800138000"},
			"handler": map[string]any{"name": "李四", "title": "行政主管", "phone": "13900139000"},
			"email":   "contact@example.cn", "credit_code": "91350100M000100Y43",
		},
		"project": map[string]any{
			"name": "智能制造产业园", "address": "市高新区创业路2号", "code": "2026-350100-39-01-000123",
			"total_investment": "12000.50", "fund_sources": []string{"private"}, "floor_area": 35000,
			"land_nature": []string{"transferred"}, "key_project": "municipal",
			"purpose_scale": "厂房及配套用房", "progress": "已取得用地",
		},
		"entrustment": map[string]any{
			"stages": []string{"planning", "construction"}, "matters": "建设工程规划许可证、施工许可证办理",
			"service_type": "agency",
		},
	}
}

// step is one action on the way to a status, taken by a fixture user.
type step struct {
	user    string
	action  casework.Action
	payload map[string]any // nil: validPayload
}

var (
	toService = []step{{"clerk", casework.ActionAccept, nil}, {"clerk", casework.ActionPassReview, nil},
		{"head", casework.ActionAssign, nil}, {"specA", casework.ActionStart, nil}}
	toClosing = append(slices.Clone(toService),
		step{"specA", casework.ActionProposeClose, map[string]any{"result": "completed", "explanation": "已办结"}})
	toCompleted  = append(slices.Clone(toClosing), step{"head", casework.ActionSignOff, nil})
	toDelivering = append(slices.Clone(toCompleted),
		step{"specA", casework.ActionDeliver, map[string]any{"method": "mail", "tracking_no": "SF100"}})
	toDelivered = append(slices.Clone(toDelivering), step{"specA", casework.ActionConfirmReceipt, nil})
)

// pathTo says how a case reaches each status through the staff API.
var pathTo = map[casework.Status][]step{
	casework.Submitted:     nil,
	casework.NeedsInfo:     {{"clerk", casework.ActionRequestInfo, nil}},
	casework.Reviewing:     {{"clerk", casework.ActionAccept, nil}},
	casework.MeetingReview: toService[:2],
	casework.Rejected:      {{"clerk", casework.ActionReject, nil}},
	casework.Assigned:      toService[:3],
	casework.InService:     toService,
	casework.Suspended:     append(slices.Clone(toService), step{"specA", casework.ActionSuspend, nil}),
	casework.Closing:       toClosing,
	casework.Completed:     toCompleted,
	casework.Terminated: append(slices.Clone(toService),
		step{"specA", casework.ActionProposeClose, map[string]any{"result": "terminated", "explanation": "企业放弃"}},
		step{"head", casework.ActionSignOff, nil}),
	casework.Delivering: toDelivering,
	casework.Delivered:  toDelivered,
	casework.Archived:   append(slices.Clone(toDelivered), step{"specA", casework.ActionArchive, nil}),
}

// validPayload fills every field of the action's row with a valid value;
// ids name specialist A, or B when A already serves the case.
func (f *staffFixture) validPayload(a casework.Action, c caseJSON) map[string]any {
	t, _ := casework.Lookup(a)
	p := map[string]any{}
	for _, fl := range t.Fields {
		switch fl.Kind {
		case casework.KText:
			p[fl.Name] = "文本" + fl.Name
		case casework.KLongText:
			p[fl.Name] = "说明：" + fl.Name
		case casework.KInt:
			p[fl.Name] = max(fl.Min, 1)
		case casework.KEnum:
			p[fl.Name] = fl.Enum[0].Value
		case casework.KList:
			p[fl.Name] = []string{"材料一", "材料二"}
		case casework.KTime:
			p[fl.Name] = "2026-03-02 09:30"
		case casework.KBool:
			p[fl.Name] = false
		case casework.KID:
			id := f.users["specA"].ID
			if c.Specialist != nil && c.Specialist.ID == id {
				id = f.users["specB"].ID
			}
			p[fl.Name] = id
		}
	}
	return p
}

// submit types in a window case as the clerk.
func (f *staffFixture) submit() caseJSON {
	f.t.Helper()
	var c caseJSON
	f.call("POST", "/api/staff/v1/cases", f.token("clerk"), map[string]any{"channel": "window", "form": validForm()}, 201, &c)
	return c
}

// act takes an action as a fixture user and expects 200.
func (f *staffFixture) act(user string, c caseJSON, a casework.Action, payload map[string]any) caseJSON {
	f.t.Helper()
	if payload == nil {
		payload = f.validPayload(a, c)
	}
	body := map[string]any{"version": c.Version}
	for k, v := range payload {
		body[k] = v
	}
	var out caseJSON
	f.call("POST", fmt.Sprintf("/api/staff/v1/cases/%d/actions/%s", c.ID, a), f.token(user), body, 200, &out)
	return out
}

// caseAt submits a case and drives it to status s through the API.
func (f *staffFixture) caseAt(s casework.Status) caseJSON {
	f.t.Helper()
	path, ok := pathTo[s]
	if !ok {
		f.t.Fatalf("no path to %s", s)
	}
	c := f.submit()
	for _, st := range path {
		c = f.act(st.user, c, st.action, st.payload)
	}
	if c.Status != string(s) {
		f.t.Fatalf("path to %s ended in %s", s, c.Status)
	}
	return c
}

// get reads a case as a fixture user.
func (f *staffFixture) get(user string, id int64) caseJSON {
	f.t.Helper()
	var c caseJSON
	f.call("GET", fmt.Sprintf("/api/staff/v1/cases/%d", id), f.token(user), nil, 200, &c)
	return c
}

// addMatter routes a case to a department (the matters API is another
// file's; the row is all visibility needs).
func (f *staffFixture) addMatter(caseID int64, dept string) {
	f.t.Helper()
	now := f.clk.now().UTC()
	err := f.db.W.WithContext(context.Background()).Exec(
		"INSERT INTO department_matters (case_id, department, name, deadline, status, created_by, created_at, updated_at) VALUES (?, ?, ?, '', 'open', 0, ?, ?)",
		caseID, dept, "建设用地规划许可", now, now).Error
	if err != nil {
		f.t.Fatalf("add matter: %v", err)
	}
}

func casePath(id int64, rest string) string { return fmt.Sprintf("/api/staff/v1/cases/%d%s", id, rest) }
