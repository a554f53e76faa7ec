package mpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	"sunshine/app/cases"
	"sunshine/app/casework"
)

// Users, forms and staff actions shared by the tests.

// user is a logged-in mini-program user.
type user struct {
	Name, OpenID, Token string
	ID                  int64
}

// login logs a new simulator user in: code sim-<name> → openid sim-openid-<name>.
func (e *env) login(label string) *user {
	e.t.Helper()
	name := label + "-" + randomName()
	r := must(e.t, e.call("POST", "/api/mp/v1/login", "", map[string]string{"code": "sim-" + name}), 200)
	var out struct {
		Token string
		User  struct{ ID int64 }
	}
	r.decode(e.t, &out)
	return &user{Name: name, OpenID: "sim-openid-" + name, Token: out.Token, ID: out.User.ID}
}

// bind binds u to the enterprise of code (name is used when it is new).
func (e *env) bind(u *user, code, name, invite string) *resp {
	e.t.Helper()
	return e.call("PUT", "/api/mp/v1/enterprise", u.Token, map[string]string{"credit_code": code, "name": name,
		"member_name": "用户" + u.Name[:4], "invite_code": invite})
}

// verify has a clerk verify u at the window (papers seen in person).
func (e *env) verify(u *user) {
	e.t.Helper()
	if _, err := e.members.Verify(ctx, e.clerk.Actor, u.ID, "营业执照原件、授权委托书已现场核验"); err != nil {
		e.t.Fatalf("verify %s: %v", u.Name, err)
	}
}

// bindVerified binds u to the enterprise of code and has a clerk verify
// them: the first verified member becomes the administrator.
func (e *env) bindVerified(u *user, code, name string) {
	e.t.Helper()
	must(e.t, e.bind(u, code, name, ""), 200)
	e.verify(u)
}

// creditCode makes a valid credit code from a distinguishing number.
func creditCode(n int) string { return casework.CreditCodeWithCheck(fmt.Sprintf("91441700MA%07d", n)) }

// form is a complete application form for the enterprise of code.
func form(code, project string) map[string]any {
	return map[string]any{
		"enterprise": map[string]any{"name": "阳光科技有限公司", "address": "江城区东风三路1号", "nature": "有限责任公司",
			"lead":    map[string]string{"name": "张三", "title": "总经理", "phone": "13800138000"},
			"handler": map[string]string{"name": "李四", "title": "行政主管", "phone": "13900139000"},
			"email":   "contact@example.cn", "credit_code": code},
		"project": map[string]any{"name": project, "address": "高新区创业路2号", "code": "2026-441700-39-01-000123",
			"total_investment": 12000.5, "fund_sources": []string{"private"}, "floor_area": "35000",
			"land_nature": []string{"transferred"}, "key_project": "municipal", "purpose_scale": "厂房及配套用房",
			"progress": "已取得用地"},
		"entrustment": map[string]any{"stages": []string{"planning", "construction"},
			"matters": "建设工程规划许可证、施工许可证办理", "service_type": "assist"},
	}
}

// caseOut is the part of a case answer the tests look at.
type caseOut struct {
	ID         int64
	Number     string
	Status     string
	Stage      string
	Version    int
	Deadline   *string
	Overdue    bool
	Specialist *struct{ Name, Phone string }
	Timeline   []struct {
		Action  string
		Public  bool
		Payload map[string]any
	}
	Rating  *struct{ Score int }
	Actions []string
}

// submit files a case as u and returns it.
func (e *env) submit(u *user, code, project string) caseOut {
	e.t.Helper()
	var c caseOut
	must(e.t, e.call("POST", "/api/mp/v1/cases", u.Token, form(code, project)), 201).decode(e.t, &c)
	return c
}

// act applies a staff action through the case service.
func (e *env) act(v cases.Viewer, id int64, a casework.Action, payload map[string]any) *casework.Case {
	e.t.Helper()
	cur, err := e.cases.CanSee(ctx, v, id)
	if err != nil {
		e.t.Fatalf("%s: %v", a, err)
	}
	raw := map[string]json.RawMessage{}
	for k, v := range payload {
		raw[k], _ = json.Marshal(v)
	}
	c, err := e.cases.Act(ctx, v, id, casework.Request{Action: a, Version: cur.Version, Payload: raw})
	if err != nil {
		e.t.Fatalf("%s: %v", a, err)
	}
	return c
}

// toService walks a submitted case to in_service with e.spec.
func (e *env) toService(id int64) {
	e.t.Helper()
	e.act(e.clerk, id, casework.ActionAccept, map[string]any{"service_type": "assist", "promised_days": 10})
	e.act(e.clerk, id, casework.ActionPassReview, map[string]any{"content": "材料齐全", "materials": []string{"营业执照"}})
	e.act(e.head, id, casework.ActionAssign, map[string]any{"opinion": "同意交办", "specialist_id": e.spec.ID})
	e.act(e.spec, id, casework.ActionStart, nil)
}

// grant plays the user allowing subscribe templates: simulator credits and
// the signed push to this instance's /wechat/push.
func (e *env) grant(openid string, ids ...string) error {
	pushMu.Lock()
	defer pushMu.Unlock()
	sim.SetPushTarget(func(r *http.Request) (*http.Response, error) { return e.app.Test(r, -1) })
	defer sim.SetPushTarget(nil)
	return sim.Grant(openid, ids)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
