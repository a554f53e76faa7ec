package backoffice_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/bcrypt"

	"sunshine/app/accounts"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/system"
	"sunshine/app/system/systemtest"
	"sunshine/portal/backoffice"
	"sunshine/portal/site"
)

const password = "Passw0rd-staff"

var hash = func() string { h, _ := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost); return string(h) }()

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// env is the back office on a whole test system, one account per role.
type env struct {
	t     *testing.T
	sys   *system.System
	app   *fiber.App
	users map[string]*accounts.Staff
	clk   *clock
}

var roles = map[string]casework.Role{"clerk": casework.RoleClerk, "head": casework.RoleHead, "spec": casework.RoleSpecialist,
	"liaison": casework.RoleLiaison, "super": casework.RoleSupervisor, "admin": casework.RoleAdmin, "auditor": casework.RoleAuditor}

// Names and personal data the supervisor must never see.
const (
	specName  = "赵专员"
	leadName  = "张三"
	leadPhone = "13800138000"
	company   = "阳光科技有限公司"
	project   = "智能制造产业园"
)

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := &clock{t: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)} // Tuesday 09:00 in China
	sys := systemtest.New(t, systemtest.Options{Now: clk.Now})
	bo, err := backoffice.New(backoffice.DepsOf(sys))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, sys: sys, app: bo.App, users: map[string]*accounts.Staff{}, clk: clk}
	sfx := strings.ToLower(systemtest.RandomName())
	for name, role := range roles {
		full := role.Label() + name
		if name == "spec" {
			full = specName
		}
		dept := ""
		if role == casework.RoleLiaison {
			dept = "自然资源局"
		}
		s := &accounts.Staff{Username: name + "." + sfx, PasswordHash: hash, Role: role, Name: full, Department: dept,
			CreatedAt: clk.Now(), UpdatedAt: clk.Now()}
		if err := sys.DB.Staff().CreateStaff(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		e.users[name] = s
	}
	return e
}

// browser is one staff member's browser: the staff cookie.
type browser struct {
	e      *env
	cookie string
}

// login signs a role in as /staff/login does (a session with its CSRF
// token) and returns its browser.
func (e *env) login(name string) *browser {
	e.t.Helper()
	ctx := context.Background()
	res, err := e.sys.Accounts.Login(ctx, accounts.LoginInput{Username: e.users[name].Username, Password: password, IP: "192.0.2.1"})
	if err != nil || res.Token == "" {
		e.t.Fatalf("login %s: %v %+v", name, err, res)
	}
	if err := e.sys.Accounts.AttachSessionData(ctx, res.Token, site.NewSessionData()); err != nil {
		e.t.Fatal(err)
	}
	return &browser{e: e, cookie: res.Token}
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (b *browser) do(method, path string, form url.Values) (int, string, http.Header) {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "http://example.com")
	}
	if b != nil && b.cookie != "" {
		req.Header.Set("Cookie", "sunshine_staff_dev="+b.cookie)
	}
	resp, err := b.e.app.Test(req, -1)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw), resp.Header
}

func (b *browser) get(path string) (int, string) {
	b.e.t.Helper()
	st, body, _ := b.do("GET", path, nil)
	return st, body
}

// post sends a form with the CSRF token of the page at from; it returns
// the answer (a 303 after success, the page with messages after a refusal).
func (b *browser) post(from, path string, form url.Values) (int, string, http.Header) {
	b.e.t.Helper()
	st, page := b.get(from)
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		b.e.t.Fatalf("no CSRF token on %s (%d)", from, st)
	}
	form.Set("_csrf", m[1])
	return b.do("POST", path, form)
}

