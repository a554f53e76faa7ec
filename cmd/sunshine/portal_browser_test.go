package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/prometheus/client_golang/prometheus"

	"sunshine/app/accounts"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/system"
	"sunshine/app/system/systemtest"
	bt "sunshine/portal/browsertest"
)

// portalServer is the real root app (every surface, from the composition
// root) on a local port, with a clock the test can move.
type portalServer struct {
	URL    string
	sys    *system.System
	offset atomic.Int64 // added to the real time
}

func (p *portalServer) now() time.Time { return time.Now().Add(time.Duration(p.offset.Load())) }

func startPortal(t *testing.T) *portalServer {
	t.Helper()
	p := &portalServer{}
	p.sys = systemtest.New(t, systemtest.Options{Now: p.now})
	root := newRoot(rootOptions{Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), BodyMB: 20,
		Checks: p.sys.Ready()})
	if err := mountSurfaces(root, p.sys); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	wait := p.sys.Start(ctx)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go root.Listener(ln)
	t.Cleanup(func() { _ = root.Shutdown(); cancel(); wait() })
	p.URL = "http://" + ln.Addr().String()
	return p
}

// api calls a JSON API of the server.
func (p *portalServer) api(t *testing.T, method, path, token string, body any) map[string]any {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	out := map[string]any{}
	_ = json.Unmarshal(raw, &out)
	return out
}

