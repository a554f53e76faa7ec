package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sunshine/app/accounts"
	"sunshine/app/casework"
	"sunshine/app/system/systemtest"
	bt "sunshine/portal/browsertest"
)

// staffAccount creates a staff account and returns its username (the
// password is "Passw0rd-"+username).
func (p *portalServer) staffAccount(t *testing.T, role casework.Role, name string) string {
	t.Helper()
	user := string(role) + "_" + strings.ToLower(systemtest.RandomName())
	if _, err := accounts.CreateStaff(context.Background(), p.sys.DB.Staff(), accounts.NewStaff{Username: user,
		Password: "Passw0rd-" + user, Role: role, Name: name, Phone: "13911112222"}, p.now()); err != nil {
		t.Fatal(err)
	}
	return user
}

// staffLogin opens path in a browser context of its own, which sends it to
// /staff/login, signs user in there, and waits to be back at path.
func staffLogin(t *testing.T, root context.Context, base, user, path string) context.Context {
	t.Helper()
	ctx := bt.Isolated(t, root)
	bt.Do(t, ctx, "login page for "+user, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.ID("f-username")),
		chromedp.SetValue(chromedp.ID("f-username"), user), chromedp.SetValue(chromedp.ID("f-password"), "Passw0rd-"+user),
		chromedp.Click(chromedp.CSS(`form[action="/staff/login"] button[type=submit]`)))
	// The address changes when the next page starts loading: wait for it to
	// have loaded too, or a loaded machine reads the page before it is there.
	waitFor(t, ctx, "back at "+path, fmt.Sprintf(`location.pathname + location.search === %q && document.readyState === "complete"`, path))
	return ctx
}

// payloadFor fills every field of an action: promised_days is days, ids
// name the specialist.
func payloadFor(a casework.Action, spec int64, days int) map[string]any {
	tr, _ := casework.Lookup(a)
	p := map[string]any{}
	for _, f := range tr.Fields {
		switch f.Kind {
		case casework.KText:
			p[f.Name] = "文本"
		case casework.KLongText:
			p[f.Name] = "说明"
		case casework.KInt:
			p[f.Name] = max(f.Min, 1)
			if f.Name == "promised_days" {
				p[f.Name] = days
			}
		case casework.KEnum:
			p[f.Name] = f.Enum[0].Value
		case casework.KList:
			p[f.Name] = []string{"材料一"}
		case casework.KTime:
			p[f.Name] = "2026-12-01 09:30"
		case casework.KBool:
			p[f.Name] = false
		case casework.KID:
			p[f.Name] = spec
		}
	}
	return p
}

