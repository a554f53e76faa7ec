package workbench_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"sunshine/app/accounts"
	"sunshine/app/casework"
	"sunshine/app/system"
	"sunshine/app/system/systemtest"
	"sunshine/portal/workbench"
)

const password = "Passw0rd-staff"

var hash = func() string { h, _ := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost); return string(h) }()

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// env is the workbench on a whole test system, with one account per role.
type env struct {
	t     *testing.T
	sys   *system.System
	app   *fiber.App
	users map[string]*accounts.Staff
	sfx   string
	clk   *clock
}

func newEnv(t *testing.T) *env { return newEnvWith(t, nil) }

func newEnvWith(t *testing.T, vars map[string]string) *env {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} // a Monday
	sys := systemtest.New(t, systemtest.Options{Now: clk.Now, Env: vars})
	wb, err := workbench.New(workbench.DepsOf(sys))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, sys: sys, app: wb.App, users: map[string]*accounts.Staff{}, clk: clk, sfx: strings.ToLower(systemtest.RandomName())}
	for i, u := range []struct {
		name string
		role casework.Role
		dept string
	}{{"clerk", casework.RoleClerk, ""}, {"clerk2", casework.RoleClerk, ""}, {"head", casework.RoleHead, ""},
		{"spec", casework.RoleSpecialist, ""}, {"liaison", casework.RoleLiaison, "自然资源局"},
		{"super", casework.RoleSupervisor, ""}} {
		s := &accounts.Staff{ID: int64(1000 + i), Username: u.name + "." + e.sfx, PasswordHash: hash, Role: u.role,
			Name: u.role.Label() + u.name, Department: u.dept, CreatedAt: clk.Now(), UpdatedAt: clk.Now()}
		if err := sys.DB.Staff().CreateStaff(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		e.users[u.name] = s
	}
	return e
}

// browser is one person's browser: its cookies, and the last page.
type browser struct {
	e       *env
	cookies map[string]string
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (e *env) browser() *browser { return &browser{e: e, cookies: map[string]string{}} }

// do sends one request; redirects are not followed.
func (b *browser) do(method, path string, form url.Values) (int, string, http.Header) {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	var cs []string
	for k, v := range b.cookies {
		cs = append(cs, k+"="+v)
	}
	req.Header.Set("Cookie", strings.Join(cs, "; "))
	resp, err := b.e.app.Test(req, -1)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw), resp.Header
}

// get follows redirects and returns the final page.
func (b *browser) get(path string) (int, string) {
	b.e.t.Helper()
	for i := 0; i < 5; i++ {
		st, body, h := b.do("GET", path, nil)
		if st != fiber.StatusSeeOther && st != fiber.StatusFound {
			return st, body
		}
		path = h.Get("Location")
	}
	b.e.t.Fatal("too many redirects")
	return 0, ""
}

// post sends a form with the CSRF token of the page at from, and follows
// the redirect.
func (b *browser) post(from, path string, form url.Values) (int, string) {
	b.e.t.Helper()
	_, page := b.get(from)
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		b.e.t.Fatalf("no CSRF token on %s", from)
	}
	form.Set("_csrf", m[1])
	st, body, h := b.do("POST", path, form)
	if st == fiber.StatusSeeOther {
		return b.get(h.Get("Location"))
	}
	return st, body
}

func (e *env) login(name string) *browser {
	e.t.Helper()
	b := e.browser()
	st, body := b.post("/staff/login", "/staff/login", url.Values{"username": {e.users[name].Username}, "password": {password}})
	if st != 200 && st != 404 { // backoffice homes are not mounted here
		e.t.Fatalf("login %s: %d %s", name, st, body)
	}
	return b
}