// staffToken creates a staff account and logs it in through the staff API.
func (p *portalServer) staffToken(t *testing.T, role casework.Role, name string) (string, int64) {
	t.Helper()
	user := string(role) + "_" + systemtest.RandomName()
	s, err := accounts.CreateStaff(context.Background(), p.sys.DB.Staff(), accounts.NewStaff{Username: user,
		Password: "Passw0rd-" + user, Role: role, Name: name, Phone: "13812341234"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	out := p.api(t, "POST", "/api/staff/v1/login", "", map[string]string{"username": user, "password": "Passw0rd-" + user})
	tok, _ := out["token"].(string)
	if tok == "" {
		t.Fatalf("staff login %s: %v", role, out)
	}
	return tok, s.ID
}

// staffAct applies a workflow action through the staff API at the case's
// current version.
func (p *portalServer) staffAct(t *testing.T, token string, id int64, action string, payload map[string]any) {
	t.Helper()
	c := p.api(t, "GET", fmt.Sprintf("/api/staff/v1/cases/%d", id), token, nil)
	body := map[string]any{"version": c["version"]}
	for k, v := range payload {
		body[k] = v
	}
	p.api(t, "POST", fmt.Sprintf("/api/staff/v1/cases/%d/actions/%s", id, action), token, body)
}

// waitFor polls the page until cond (a JS expression) is true; a page
// that navigates meanwhile is polled again.
func waitFor(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool](cond))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
			t.Fatalf("waiting for %s: %v\npage: %.1500s", what, err, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func bodyText(t *testing.T, ctx context.Context) string {
	return bt.Get(t, ctx, "body text", chromedp.Evaluate[string](`document.body.innerText`))
}

func samplePNG(t *testing.T) string {
	img := image.NewRGBA(image.Rect(0, 0, 40, 40))
	for x := 0; x < 40; x++ {
		img.Set(x, x, color.Black)
	}
	path := filepath.Join(t.TempDir(), "营业执照.png")
	f, _ := os.Create(path)
	_ = png.Encode(f, img)
	f.Close()
	return path
}

var caseURL = regexp.MustCompile(`/cases/(\d+)$`)

// TestPortalInBrowser is issue #8's done-when: an enterprise logs in by
// scanning through the simulator, fills and submits the whole form, sees
// its case and stages; staff move the case to delivery through the staff
// API; the enterprise sees the delivery notice, confirms receipt, rates and
// sees its rating. Along the way: a post without the CSRF token is refused
// and changes nothing, an expired ticket gets a clear page, another
// enterprise's case is the 404 page; every main page is screenshot at
// desktop and phone widths, checked with axe-core and for sideways
// scrolling at 360 px, and its first load is measured.
func TestPortalInBrowser(t *testing.T) {
	ctx := bt.New(t)
	srv := startPortal(t)
	u := srv.URL
	shoot := func(name string) {
		t.Helper()
		bt.Axe(t, ctx, name)
		bt.NoSideScroll(t, ctx, name, bt.Phone)
		bt.Screenshot(t, ctx, name, bt.Phone)
		bt.Screenshot(t, ctx, name, bt.Desktop)
	}

	// Home, then the login page with its code.
	bt.Do(t, ctx, "home", chromedp.Navigate(u+"/"), chromedp.WaitVisible(chromedp.CSS("h1")))
	shoot("home")
	bt.Do(t, ctx, "login", chromedp.Navigate(u+"/cases/new"), chromedp.WaitVisible(chromedp.CSS("img.qr")))
	if loc := bt.Get(t, ctx, "location", chromedp.Location()); !strings.Contains(loc, "/login?next=%2Fcases%2Fnew") {
		t.Fatalf("unauthenticated visit went to %s, want the login page coming back", loc)
	}
	waitFor(t, ctx, "the code image", `document.querySelector("img.qr").naturalWidth > 0`)
	shoot("login")
	src := bt.Get(t, ctx, "code src", chromedp.Evaluate[string](`document.querySelector("img.qr").getAttribute("src")`))
	ticket := strings.TrimPrefix(src, "/login/code?t=")

	// The phone: the simulator logs a user in and confirms the ticket.
	name := "portal-" + systemtest.RandomName()
	resp, err := http.PostForm(u+"/dev/wechat/scan", url.Values{"ticket": {ticket}, "name": {name}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("simulated scan: %v %v", err, resp)
	}
	resp.Body.Close()
	waitFor(t, ctx, "the login to come back to the form", `location.pathname === "/cases/new"`)

	// The enterprise: claimed by credit code.
	code := casework.CreditCodeWithCheck(fmt.Sprintf("91441700MA%07d", time.Now().UnixNano()%10000000))
	bt.Do(t, ctx, "enterprise", chromedp.Navigate(u+"/enterprise"), chromedp.WaitVisible(chromedp.ID("f-credit_code")),
		chromedp.SetValue(chromedp.ID("f-credit_code"), code), chromedp.SetValue(chromedp.ID("f-name"), "阳光科技有限公司"),
		chromedp.SetValue(chromedp.ID("f-member_name"), "张三"))
	bt.Do(t, ctx, "bind", chromedp.Click(chromedp.CSS(`form[action="/enterprise"] button[type=submit]`)))
	waitFor(t, ctx, "the enterprise saved", `document.body.innerText.includes("企业信息已保存")`)
	shoot("enterprise")

	// The whole application form.
	bt.Do(t, ctx, "form", chromedp.Navigate(u+"/cases/new"), chromedp.WaitVisible(chromedp.ID("application")))
	fields := map[string]string{
		"f-enterprise-address": "江城区东风三路1号", "f-enterprise-nature": "有限责任公司",
		"f-enterprise-lead-name": "张三", "f-enterprise-lead-title": "总经理", "f-enterprise-lead-phone": "13800138000",
		"f-enterprise-handler-name": "李四", "f-enterprise-handler-title": "行政主管", "f-enterprise-handler-phone": "0662-3388123",
		"f-enterprise-email": "contact@example.cn", "f-project-name": "阳光新材料产业园一期",
		"f-project-address": "高新区创业路2号", "f-project-code": "2026-441700-39-01-000123",
		"f-project-total_investment": "12000.50", "f-project-floor_area": "35000",
		"f-project-fund_source_other": "银行贷款",
		"f-project-purpose_scale":     "厂房及配套用房，年产新材料5万吨", "f-project-progress": "已取得用地，正在办理规划许可",
		"f-entrustment-stages_other": "消防验收", "f-entrustment-matters": "建设工程规划许可证、施工许可证办理",
		"f-entrustment-remarks": "希望尽快安排专员对接",
	}
	var acts []chromedp.Action[chromedp.Void]
	for id, v := range fields {
		acts = append(acts, chromedp.SetValue(chromedp.ID(id), v))
	}
	for _, box := range []string{`project.fund_sources"][value="private`, `project.fund_sources"][value="other`,
		`project.land_nature"][value="transferred`, `project.key_project"][value="municipal`,
		`entrustment.service_type"][value="agency`, `entrustment.stages"][value="planning`,
		`entrustment.stages"][value="construction`, `entrustment.stages"][value="other`} {
		acts = append(acts, chromedp.Click(chromedp.CSS(`input[name="`+box+`"]`)))
	}
	acts = append(acts, chromedp.SetUploadFiles(chromedp.ID("f-materials"), []string{samplePNG(t)}))
	bt.Do(t, ctx, "fill the form", acts...)
	shoot("case-new")
	bt.Do(t, ctx, "submit", chromedp.Click(chromedp.CSS(`#application button[type=submit]`)))
	waitFor(t, ctx, "the case page", `/^\/cases\/\d+$/.test(location.pathname) && document.querySelector(".stages") !== null`)
	loc := bt.Get(t, ctx, "case url", chromedp.Location())
	var id int64
	fmt.Sscan(caseURL.FindStringSubmatch(loc)[1], &id)
	text := bodyText(t, ctx)
	for _, want := range []string{"申请已提交", "阳光新材料产业园一期", "前台受理", "跟踪服务", "办结送达", "事后评价", "资料归档", "营业执照.png"} {
		if !strings.Contains(text, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	shoot("case")

	// A post without the CSRF token is refused and changes nothing.
	status := bt.Get(t, ctx, "post without token", chromedp.Evaluate[int](
		`fetch(location.pathname + "/withdraw", {method: "POST", body: new URLSearchParams({reason: "x", version: "1"})}).then(r => r.status)`,
		chromedp.EvalAwaitPromise))
	if status != 403 {
		t.Errorf("withdraw without the CSRF token: %d, want 403", status)
	}
	if c, err := srv.sys.Cases.Get(context.Background(), systemViewer(), id); err != nil || c.Case.Status != casework.Submitted {
		t.Errorf("after the refused post the case is %v (%v), want still submitted", c, err)
	}

	// Staff move the case to delivery through the staff API.
	clerk, _ := srv.staffToken(t, casework.RoleClerk, "林窗口")
	head, _ := srv.staffToken(t, casework.RoleHead, "冯主任")
	spec, specID := srv.staffToken(t, casework.RoleSpecialist, "黄专员")
	srv.staffAct(t, clerk, id, "accept", map[string]any{"service_type": "agency", "promised_days": 10})
	srv.staffAct(t, clerk, id, "pass_review", map[string]any{"content": "材料齐全", "materials": []string{"营业执照"}})
	srv.staffAct(t, head, id, "assign", map[string]any{"opinion": "同意交办", "specialist_id": specID})
	srv.staffAct(t, spec, id, "start", map[string]any{"handover": []string{"营业执照原件"}})
	srv.staffAct(t, spec, id, "propose_close", map[string]any{"result": "completed", "explanation": "规划许可证、施工许可证均已核发"})
	srv.staffAct(t, head, id, "sign_off", map[string]any{"opinion": "同意办结"})
	srv.staffAct(t, spec, id, "deliver", map[string]any{"method": "mail", "tracking_no": "SF1234567890"})

	// The delivery notice among the notices, with the unread count in the header.
	bt.Do(t, ctx, "notices", chromedp.Navigate(u+"/notices"), chromedp.WaitVisible(chromedp.CSS("h1")))
	text = bodyText(t, ctx)
	if !strings.Contains(text, "SF1234567890") {
		t.Errorf("notices lack the delivery notice with its tracking number:\n%s", text)
	}
	if n := bt.Get(t, ctx, "badge", chromedp.Evaluate[int](`document.querySelectorAll(".badge").length`)); n != 1 {
		t.Errorf("no unread count in the header")
	}
	shoot("notices")

	// Confirm receipt, rate, see the rating.
	bt.Do(t, ctx, "case", chromedp.Navigate(fmt.Sprintf("%s/cases/%d", u, id)), chromedp.WaitVisible(chromedp.ID("confirm-receipt")),
		chromedp.Click(chromedp.ID("confirm-receipt")))
	waitFor(t, ctx, "the receipt", `document.body.innerText.includes("已确认签收")`)
	bt.Do(t, ctx, "rate", chromedp.Click(chromedp.CSS(`input[name=score][value="5"]`)),
		chromedp.SetValue(chromedp.ID("f-comment"), "专员服务周到，办理高效"),
		chromedp.Click(chromedp.CSS(`#rating-form button[type=submit]`)))
	waitFor(t, ctx, "the rating", `document.getElementById("my-rating") !== null`)
	if r := bt.Get(t, ctx, "rating", chromedp.Text(chromedp.ID("my-rating"))); !strings.Contains(r, "非常满意") || !strings.Contains(r, "专员服务周到") {
		t.Errorf("rating shown as %q", r)
	}
	shoot("case-rated")
	bt.Do(t, ctx, "cases", chromedp.Navigate(u+"/cases"), chromedp.WaitVisible(chromedp.CSS(".cards")))
	shoot("cases")
	bt.Do(t, ctx, "print", chromedp.Navigate(fmt.Sprintf("%s/cases/%d/print", u, id)), chromedp.WaitVisible(chromedp.CSS(".paper")))
	shoot("print")

	// Another enterprise's case is the 404 page.
	other := srv.api(t, "POST", "/api/mp/v1/login", "", map[string]string{"code": "sim-other-" + systemtest.RandomName()})
	otherTok, _ := other["token"].(string)
	form := map[string]any{
		"enterprise": map[string]any{"name": "另一家公司", "address": "某路1号", "lead": map[string]string{"name": "王五", "phone": "13700137000"},
			"credit_code": casework.CreditCodeWithCheck("91441700MA9999999")},
		"project":     map[string]any{"name": "别人的项目"},
		"entrustment": map[string]any{"matters": "施工许可", "service_type": "assist"},
	}
	oc := srv.api(t, "POST", "/api/mp/v1/cases", otherTok, form)
	bt.Do(t, ctx, "other case", chromedp.Navigate(fmt.Sprintf("%s/cases/%v", u, oc["id"])), chromedp.WaitVisible(chromedp.CSS("h1")))
	if h := bt.Get(t, ctx, "title", chromedp.Title()); !strings.HasPrefix(h, "页面不存在") {
		t.Errorf("another enterprise's case: title %q, want the 404 page", h)
	}
	shoot("not-found")

	// First loads stay under 200 KB compressed.
	cookies := bt.Get(t, ctx, "cookies", chromedp.Action[[]*network.Cookie](func(c context.Context, tg *chromedp.Target) ([]*network.Cookie, error) {
		res, err := cdp.Call(c, tg, network.GetCookies, network.GetCookiesParams{})
		return res.Cookies, err
	}))
	var jar []*http.Cookie
	for _, c := range cookies {
		jar = append(jar, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	for _, page := range []string{"/", "/login", "/cases", "/cases/new", fmt.Sprintf("/cases/%d", id), "/notices", "/enterprise"} {
		cookies := jar
		if page == "/login" {
			cookies = nil // signed in, the login page only redirects
		}
		if n := firstLoad(t, u, page, cookies); n < 1000 || n > 200<<10 {
			t.Errorf("%s: first load %d bytes compressed, want a page under 200 KB", page, n)
		} else {
			t.Logf("%s: first load %d bytes compressed", page, n)
		}
	}

	// An expired ticket gets a clear page (another person's browser).
	anon := bt.Isolated(t, ctx)
	bt.Do(t, anon, "login again", chromedp.Navigate(u+"/login"), chromedp.WaitVisible(chromedp.CSS("img.qr")))
	srv.offset.Add(int64(6 * time.Minute))
	waitFor(t, anon, "the expired message", `document.body.innerText.includes("二维码已过期")`)
	bt.Screenshot(t, anon, "login-expired", bt.Phone)
	bt.Axe(t, anon, "login-expired")
}

// systemViewer reads a case as the system would (a head sees every case).
func systemViewer() cases.Viewer {
	return cases.Viewer{Actor: casework.Actor{ID: 1, Role: casework.RoleHead, Name: "test"}}
}

// firstLoad fetches a page and the styles and scripts it names, gzip
// accepted, and returns the bytes on the wire.
func firstLoad(t *testing.T, base, page string, jar []*http.Cookie) int {
	t.Helper()
	get := func(path string) []byte {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		for _, c := range jar {
			req.AddCookie(c)
		}
		tr := &http.Transport{DisableCompression: true}
		resp, err := (&http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return b
	}
	raw := get(page)
	total := len(raw)
	html := raw
	if len(raw) > 2 && raw[0] == 0x1f && raw[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err == nil {
			html, _ = io.ReadAll(zr)
		}
	}
	for _, m := range regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllSubmatch(html, -1) {
		total += len(get(strings.ReplaceAll(string(m[1]), "&amp;", "&")))
	}
	return total
}