// fill gives every field of an action a valid value; promised_days is
// days and ids name the specialist.
func (e *env) fill(a casework.Action, days int) map[string]json.RawMessage {
	t, _ := casework.Lookup(a)
	p := map[string]json.RawMessage{}
	for _, f := range t.Fields {
		var v any
		switch f.Kind {
		case casework.KText:
			v = "文本"
		case casework.KLongText:
			v = "说明"
		case casework.KInt:
			v = max(f.Min, 1)
			if f.Name == "promised_days" {
				v = days
			}
		case casework.KEnum:
			v = f.Enum[0].Value
		case casework.KList:
			v = []string{"材料一"}
		case casework.KTime:
			v = "2026-12-01 09:30"
		case casework.KBool:
			v = false
		case casework.KID:
			v = e.users["spec"].ID
		default:
			continue
		}
		raw, _ := json.Marshal(v)
		p[f.Name] = raw
	}
	return p
}

// caseInService files a window case and takes it to in_service: the
// specialist holds it (the head's workload names them).
func (e *env) caseInService(days int) *casework.Case {
	e.t.Helper()
	ctx := context.Background()
	form := casework.Form{
		Enterprise: casework.EnterpriseInfo{Name: company, Address: "江城区东风三路1号", Nature: "有限责任公司",
			Lead: casework.Person{Name: leadName, Title: "总经理", Phone: leadPhone}, CreditCode: "91350100M000100Y43"},
		Project:     casework.Project{Name: project, Address: "高新区创业路2号", PurposeScale: "厂房", Progress: "已取得用地"},
		Entrustment: casework.Entrustment{Stages: []string{"planning"}, Matters: "施工许可证办理", ServiceType: "assist"},
	}
	c, err := e.sys.Cases.Submit(ctx, cases.Viewer{Actor: e.users["clerk"].Actor()}, cases.SubmitInput{Form: form, Channel: casework.ChannelWindow})
	if err != nil {
		e.t.Fatal(err, errs.FieldsOf(err))
	}
	for _, st := range []struct {
		who string
		a   casework.Action
	}{{"clerk", casework.ActionAccept}, {"clerk", casework.ActionPassReview}, {"head", casework.ActionAssign}, {"spec", casework.ActionStart}} {
		c, err = e.sys.Cases.Act(ctx, cases.Viewer{Actor: e.users[st.who].Actor()}, c.ID,
			casework.Request{Action: st.a, Version: c.Version, Payload: e.fill(st.a, days)})
		if err != nil {
			e.t.Fatalf("%s: %v %v", st.a, err, errs.FieldsOf(err))
		}
	}
	return c
}

// TestPagesByRole: each page opens for its roles and is the 403 page for
// every other staff role (三员分立: the admin gets 403 on the audit log).
func TestPagesByRole(t *testing.T) {
	e := newEnv(t)
	pages := map[string][]string{
		"/staff/dashboard":           {"head", "super"},
		"/staff/dashboard/data.json": {"head", "super"},
		"/staff/bulletins":           {"head", "super"},
		"/staff/admin/users":         {"admin"},
		"/staff/admin/departments":   {"admin"},
		"/staff/admin/calendar":      {"admin"},
		"/staff/admin/templates":     {"admin"},
		"/staff/admin/notifications": {"admin"},
		"/staff/audit":               {"auditor"},
		"/staff/audit/export.csv":    {"auditor"},
		"/staff/account":             {"clerk", "head", "spec", "liaison", "super", "admin", "auditor"},
	}
	browsers := map[string]*browser{}
	for name := range roles {
		browsers[name] = e.login(name)
	}
	for path, allowed := range pages {
		for name, b := range browsers {
			want := fiber.StatusForbidden
			for _, a := range allowed {
				if a == name {
					want = fiber.StatusOK
				}
			}
			if st, body := b.get(path); st != want {
				t.Errorf("%s as %s: %d, want %d\n%.300s", path, name, st, want, body)
			}
		}
	}
	// Signed out: the login page, coming back.
	st, _, h := (&browser{e: e}).do("GET", "/staff/dashboard", nil)
	if st != fiber.StatusSeeOther && st != fiber.StatusFound || !strings.HasPrefix(h.Get("Location"), "/staff/login?next=") {
		t.Fatalf("signed out: %d %s", st, h.Get("Location"))
	}
}