// TestBackofficeInBrowser is issue #9's back-office done-when: an admin
// enters a department and the 2027 holiday year through the pages, and a
// deadline computed afterwards skips those holidays; the supervisor's
// dashboard draws its charts and shows no name, phone or case content
// (the head's names the specialist); the supervisor records a 通报; the
// auditor reads the audit log and the admin gets 403 there. Every page is
// checked with axe-core and at 360 px, and screenshot at both widths.
func TestBackofficeInBrowser(t *testing.T) {
	root := bt.New(t)
	srv := startPortal(t)
	u := srv.URL
	// Tuesday 1 December 2026, 09:00 in China: 30 working days run into
	// January 2027, whose calendar is not entered yet.
	srv.offset.Store(int64(time.Until(time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))))
	shoot := func(ctx context.Context, name string) {
		t.Helper()
		bt.Axe(t, ctx, name)
		bt.NoSideScroll(t, ctx, name, bt.Phone)
		bt.Screenshot(t, ctx, name, bt.Phone)
		bt.Screenshot(t, ctx, name, bt.Desktop)
	}

	clerk, _ := srv.staffToken(t, casework.RoleClerk, "钱窗口")
	head, _ := srv.staffToken(t, casework.RoleHead, "孙主任")
	spec, specID := srv.staffToken(t, casework.RoleSpecialist, "赵专员")
	tokens := map[string]string{"clerk": clerk, "head": head, "spec": spec}
	// caseInService files a window case and takes it to in_service; it
	// returns the case's id, number and deadline.
	caseInService := func() (int64, string, string) {
		t.Helper()
		code := casework.CreditCodeWithCheck(fmt.Sprintf("91441700MA%07d", time.Now().UnixNano()%10000000))
		c := srv.api(t, "POST", "/api/staff/v1/cases", clerk, map[string]any{"channel": "window", "form": benchForm(code)})
		id := int64(c["id"].(float64))
		for _, st := range []struct {
			who string
			a   casework.Action
		}{{"clerk", casework.ActionAccept}, {"clerk", casework.ActionPassReview}, {"head", casework.ActionAssign}, {"spec", casework.ActionStart}} {
			srv.staffAct(t, tokens[st.who], id, string(st.a), payloadFor(st.a, specID, 30))
		}
		c = srv.api(t, "GET", fmt.Sprintf("/api/staff/v1/cases/%d", id), head, nil)
		dl, _ := c["deadline"].(string)
		if dl == "" {
			t.Fatalf("case %d has no deadline: %v", id, c)
		}
		return id, c["number"].(string), dl
	}
	_, numberA, deadlineA := caseInService()

	// The admin: a department and the 2027 year, through the pages.
	admin := srv.staffAccount(t, casework.RoleAdmin, "周管理")
	actx := staffLogin(t, root, u, admin, "/staff/admin/users")
	shoot(actx, "admin-users")
	bt.Do(t, actx, "departments", chromedp.Navigate(u+"/staff/admin/departments"), chromedp.WaitVisible(chromedp.ID("f-dname")),
		chromedp.SetValue(chromedp.ID("f-dname"), "江城区交通运输局"),
		chromedp.Click(chromedp.CSS(`#new-department button[type=submit]`)))
	waitFor(t, actx, "the department added", `document.body.innerText.includes("已添加部门") && document.querySelector("#departments").innerText.includes("江城区交通运输局")`)
	shoot(actx, "admin-departments")
	bt.Do(t, actx, "calendar", chromedp.Navigate(u+"/staff/admin/calendar?year=2027"), chromedp.WaitVisible(chromedp.ID("f-days")),
		chromedp.SetValue(chromedp.ID("f-year"), "2027"),
		chromedp.SetValue(chromedp.ID("f-days"), "2027-01-01 休 元旦\n2027-01-04 休 元旦调休\n2027-01-05 休 元旦调休\n2027-01-06 休 元旦调休\n2027-01-07 休 元旦调休\n2027-01-08 休 元旦调休\n2027-01-09 班 调休上班"),
		chromedp.SetValue(chromedp.ID("f-source"), "国务院办公厅关于2027年部分节假日安排的通知"),
		chromedp.Click(chromedp.CSS(`#calendar-form button[type=submit]`)))
	waitFor(t, actx, "the year saved", `document.body.innerText.includes("已保存2027年节假日安排（7天）")`)
	shoot(actx, "admin-calendar")
	for _, pg := range []string{"templates", "notifications"} {
		bt.Do(t, actx, pg, chromedp.Navigate(u+"/staff/admin/"+pg), chromedp.WaitVisible(chromedp.ID(pg)))
		shoot(actx, "admin-"+pg)
	}
	bt.Do(t, actx, "audit as admin", chromedp.Navigate(u+"/staff/audit"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if txt := bodyText(t, actx); !strings.Contains(txt, "403") || strings.Contains(txt, "calendar.replace") {
		t.Fatalf("the admin on the audit log: %.500s", txt)
	}

	// A deadline computed now skips the entered holidays.
	idB, numberB, deadlineB := caseInService()
	if deadlineB <= deadlineA {
		t.Fatalf("deadline after the 2027 year was entered: %s, before: %s — the holidays were not used", deadlineB, deadlineA)
	}
	for _, off := range []string{"2027-01-01", "2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07", "2027-01-08"} {
		if strings.HasPrefix(deadlineB, off) {
			t.Fatalf("deadline %s falls on an entered holiday", deadlineB)
		}
	}
	// The specialist routes a matter to the new department; it runs late.
	srv.api(t, "POST", fmt.Sprintf("/api/staff/v1/cases/%d/matters", idB), spec,
		map[string]string{"department": "江城区交通运输局", "name": "建设工程施工许可", "deadline": "2026-12-08"})
	srv.offset.Add(int64(14 * 24 * time.Hour)) // 15 December: the matter is overdue

	// The supervisor: charts, tables, no person, no case.
	super := srv.staffAccount(t, casework.RoleSupervisor, "吴督查")
	sctx := staffLogin(t, root, u, super, "/staff/dashboard")
	waitFor(t, sctx, "the charts", `document.getElementById("charts").dataset.ready === "1" && document.querySelectorAll("#charts canvas").length >= 6`)
	txt := bodyText(t, sctx)
	for _, secret := range []string{"赵专员", "孙主任", "钱窗口", "张三", "李四", "13800138000", "13900139000", "阳光科技有限公司", "智能制造产业园", numberA, numberB} {
		if strings.Contains(txt, secret) {
			t.Errorf("the supervisor's dashboard shows %q", secret)
		}
	}
	for _, want := range []string{"每月新受理与办结", "每月按时办结率", "满意度分布", "受理渠道构成", "审批不及时", "江城区交通运输局", "专员工作量（汇总）"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the supervisor's dashboard lacks %q", want)
		}
	}
	if data := bt.Get(t, sctx, "the charts' data", chromedp.Evaluate[string](`fetch(document.getElementById("charts").dataset.src).then(r => r.text())`, chromedp.EvalAwaitPromise)); strings.Contains(data, "赵专员") || !strings.Contains(data, "江城区交通运输局") {
		t.Errorf("the supervisor's chart data: %.500s", data)
	}
	shoot(sctx, "dashboard-supervisor")
	bt.Do(t, sctx, "bulletin", chromedp.Navigate(u+"/staff/bulletins"), chromedp.WaitVisible(chromedp.ID("f-title")),
		chromedp.SetValue(chromedp.ID("f-dept"), "江城区交通运输局"), chromedp.SetValue(chromedp.ID("f-from"), "2026-12-01"),
		chromedp.SetValue(chromedp.ID("f-to"), "2026-12-14"), chromedp.SetValue(chromedp.ID("f-title"), "12月上半月审批不及时通报"),
		chromedp.SetValue(chromedp.ID("f-findings"), "江城区交通运输局1件事项超过办理时限。"),
		chromedp.Click(chromedp.CSS(`#bulletin-form button[type=submit]`)))
	waitFor(t, sctx, "the bulletin listed", `document.body.innerText.includes("通报已发布") && document.body.innerText.includes("12月上半月审批不及时通报")`)
	txt = bodyText(t, sctx)
	for _, secret := range []string{"赵专员", "张三", "13800138000", "阳光科技有限公司", numberB, "吴督查"} {
		if strings.Contains(txt, secret) {
			t.Errorf("the supervisor's 通报 page shows %q", secret)
		}
	}
	shoot(sctx, "bulletins")

	// The head sees the specialist by name.
	hctx := staffLogin(t, root, u, srv.staffAccount(t, casework.RoleHead, "郑主任"), "/staff/dashboard")
	waitFor(t, hctx, "the head's charts", `document.getElementById("charts").dataset.ready === "1"`)
	if txt := bodyText(t, hctx); !strings.Contains(txt, "赵专员") {
		t.Errorf("the head's dashboard does not name the specialist")
	}
	shoot(hctx, "dashboard-head")

	// The auditor: the admin's calendar entry is in the log.
	auditor := srv.staffAccount(t, casework.RoleAuditor, "冯审计")
	uctx := staffLogin(t, root, u, auditor, "/staff/audit?action=calendar.replace")
	waitFor(t, uctx, "the admin's calendar entry in the audit log",
		`document.body.innerText.includes("calendar.replace") && document.body.innerText.includes("周管理")`)
	shoot(uctx, "audit")
	bt.Do(t, uctx, "account", chromedp.Navigate(u+"/staff/account"), chromedp.WaitVisible(chromedp.ID("password-form")))
	shoot(uctx, "account")
}
