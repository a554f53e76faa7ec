package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sunshine/app/accounts"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/system/systemtest"
	bt "sunshine/portal/browsertest"
)

// staffUser creates a staff account for the browser (default bcrypt cost:
// the login is the real one).
func (p *portalServer) staffUser(t *testing.T, role casework.Role, name, dept string) (string, string, int64) {
	t.Helper()
	user := string(role) + "_" + systemtest.RandomName()
	s, err := accounts.CreateStaff(context.Background(), p.sys.DB.Staff(), accounts.NewStaff{Username: user,
		Password: "Passw0rd-" + user, Role: role, Name: name, Department: dept, Phone: "13812341234"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return user, "Passw0rd-" + user, s.ID
}

// staffBrowser logs a new staff member in through /staff/login in a
// browser context of their own.
func staffBrowser(t *testing.T, root context.Context, srv *portalServer, role casework.Role, name, dept string) (context.Context, int64) {
	t.Helper()
	user, pass, id := srv.staffUser(t, role, name, dept)
	ctx := bt.Isolated(t, root)
	bt.Do(t, ctx, "login page", chromedp.Navigate(srv.URL+"/staff"), chromedp.WaitVisible(chromedp.ID("f-username")),
		chromedp.SetValue(chromedp.ID("f-username"), user), chromedp.SetValue(chromedp.ID("f-password"), pass),
		chromedp.Click(chromedp.CSS(`form[action="/staff/login"] button[type=submit]`)))
	waitFor(t, ctx, string(role)+" signed in", `location.pathname !== "/staff/login" && document.readyState === "complete"`)
	return ctx, id
}

// TestWorkbenchInBrowser is issue #9's done-when for the workbench: a case
// from intake to archive entirely through the pages, each step by the role
// that owns it — clerk intake, accept, pass review; head assigns (seeing
// each specialist's load); specialist starts, records, coordinates with a
// department matter; the liaison answers it; the specialist proposes to
// close; head signs off; specialist delivers by mail; the enterprise
// confirms in the portal and rates; the specialist archives. Along the
// way: a stale version shows 「此案件已被他人更新」, an action the role may
// not take has no button and its post gets 403 and changes nothing; every
// role's home and the case page are screenshot at 1280 and 360 px and
// checked with axe-core and for sideways scrolling.
func TestWorkbenchInBrowser(t *testing.T) {
	root := bt.New(t)
	srv := startPortal(t)
	u := srv.URL
	shoot := func(ctx context.Context, name string) {
		t.Helper()
		bt.Axe(t, ctx, name)
		bt.NoSideScroll(t, ctx, name, bt.Phone)
		bt.Screenshot(t, ctx, name, bt.Phone)
		bt.Screenshot(t, ctx, name, bt.Desktop)
		bt.Do(t, ctx, "desktop", bt.Width(bt.Desktop))
	}

	// The enterprise: scan-to-login through the simulator, claims its
	// credit code; the window verifies the member (identity's step).
	ent := bt.Isolated(t, root)
	bt.Do(t, ent, "portal login", chromedp.Navigate(u+"/login"), chromedp.WaitVisible(chromedp.CSS("img.qr")))
	src := bt.Get(t, ent, "code src", chromedp.Evaluate[string](`document.querySelector("img.qr").getAttribute("src")`))
	name := "wb-" + systemtest.RandomName()
	resp, err := http.PostForm(u+"/dev/wechat/scan", url.Values{"ticket": {strings.TrimPrefix(src, "/login/code?t=")}, "name": {name}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("simulated scan: %v %v", err, resp)
	}
	resp.Body.Close()
	waitFor(t, ent, "the portal login", `location.pathname !== "/login"`)
	credit := casework.CreditCodeWithCheck(fmt.Sprintf("91441700MB%07d", time.Now().UnixNano()%10000000))
	bt.Do(t, ent, "enterprise", chromedp.Navigate(u+"/enterprise"), chromedp.WaitVisible(chromedp.ID("f-credit_code")),
		chromedp.SetValue(chromedp.ID("f-credit_code"), credit), chromedp.SetValue(chromedp.ID("f-name"), "江城新材料有限公司"),
		chromedp.SetValue(chromedp.ID("f-member_name"), "张三"),
		chromedp.Click(chromedp.CSS(`form[action="/enterprise"] button[type=submit]`)))
	waitFor(t, ent, "the enterprise saved", `document.body.innerText.includes("企业信息已保存")`)

	clerk, _ := staffBrowser(t, root, srv, casework.RoleClerk, "林窗口", "")
	m, err := srv.sys.DB.Members().UpsertMember(context.Background(), "sim-openid-"+name, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.sys.Members.Verify(context.Background(), casework.Actor{ID: 1, Role: casework.RoleClerk, Name: "林窗口"}, m.ID, "营业执照、授权委托书已在窗口核验"); err != nil {
		t.Fatalf("verify the member: %v", err)
	}
	head, _ := staffBrowser(t, root, srv, casework.RoleHead, "冯主任", "")
	spec, specID := staffBrowser(t, root, srv, casework.RoleSpecialist, "黄专员", "")
	liaison, _ := staffBrowser(t, root, srv, casework.RoleLiaison, "周联络", "自然资源局")
	super, _ := staffBrowser(t, root, srv, casework.RoleSupervisor, "吴督查", "")
	if loc := bt.Get(t, super, "supervisor home", chromedp.Location()); !strings.HasSuffix(loc, "/staff/dashboard") {
		t.Errorf("the supervisor's home went to %s, want /staff/dashboard", loc)
	}

	// Clerk: the whole 服务申请表 at the window.
	bt.Do(t, clerk, "clerk home", chromedp.Navigate(u+"/staff"), chromedp.WaitVisible(chromedp.ID("q-intake")))
	shoot(clerk, "staff-home-clerk")
	bt.Do(t, clerk, "intake", chromedp.Navigate(u+"/staff/intake"), chromedp.WaitVisible(chromedp.ID("intake")))
	fields := map[string]string{
		"f-enterprise-name": "江城新材料有限公司", "f-enterprise-credit-code": credit, "f-enterprise-address": "江城区东风三路1号",
		"f-enterprise-nature": "有限责任公司", "f-enterprise-lead-name": "张三", "f-enterprise-lead-title": "总经理",
		"f-enterprise-lead-phone": "13800138000", "f-enterprise-handler-name": "李四", "f-enterprise-handler-phone": "0662-3388123",
		"f-enterprise-email": "contact@example.cn", "f-project-name": "新材料产业园二期", "f-project-address": "高新区创业路2号",
		"f-project-code": "2026-441700-39-01-000456", "f-project-total-investment": "8000", "f-project-floor-area": "21000.5",
		"f-project-purpose-scale": "厂房及配套用房", "f-project-progress": "已取得用地",
		"f-entrustment-matters": "建设工程规划许可证、施工许可证办理", "f-entrustment-remarks": "到窗口办理",
	}
	var acts []chromedp.Action[chromedp.Void]
	for id, v := range fields {
		acts = append(acts, chromedp.SetValue(chromedp.ID(id), v))
	}
	for _, box := range []string{`project.fund_sources"][value="private`, `project.land_nature"][value="transferred`,
		`project.key_project"][value="municipal`, `entrustment.service_type"][value="agency`,
		`entrustment.stages"][value="planning`, `entrustment.stages"][value="construction`} {
		acts = append(acts, chromedp.Click(chromedp.CSS(`input[name="`+box+`"]`)))
	}
	bt.Do(t, clerk, "fill the intake form", acts...)
	shoot(clerk, "staff-intake")
	bt.Do(t, clerk, "submit intake", chromedp.Click(chromedp.CSS(`#intake button[type=submit]`)))
	waitFor(t, clerk, "the new case", `/^\/staff\/cases\/\d+$/.test(location.pathname) && document.body.innerText.includes("已登记")`)
	caseURL := bt.Get(t, clerk, "case url", chromedp.Location())
	var id int64
	fmt.Sscan(caseURL[strings.LastIndex(caseURL, "/")+1:], &id)

	// act fills one generated action form on the case page and sends it.
	act := func(ctx context.Context, action string, values map[string]string, want string) {
		t.Helper()
		bt.Do(t, ctx, "open "+action, chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("act-"+action)),
			chromedp.Evaluate[chromedp.Void](`document.getElementById("act-`+action+`").open = true`))
		var set []chromedp.Action[chromedp.Void]
		for k, v := range values {
			set = append(set, chromedp.SetValue(chromedp.ID("f-"+action+"-"+k), v))
		}
		set = append(set, chromedp.Click(chromedp.CSS("#form-"+action+" button[type=submit]")))
		bt.Do(t, ctx, action, set...)
		waitFor(t, ctx, action+" done", `document.querySelector(".flash") !== null && document.body.innerText.includes(`+quote(want)+`)`)
	}

	// Asking for materials and taking them at the window.
	bt.Do(t, clerk, "open accept", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("act-accept")))
	act(clerk, "request_info", map[string]string{"reason": "请补充营业执照副本"}, "已要求补充材料")
	act(clerk, "supplement", map[string]string{"note": "企业已在窗口补交"}, "已补充材料")
	// The page drawn before the next change posts an old version.
	bt.Do(t, clerk, "open accept again", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("act-accept")),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("act-accept").open = true`), chromedp.SetValue(chromedp.ID("f-accept-service_type"), "agency"))
	cs, _ := srv.sys.Cases.Get(context.Background(), systemViewer(), id)
	if _, err := srv.sys.Cases.Act(context.Background(), casesViewer(casework.RoleClerk), id,
		casework.Request{Action: casework.ActionRequestInfo, Version: cs.Case.Version, Payload: rawJSON(map[string]any{"reason": "他人同时要求补正"})}); err != nil {
		t.Fatalf("concurrent change: %v", err)
	}
	bt.Do(t, clerk, "stale accept", chromedp.Click(chromedp.CSS("#form-accept button[type=submit]")))
	waitFor(t, clerk, "the stale message", `document.body.innerText.includes("此案件已被他人更新")`)
	shoot(clerk, "staff-case-stale")
	act(clerk, "supplement", map[string]string{"note": "已补正"}, "已补充材料")
	act(clerk, "accept", map[string]string{"service_type": "agency", "promised_days": "20"}, "已受理")
	act(clerk, "pass_review", map[string]string{"content": "材料齐全", "materials": "营业执照\n项目批文"}, "已初审通过")

	// Head: no accept button, and a forged post gets 403 and changes nothing.
	bt.Do(t, head, "head home", chromedp.Navigate(u+"/staff"), chromedp.WaitVisible(chromedp.ID("q-meeting")))
	shoot(head, "staff-home-head")
	bt.Do(t, head, "head case", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("act-assign")))
	if n := bt.Get(t, head, "clerk's buttons", chromedp.Evaluate[int](`document.querySelectorAll("#form-accept, #form-pass_review, #form-request_info").length`)); n != 0 {
		t.Errorf("the head's page shows %d of the clerk's forms", n)
	}
	before, _ := srv.sys.Cases.Get(context.Background(), systemViewer(), id)
	status := bt.Get(t, head, "forged accept", chromedp.Evaluate[int](fmt.Sprintf(
		`fetch(location.pathname + "/actions/pass_review", {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: new URLSearchParams({_csrf: document.querySelector('meta[name="csrf-token"]').content, version: "%d", content: "x", materials: "y"})}).then(r => r.status)`,
		before.Case.Version), chromedp.EvalAwaitPromise))
	if status != 403 {
		t.Errorf("head posts pass_review: %d, want 403", status)
	}
	if after, _ := srv.sys.Cases.Get(context.Background(), systemViewer(), id); after.Case.Version != before.Case.Version {
		t.Error("a refused action changed the case")
	}
	if opts := bt.Get(t, head, "specialists", chromedp.Evaluate[string](`document.getElementById("f-assign-specialist_id").textContent`)); !strings.Contains(opts, "黄专员（在办 0 件）") {
		t.Error("the assign form does not show the specialist's load")
	}
	act(head, "assign", map[string]string{"opinion": "同意交办", "specialist_id": fmt.Sprint(specID)}, "已交办")

	// Specialist.
	act(spec, "start", map[string]string{"handover": "营业执照原件"}, "已开始服务")
	act(spec, "record", map[string]string{"note": "与企业电话沟通进度"}, "内部记录，企业不可见")
	act(spec, "coordinate", map[string]string{"level": "department", "matter": "用地预审"}, "部门层级")
	bt.Do(t, spec, "matter", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("form-matter")),
		chromedp.Click(chromedp.CSS("#form-matter")), chromedp.Evaluate[chromedp.Void](`document.querySelector("#form-matter").closest("details").open = true`),
		chromedp.SetValue(chromedp.ID("f-matter-department"), "自然资源局"), chromedp.SetValue(chromedp.ID("f-matter-name"), "用地预审"),
		chromedp.SetValue(chromedp.ID("f-matter-deadline"), casework.DateOf(time.Now().AddDate(0, 0, 14))),
		chromedp.Click(chromedp.CSS("#form-matter button[type=submit]")))
	waitFor(t, spec, "the matter", `document.body.innerText.includes("已添加部门事项")`)
	bt.Do(t, spec, "specialist home", chromedp.Navigate(u+"/staff"), chromedp.WaitVisible(chromedp.ID("q-mine")))
	shoot(spec, "staff-home-specialist")

	// Liaison answers the matter.
	bt.Do(t, liaison, "liaison home", chromedp.Navigate(u+"/staff"), chromedp.WaitVisible(chromedp.CSS(`form[id^="progress-"]`)))
	shoot(liaison, "staff-home-liaison")
	bt.Do(t, liaison, "progress", chromedp.SetValue(chromedp.CSS(`form[id^="progress-"] textarea`), "已出具用地预审意见"),
		chromedp.Click(chromedp.CSS(`form[id^="progress-"] input[value="done"]`)),
		chromedp.Click(chromedp.CSS(`form[id^="progress-"] button[type=submit]`)))
	waitFor(t, liaison, "the progress", `document.body.innerText.includes("办理进度已反馈")`)

	act(spec, "propose_close", map[string]string{"result": "completed", "explanation": "规划许可证、施工许可证均已核发"}, "已提请办结")
	act(head, "sign_off", map[string]string{"opinion": "同意办结"}, "已审核办结")
	act(spec, "deliver", map[string]string{"method": "mail", "tracking_no": "SF9876543210"}, "SF9876543210")
	bt.Do(t, spec, "case page", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("reg-h")))
	shoot(spec, "staff-case")

	// The enterprise confirms and rates in the portal.
	bt.Do(t, ent, "portal case", chromedp.Navigate(fmt.Sprintf("%s/cases/%d", u, id)), chromedp.WaitVisible(chromedp.ID("confirm-receipt")),
		chromedp.Click(chromedp.ID("confirm-receipt")))
	waitFor(t, ent, "the receipt", `document.body.innerText.includes("已确认签收")`)
	bt.Do(t, ent, "rate", chromedp.Click(chromedp.CSS(`input[name=score][value="5"]`)),
		chromedp.SetValue(chromedp.ID("f-comment"), "窗口和专员都很专业"), chromedp.Click(chromedp.CSS(`#rating-form button[type=submit]`)))
	waitFor(t, ent, "the rating", `document.getElementById("my-rating") !== null`)

	// The specialist archives (the workflow's archive step).
	act(spec, "submit_archive", map[string]string{"materials": "申请表\n办结材料"}, "已提交归档")
	act(clerk, "archive", map[string]string{"archived_by": "档案室"}, "已归档")
	final, _ := srv.sys.Cases.Get(context.Background(), systemViewer(), id)
	if final.Case.Status != casework.Archived || final.Case.Rating == nil || final.Case.Rating.Score != 5 {
		t.Fatalf("the case ends %s with rating %v, want archived and rated 5", final.Case.Status, final.Case.Rating)
	}
	if n := bt.Get(t, spec, "actions", chromedp.Evaluate[int](`document.querySelectorAll("form[action*='/actions/']").length`)); n != 0 {
		t.Errorf("an archived case offers %d action forms", n)
	}
	bt.Do(t, spec, "cases", chromedp.Navigate(u+"/staff/cases?q="+url.QueryEscape("新材料")), chromedp.WaitVisible(chromedp.CSS("table.list")))
	shoot(spec, "staff-cases")
}

// quote is s as a JavaScript string literal.
func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// casesViewer is a staff viewer of role for service calls of the test.
func casesViewer(role casework.Role) cases.Viewer {
	return cases.Viewer{Actor: casework.Actor{ID: 1, Role: role, Name: "test"}}
}

// rawJSON is a payload as the case service takes it.
func rawJSON(p map[string]any) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for k, v := range p {
		out[k], _ = json.Marshal(v)
	}
	return out
}