// TestSupervisorSeesNoPerson: the supervisor's dashboard, its data and the
// 通报 page hold no name, phone or case content; the head's dashboard names
// the specialist (so the check can fail).
func TestSupervisorSeesNoPerson(t *testing.T) {
	e := newEnv(t)
	c := e.caseInService(10)
	secrets := []string{specName, leadName, leadPhone, company, project, c.Number, e.users["head"].Name}
	sup := e.login("super")
	for _, path := range []string{"/staff/dashboard", "/staff/dashboard/data.json", "/staff/bulletins"} {
		st, body := sup.get(path)
		if st != 200 {
			t.Fatalf("%s: %d", path, st)
		}
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("supervisor's %s shows %q", path, s)
			}
		}
	}
	_, body := sup.get("/staff/dashboard")
	for _, want := range []string{"专员工作量（汇总）", "每月新受理与办结", "审批不及时", "echarts.min.js", "dashboard.js", `data-chart="flow"`} {
		if !strings.Contains(body, want) {
			t.Errorf("supervisor's dashboard lacks %q", want)
		}
	}
	_, body = e.login("head").get("/staff/dashboard")
	if !strings.Contains(body, specName) {
		t.Errorf("head's dashboard lacks the specialist's workload row")
	}
	// ECharts only on the dashboard.
	if _, body := sup.get("/staff/bulletins"); strings.Contains(body, "echarts") {
		t.Error("the bulletins page loads ECharts")
	}
}

// TestBulletins: the supervisor records one through the page; a bad one is
// refused with messages next to the fields and stores nothing; the head
// sees only those about the center.
func TestBulletins(t *testing.T) {
	e := newEnv(t)
	sup := e.login("super")
	if _, err := e.sys.Admin.CreateDepartment(context.Background(), e.users["admin"].Actor(), "江城区交通运输局"); err != nil {
		t.Fatal(err)
	}
	st, body, _ := sup.post("/staff/bulletins", "/staff/bulletins", url.Values{"subject": {"department"}, "department": {""},
		"period_from": {"2026-11-01"}, "period_to": {"2026-10-01"}, "title": {""}, "findings": {"x"}})
	if st != fiber.StatusUnprocessableEntity || !strings.Contains(body, "请选择被通报的审批部门") || !strings.Contains(body, "结束日期不能早于开始日期") {
		t.Fatalf("bad bulletin: %d %.2000s", st, body)
	}
	for _, f := range []url.Values{
		{"subject": {"department"}, "department": {"江城区交通运输局"}, "period_from": {"2026-11-01"}, "period_to": {"2026-11-30"},
			"title": {"11月审批超期通报"}, "findings": {"3件事项超期"}},
		{"subject": {"center"}, "department": {"江城区交通运输局"}, "period_from": {"2026-11-01"}, "period_to": {"2026-11-30"},
			"title": {"中心11月办理情况通报"}, "findings": {"按时办结率偏低"}},
	} {
		if st, body, h := sup.post("/staff/bulletins", "/staff/bulletins", f); st != fiber.StatusSeeOther {
			t.Fatalf("bulletin: %d %s %.1500s", st, h.Get("Location"), body)
		}
	}
	_, body = sup.get("/staff/bulletins")
	if !strings.Contains(body, "11月审批超期通报") || !strings.Contains(body, "中心11月办理情况通报") {
		t.Fatalf("supervisor's list: %.2000s", body)
	}
	st, body = e.login("head").get("/staff/bulletins")
	if st != 200 || !strings.Contains(body, "中心11月办理情况通报") || strings.Contains(body, "11月审批超期通报") || strings.Contains(body, "发布通报</button>") {
		t.Fatalf("head's list: %d %.2000s", st, body)
	}
	if st, _, _ := e.login("head").post("/staff/bulletins", "/staff/bulletins", url.Values{"subject": {"center"}}); st != fiber.StatusForbidden {
		t.Fatalf("head posting a bulletin: %d", st)
	}
}