func TestLoginAndHomes(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	st, body := b.post("/staff/login", "/staff/login", url.Values{"username": {e.users["clerk"].Username}, "password": {"wrong-password"}})
	if st != 401 || !strings.Contains(body, "用户名或密码错误") {
		t.Fatalf("wrong password: %d, want 401 with the message", st)
	}
	if st, _, _ := b.do("POST", "/staff/login", url.Values{"username": {"x"}, "password": {"y"}}); st != 403 {
		t.Fatalf("login without its CSRF token: got %d, want 403", st)
	}
	for name, want := range map[string]string{"clerk": "待受理", "head": "例会审核", "spec": "我的案件", "liaison": "部门事项"} {
		_, body := e.login(name).get("/staff")
		if !strings.Contains(body, want) {
			t.Errorf("%s home lacks %q", name, want)
		}
	}
	_, _, h := e.login("super").do("GET", "/staff", nil)
	if got := h.Get("Location"); got != "/staff/dashboard" {
		t.Errorf("supervisor home: redirect to %q, want /staff/dashboard", got)
	}
	// Signed out: back to the login page, which comes back.
	_, _, h = e.browser().do("GET", "/staff/cases?q=x", nil)
	if got := h.Get("Location"); got != "/staff/login?next=%2Fstaff%2Fcases%3Fq%3Dx" {
		t.Errorf("signed out: redirect to %q", got)
	}
}