// TestCalendarYearThroughThePage: the admin enters the 2027 year; the
// calendar counts it at once; a bad line is refused naming the line and
// changes nothing.
func TestCalendarYearThroughThePage(t *testing.T) {
	e := newEnv(t)
	adm := e.login("admin")
	jan4, _ := time.Parse(time.DateOnly, "2027-01-04")
	if !e.sys.Calendar.IsWorkingDay(jan4) {
		t.Fatal("2027-01-04 (a Monday) already off before the year is entered")
	}
	st, body, _ := adm.post("/staff/admin/calendar", "/staff/admin/calendar", url.Values{"year": {"2027"},
		"days": {"2027-01-01 休 元旦\n2027-01-04 休 测试\n2027-13-01 休 坏日期"}, "source": {"国办发明电〔2026〕1号"}})
	if st != fiber.StatusUnprocessableEntity || !strings.Contains(body, "第3行") {
		t.Fatalf("bad line: %d %.3000s", st, body)
	}
	if !e.sys.Calendar.IsWorkingDay(jan4) {
		t.Fatal("a refused year changed the calendar")
	}
	st, _, h := adm.post("/staff/admin/calendar", "/staff/admin/calendar", url.Values{"year": {"2027"},
		"days": {"2027-01-01 休 元旦\n\n2027-01-04 holiday 测试假期\n2027-01-09，班，调休上班"}, "source": {"国办发明电〔2026〕1号"}})
	if st != fiber.StatusSeeOther || h.Get("Location") != "/staff/admin/calendar?year=2027" {
		t.Fatalf("year: %d %s", st, h.Get("Location"))
	}
	sat, _ := time.Parse(time.DateOnly, "2027-01-09")
	if e.sys.Calendar.IsWorkingDay(jan4) || !e.sys.Calendar.IsWorkingDay(sat) {
		t.Fatal("the entered year is not in the calendar")
	}
	_, body = adm.get("/staff/admin/calendar?year=2027")
	for _, want := range []string{"测试假期", "调休上班", "2027-01-09 班 调休上班"} {
		if !strings.Contains(body, want) {
			t.Errorf("calendar page lacks %q", want)
		}
	}
}

// TestDepartmentsThroughThePage: add, a duplicate refused, rename, disable,
// delete one nothing names.
func TestDepartmentsThroughThePage(t *testing.T) {
	e := newEnv(t)
	adm := e.login("admin")
	if st, _, _ := adm.post("/staff/admin/departments", "/staff/admin/departments", url.Values{"name": {"江城区交通运输局"}}); st != fiber.StatusSeeOther {
		t.Fatalf("add: %d", st)
	}
	st, body, _ := adm.post("/staff/admin/departments", "/staff/admin/departments", url.Values{"name": {"江城区交通运输局"}})
	if st != fiber.StatusConflict && st != fiber.StatusUnprocessableEntity {
		t.Fatalf("duplicate: %d %.1000s", st, body)
	}
	list, _ := e.sys.Admin.Departments(context.Background(), e.users["admin"].Actor())
	var id int64
	n := 0
	for _, d := range list {
		if d.Name == "江城区交通运输局" {
			id, n = d.ID, n+1
		}
	}
	if n != 1 {
		t.Fatalf("departments named so: %d", n)
	}
	p := fmt.Sprintf("/staff/admin/departments/%d", id)
	for _, step := range []struct {
		path string
		form url.Values
	}{{p + "/rename", url.Values{"name": {"江城区交通局"}}}, {p + "/disable", url.Values{}}, {p + "/delete", url.Values{}}} {
		if st, body, _ := adm.post("/staff/admin/departments", step.path, step.form); st != fiber.StatusSeeOther {
			t.Fatalf("%s: %d %.1000s", step.path, st, body)
		}
	}
	list, _ = e.sys.Admin.Departments(context.Background(), e.users["admin"].Actor())
	for _, d := range list {
		if d.ID == id {
			t.Fatalf("deleted department still listed: %+v", d)
		}
	}
}

// TestUsersThroughThePage: create, disable/enable, change role, reset the
// password; the admin cannot disable themselves.
func TestUsersThroughThePage(t *testing.T) {
	e := newEnv(t)
	adm := e.login("admin")
	st, body, _ := adm.post("/staff/admin/users", "/staff/admin/users", url.Values{"username": {"new.clerk"}, "name": {"新窗口"},
		"password": {"short"}, "role": {"clerk"}})
	if st != fiber.StatusUnprocessableEntity || !strings.Contains(body, "密码") || !strings.Contains(body, `value="new.clerk"`) {
		t.Fatalf("weak password: %d %.1500s", st, body)
	}
	if st, _, _ := adm.post("/staff/admin/users", "/staff/admin/users", url.Values{"username": {"new.clerk"}, "name": {"新窗口"},
		"password": {"Window-Clerk-2026"}, "role": {"clerk"}}); st != fiber.StatusSeeOther {
		t.Fatalf("create: %d", st)
	}
	list, _ := e.sys.Accounts.Users(context.Background(), e.users["admin"].Actor(), "")
	var u accounts.Staff
	for _, x := range list {
		if x.Username == "new.clerk" {
			u = x
		}
	}
	if u.ID == 0 || u.Role != casework.RoleClerk {
		t.Fatalf("created: %+v", u)
	}
	p := fmt.Sprintf("/staff/admin/users/%d", u.ID)
	for _, step := range []struct {
		path string
		form url.Values
	}{{p + "/disable", url.Values{}}, {p + "/enable", url.Values{}}, {p + "/role", url.Values{"role": {"head"}}},
		{p + "/password", url.Values{"password": {"Temp-Passw0rd-9"}}}} {
		if st, body, _ := adm.post("/staff/admin/users", step.path, step.form); st != fiber.StatusSeeOther {
			t.Fatalf("%s: %d %.1000s", step.path, st, body)
		}
	}
	got, _ := e.sys.Accounts.User(context.Background(), e.users["admin"].Actor(), u.ID)
	if got.Role != casework.RoleHead || got.Disabled || !got.MustChangePassword {
		t.Fatalf("after the row forms: %+v", got)
	}
	st, body, _ = adm.post("/staff/admin/users", fmt.Sprintf("/staff/admin/users/%d/disable", e.users["admin"].ID), url.Values{})
	if st < 400 || st == fiber.StatusInternalServerError {
		t.Fatalf("disabling oneself: %d %.500s", st, body)
	}
}

// TestAuditLog: the auditor filters and exports; the page and the export
// are audited; the admin gets 403.
func TestAuditLog(t *testing.T) {
	e := newEnv(t)
	if _, err := e.sys.Admin.CreateDepartment(context.Background(), e.users["admin"].Actor(), "江城区交通运输局"); err != nil {
		t.Fatal(err)
	}
	aud := e.login("auditor")
	st, body := aud.get("/staff/audit?action=department.create")
	if st != 200 || !strings.Contains(body, "department.create") || strings.Contains(body, "staff.login</td>") {
		t.Fatalf("filtered: %d %.2000s", st, body)
	}
	if st, body := aud.get("/staff/audit?from=2026-13-01"); st != fiber.StatusUnprocessableEntity || !strings.Contains(body, "日期格式应为") {
		t.Fatalf("bad date: %d", st)
	}
	st, body, h := aud.do("GET", "/staff/audit/export.csv?action=department.create", nil)
	if st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(body, "department.create") {
		t.Fatalf("export: %d %s %.500s", st, h.Get("Content-Type"), body)
	}
	_, body = aud.get("/staff/audit?action=audit.export")
	if !strings.Contains(body, "audit.export") {
		t.Errorf("the export is not in the audit log: %.1500s", body)
	}
	if st, _ := e.login("admin").get("/staff/audit"); st != fiber.StatusForbidden {
		t.Fatalf("admin on the audit log: %d", st)
	}
}