// intake creates a window case through the intake page and returns its id.
func intake(t *testing.T, clerk *browser) int64 {
	t.Helper()
	form := url.Values{"channel": {"window"}, "enterprise.name": {"阳光科技有限公司"}, "enterprise.lead.name": {"张三"},
		"enterprise.lead.phone": {"13812345678"}, "project.name": {"智能制造产业园"},
		"entrustment.matters": {"施工许可证办理"}, "entrustment.stages": {"construction", "completion"}}
	st, body := clerk.post("/staff/intake", "/staff/intake", form)
	if st != 200 || !strings.Contains(body, "已登记，受理编号") {
		t.Fatalf("intake: %d %s", st, body)
	}
	m := regexp.MustCompile(`/staff/cases/(\d+)/actions/accept`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the clerk's case page has no accept form")
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func (e *env) version(id int64) int {
	c, err := e.sys.DB.Cases().Case(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.Version
}

func TestForbiddenActionHasNoButtonAnd403(t *testing.T) {
	e := newEnv(t)
	id := intake(t, e.login("clerk"))
	head := e.login("head")
	page := "/staff/cases/" + strconv.FormatInt(id, 10)
	_, body := head.get(page)
	if strings.Contains(body, "/actions/accept") {
		t.Fatal("the head's page has the clerk's accept form")
	}
	before := e.version(id)
	st, body := head.post(page, page+"/actions/accept", url.Values{"version": {strconv.Itoa(before)}, "service_type": {"agency"}})
	if st != 403 {
		t.Fatalf("head posts accept: got %d, want 403", st)
	}
	if e.version(id) != before {
		t.Fatal("a refused action changed the case")
	}
}

func TestStaleVersionShowsFreshCase(t *testing.T) {
	e := newEnv(t)
	clerk := e.login("clerk")
	id := intake(t, clerk)
	page := "/staff/cases/" + strconv.FormatInt(id, 10)
	stale := e.version(id)
	// Another clerk accepts meanwhile.
	other := e.login("clerk2")
	if st, body := other.post(page, page+"/actions/accept", url.Values{"version": {strconv.Itoa(stale)}, "service_type": {"agency"}}); st != 200 || !strings.Contains(body, "已受理") {
		t.Fatalf("accept: %d", st)
	}
	st, body := clerk.post(page, page+"/actions/request_info", url.Values{"version": {strconv.Itoa(stale)}, "reason": {"缺营业执照"}})
	if st != 409 || !strings.Contains(body, "此案件已被他人更新") || !strings.Contains(body, "审核中") && !strings.Contains(body, casework.Reviewing.Label()) {
		t.Fatalf("stale post: %d, want 409 with the refresh message and the fresh case", st)
	}
	// The version poll tells the page.
	if st, _, _ := clerk.do("GET", page+"/version?v="+strconv.Itoa(e.version(id)), nil); st != 204 {
		t.Fatalf("version poll at the current version: %d, want 204", st)
	}
	if st, body, _ := clerk.do("GET", page+"/version?v="+strconv.Itoa(stale), nil); st != 200 || !strings.Contains(body, "已被他人更新") {
		t.Fatalf("version poll after a change: %d", st)
	}
}

func TestListSortAndExport(t *testing.T) {
	e := newEnv(t)
	clerk := e.login("clerk")
	intake(t, clerk)
	if st, body := clerk.get("/staff/cases?q=" + url.QueryEscape("智能制造") + "&sort=deadline"); st != 200 || !strings.Contains(body, "导出 Excel") {
		t.Fatalf("list by deadline: %d", st)
	}
	if st, _ := clerk.get("/staff/cases?sort=deadline&cursor=bad"); st != 400 {
		t.Fatalf("a bad cursor: %d, want 400", st)
	}
	st, body, h := clerk.do("GET", "/staff/cases/export.xlsx?q="+url.QueryEscape("智能制造"), nil)
	if st != 200 || !strings.HasPrefix(body, "PK") || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export: %d %q", st, h.Get("Content-Type"))
	}
	if st, _, h := e.browser().do("GET", "/staff/cases/export.xlsx", nil); st != 303 || !strings.HasPrefix(h.Get("Location"), "/staff/login") {
		t.Fatalf("export signed out: %d", st)
	}
}

// postScan sends a multipart form with a small PNG as "scan" and the CSRF
// token of the page at from, and follows the redirect.
func (b *browser) postScan(from, path string, form url.Values) (int, string) {
	b.e.t.Helper()
	_, page := b.get(from)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", csrfRe.FindStringSubmatch(page)[1])
	for k, vs := range form {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile("scan", "评价表.png")
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	_ = png.Encode(fw, img)
	w.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	var cs []string
	for k, v := range b.cookies {
		cs = append(cs, k+"="+v)
	}
	req.Header.Set("Cookie", strings.Join(cs, "; "))
	resp, err := b.e.app.Test(req, -1)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	for _, c := range resp.Cookies() {
		b.cookies[c.Name] = c.Value
	}
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == fiber.StatusSeeOther {
		return b.get(resp.Header.Get("Location"))
	}
	return resp.StatusCode, string(raw)
}

// TestIntakeTwiceMakesOneCase: the intake form carries one key per page
// load, so the same form sent twice (a double click, a retry after a lost
// answer) makes one case; a new form makes another.
func TestIntakeTwiceMakesOneCase(t *testing.T) {
	e := newEnv(t)
	clerk := e.login("clerk")
	form := url.Values{"channel": {"window"}, "enterprise.name": {"阳光科技有限公司"}, "enterprise.lead.name": {"张三"},
		"enterprise.lead.phone": {"13812345678"}, "project.name": {"智能制造产业园"},
		"entrustment.matters": {"施工许可证办理"}, "idempotency_key": {"wb-test-one-form"}}
	number := regexp.MustCompile(`已登记，受理编号 (YGDB-\d{4}-\d+)`)
	var got []string
	for i := 0; i < 2; i++ {
		st, body := clerk.post("/staff/intake", "/staff/intake", form)
		m := number.FindStringSubmatch(body)
		if st != 200 || m == nil {
			t.Fatalf("intake %d: %d %s", i+1, st, body)
		}
		got = append(got, m[1])
	}
	if got[0] != got[1] {
		t.Fatalf("the same form twice made %s and %s, want one case", got[0], got[1])
	}
	form.Set("idempotency_key", "wb-test-another-form")
	_, body := clerk.post("/staff/intake", "/staff/intake", form)
	if m := number.FindStringSubmatch(body); m == nil || m[1] == got[0] {
		t.Fatalf("a new form: %v, want a new case", m)
	}
}