// TestAccountPasswordAndTOTP: a wrong current password stays on the page
// with its message; a right one ends the session; enrolment shows a QR
// code and, after a valid code, the recovery codes once.
func TestAccountPasswordAndTOTP(t *testing.T) {
	e := newEnv(t)
	spec := e.login("spec")
	st, body, _ := spec.post("/staff/account", "/staff/account/totp", url.Values{})
	if st != 200 || !strings.Contains(body, `src="data:image/png;base64,`) {
		t.Fatalf("enrol: %d %.1000s", st, body)
	}
	secret := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(body)
	if secret == nil {
		t.Fatal("no secret on the page")
	}
	st, body, _ = spec.post("/staff/account", "/staff/account/totp/confirm", url.Values{"code": {"000000"}})
	if st != fiber.StatusUnprocessableEntity || !strings.Contains(body, `src="data:image/png;base64,`) {
		t.Fatalf("wrong code: %d %.1000s", st, body)
	}
	code, _ := totp.GenerateCode(secret[1], e.clk.Now())
	st, body, _ = spec.post("/staff/account", "/staff/account/totp/confirm", url.Values{"code": {code}})
	if st != 200 || !strings.Contains(body, "恢复码（只显示这一次）") {
		t.Fatalf("confirm: %d %.1500s", st, body)
	}
	st, body, _ = spec.post("/staff/account", "/staff/account/password", url.Values{"current_password": {"wrong-one-1"},
		"new_password": {"New-Passw0rd-2026"}, "confirm_password": {"New-Passw0rd-2026"}})
	if st != fiber.StatusUnprocessableEntity || !strings.Contains(body, "当前密码不正确") {
		t.Fatalf("wrong current: %d %.1500s", st, body)
	}
	st, _, h := spec.post("/staff/account", "/staff/account/password", url.Values{"current_password": {password},
		"new_password": {"New-Passw0rd-2026"}, "confirm_password": {"New-Passw0rd-2026"}})
	if st != fiber.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/staff/login") {
		t.Fatalf("change: %d %s", st, h.Get("Location"))
	}
	if st, _, _ := spec.do("GET", "/staff/account", nil); st != fiber.StatusSeeOther && st != fiber.StatusFound {
		t.Fatalf("the session survived the password change: %d", st)
	}
}

// TestFailedNotificationRetry: a hotline callback that fails (no callback
// URL) is listed on the page without its content; retry puts it back in
// the queue; a second retry is refused and changes nothing.
func TestFailedNotificationRetry(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, err := e.sys.Cases.Submit(ctx, cases.Viewer{Actor: casework.Actor{Role: casework.RoleHotline, Name: "2135热线"}},
		cases.SubmitInput{Form: casework.Form{Enterprise: casework.EnterpriseInfo{Name: company, CreditCode: "91350100M000100Y43",
			Lead: casework.Person{Name: leadName, Phone: leadPhone}}, Project: casework.Project{Name: project},
			Entrustment: casework.Entrustment{Matters: "咨询审批"}}, Channel: casework.ChannelHotline, Mode: casework.FormIntake, HotlineOrder: "HL-BO-1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sys.Cases.Act(ctx, cases.Viewer{Actor: e.users["clerk"].Actor()}, c.ID, casework.Request{Action: casework.ActionReject,
		Version: c.Version, Payload: map[string]json.RawMessage{"reason": json.RawMessage(`"不属于审批事项"`)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sys.Notify.NewWorker("t").RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	adm := e.login("admin")
	st, body := adm.get("/staff/admin/notifications")
	m := regexp.MustCompile(`action="/staff/admin/notifications/(\d+)/retry"`).FindStringSubmatch(body)
	if st != 200 || m == nil || !strings.Contains(body, "热线工单办结回传") {
		t.Fatalf("failed list: %d %.2000s", st, body)
	}
	for _, s := range []string{leadName, leadPhone, project} {
		if strings.Contains(body, s) {
			t.Errorf("the outbox page shows %q", s)
		}
	}
	retry := "/staff/admin/notifications/" + m[1] + "/retry"
	if st, _, _ := adm.post("/staff/admin/notifications", retry, url.Values{}); st != fiber.StatusSeeOther {
		t.Fatalf("retry: %d", st)
	}
	if _, body := adm.get("/staff/admin/notifications"); strings.Contains(body, retry) {
		t.Fatal("still failed after the retry")
	}
	if st, _, _ := adm.post("/staff/admin/notifications?state=pending", retry, url.Values{}); st != fiber.StatusConflict {
		t.Fatalf("second retry: %d", st)
	}
}
