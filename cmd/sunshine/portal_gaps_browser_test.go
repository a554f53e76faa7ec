package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sunshine/app/casework"
	"sunshine/app/system/systemtest"
	bt "sunshine/portal/browsertest"
)

// TestPortalEnterpriseClaimRosterReports is issue #8/#10/#12's portal part:
// a claimant uploads the 营业执照 and the 授权委托书 on /enterprise and
// submits a claim; a clerk refuses it through the staff API and the page
// shows the reason; a second claim is approved; the administrator then sees
// the member list, invites a colleague and removes them. On the case page
// the timeline names the channel in Chinese, a 监督 report is filed and
// shown with its status, and the case is withdrawn after assignment (the
// reason is required, then shown). Forms are posted the way a browser
// without JavaScript posts them (form.submit(): no confirm dialog, no
// page-side checks), so the server's own rules answer.
func TestPortalEnterpriseClaimRosterReports(t *testing.T) {
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
	has := func(want ...string) {
		t.Helper()
		text := bodyText(t, ctx)
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("page lacks %q:\n%.2000s", w, text)
			}
		}
	}
	submit := func(what, sel string) {
		t.Helper()
		bt.Do(t, ctx, what, chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(sel)+`).submit()`))
	}

	// The phone logs in to the mini-program and confirms the scanned code.
	name := "claim-" + systemtest.RandomName()
	bt.Do(t, ctx, "login", chromedp.Navigate(u+"/login?next=%2Fenterprise"), chromedp.WaitVisible(chromedp.CSS("img.qr")))
	src := bt.Get(t, ctx, "code src", chromedp.Evaluate[string](`document.querySelector("img.qr").getAttribute("src")`))
	out := srv.api(t, "POST", "/api/mp/v1/login", "", map[string]string{"code": "sim-" + name})
	tok, _ := out["token"].(string)
	srv.api(t, "POST", "/api/mp/v1/scan-login/"+strings.TrimPrefix(src, "/login/code?t=")+"/confirm", tok, map[string]any{})
	waitFor(t, ctx, "back on /enterprise", `location.pathname === "/enterprise"`)

	// Bind by credit code: a claimant of an enterprise without administrator.
	code := casework.CreditCodeWithCheck(fmt.Sprintf("91441700MB%07d", time.Now().UnixNano()%10000000))
	bt.Do(t, ctx, "bind", chromedp.WaitVisible(chromedp.ID("f-credit_code")),
		chromedp.SetValue(chromedp.ID("f-credit_code"), code), chromedp.SetValue(chromedp.ID("f-name"), "认领科技有限公司"),
		chromedp.SetValue(chromedp.ID("f-member_name"), "赵六"),
		chromedp.Click(chromedp.CSS(`form[action="/enterprise"] button[type=submit]`)))
	waitFor(t, ctx, "the claim form", `document.getElementById("claim-upload") !== null`)

	// Submitting without papers: the message next to 营业执照, nothing filed.
	submit("empty claim", "#claim-submit")
	waitFor(t, ctx, "the refusal", `document.querySelector("#claim-documents .err") !== null`)
	has("请上传营业执照", "请上传授权委托书，或法定代表人身份证")
	if st := srv.api(t, "GET", "/api/mp/v1/enterprise/claim", tok, nil); st["claim"] != nil {
		t.Fatalf("a claim was filed without papers: %v", st)
	}

	upload := func(kind string) {
		t.Helper()
		bt.Do(t, ctx, "upload "+kind, chromedp.Evaluate[chromedp.Void](`document.body.dataset.before = "1"`),
			chromedp.Click(chromedp.CSS(`#claim-upload input[name=kind][value=`+kind+`]`)),
			chromedp.SetUploadFiles(chromedp.ID("f-claim-file"), []string{samplePNG(t)}),
			chromedp.Click(chromedp.CSS(`#claim-upload button[type=submit]`)))
		waitFor(t, ctx, kind+" uploaded", `!document.body.dataset.before && document.body.innerText.includes("已上传")`)
	}
	claimID := func() int64 {
		t.Helper()
		st := srv.api(t, "GET", "/api/mp/v1/enterprise/claim", tok, nil)
		cl, _ := st["claim"].(map[string]any)
		if cl == nil {
			t.Fatalf("no claim: %v", st)
		}
		id, _ := cl["id"].(float64)
		return int64(id)
	}
	upload("business_license")
	upload("authorization")
	shoot("enterprise-claim")
	bt.Do(t, ctx, "submit claim", chromedp.Click(chromedp.CSS(`#claim-submit button`)))
	waitFor(t, ctx, "the claim pending", `document.body.innerText.includes("认证申请已提交")`)
	has("审核中", "营业执照（营业执照.png）")

	// A clerk refuses it; the page shows the reason and the form again.
	clerk, _ := srv.staffToken(t, casework.RoleClerk, "林窗口")
	srv.api(t, "POST", fmt.Sprintf("/api/staff/v1/claims/%d/refuse", claimID()), clerk, map[string]string{"reason": "营业执照照片模糊，请重新拍摄"})
	bt.Do(t, ctx, "refused", chromedp.Navigate(u+"/enterprise"), chromedp.WaitVisible(chromedp.ID("claim-refusal")))
	has("未通过", "营业执照照片模糊，请重新拍摄")
	shoot("enterprise-claim-refused")

	// Again with new papers; the clerk approves: the administrator.
	upload("business_license")
	upload("legal_rep_id")
	bt.Do(t, ctx, "submit claim again", chromedp.Click(chromedp.CSS(`#claim-submit button`)))
	waitFor(t, ctx, "the claim pending", `document.body.innerText.includes("认证申请已提交")`)
	srv.api(t, "POST", fmt.Sprintf("/api/staff/v1/claims/%d/approve", claimID()), clerk, map[string]string{"note": "材料齐全"})
	bt.Do(t, ctx, "approved", chromedp.Navigate(u+"/enterprise"), chromedp.WaitVisible(chromedp.ID("roster")))
	has("企业管理员", "成员管理")
	if n := bt.Get(t, ctx, "claim form", chromedp.Evaluate[int](`document.querySelectorAll("#claim-upload").length`)); n != 0 {
		t.Errorf("the administrator still sees the claim form")
	}

	// A colleague joins with an invitation code; the administrator removes them.
	bt.Do(t, ctx, "invite", chromedp.Click(chromedp.CSS(`form[action="/enterprise/invitations"] button`)),
		chromedp.WaitVisible(chromedp.ID("invite-code")))
	inv := bt.Get(t, ctx, "invite code", chromedp.Text(chromedp.ID("invite-code")))
	other := srv.api(t, "POST", "/api/mp/v1/login", "", map[string]string{"code": "sim-colleague-" + systemtest.RandomName()})
	otherTok, _ := other["token"].(string)
	joined := srv.api(t, "PUT", "/api/mp/v1/enterprise", otherTok, map[string]string{"credit_code": code, "invite_code": inv, "member_name": "钱七"})
	otherID := int64(joined["id"].(float64))
	bt.Do(t, ctx, "roster", chromedp.Navigate(u+"/enterprise"), chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("member-%d", otherID))))
	has("钱七", "已认证成员", "移交管理员")
	shoot("enterprise-roster")
	submit("remove", fmt.Sprintf(`form[action="/enterprise/members/%d/remove"]`, otherID))
	waitFor(t, ctx, "the member removed", `document.body.innerText.includes("已将该成员移出本企业")`)
	if n := bt.Get(t, ctx, "row", chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll("#member-%d").length`, otherID))); n != 0 {
		t.Errorf("the removed member is still listed")
	}
	if list := srv.api(t, "GET", "/api/mp/v1/enterprise/members", tok, nil); len(list["items"].([]any)) != 1 {
		t.Errorf("after removal the roster is %v", list)
	}

	// A case (from the mini-program): its channel in Chinese on the timeline.
	form := map[string]any{
		"enterprise": map[string]any{"name": "认领科技有限公司", "address": "东风路1号", "lead": map[string]string{"name": "赵六", "phone": "13700137001"},
			"credit_code": code},
		"project":     map[string]any{"name": "认领科技厂房"},
		"entrustment": map[string]any{"matters": "施工许可", "service_type": "assist"},
	}
	oc := srv.api(t, "POST", "/api/mp/v1/cases", tok, form)
	id := int64(oc["id"].(float64))
	caseURL := fmt.Sprintf("%s/cases/%d", u, id)
	bt.Do(t, ctx, "case", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("report-form")))
	has("受理渠道：" + casework.ChannelMiniProgram.Label())
	if strings.Contains(bodyText(t, ctx), "受理渠道：miniprogram") {
		t.Errorf("the timeline shows the raw channel")
	}

	// A 监督 report: without a description the message is next to the field.
	bt.Do(t, ctx, "open report", chromedp.Evaluate[chromedp.Void](`document.querySelector("#report-form").closest("details").open = true`),
		chromedp.Click(chromedp.CSS(`#report-form input[name=kind][value=inaction]`)))
	submit("empty report", "#report-form")
	waitFor(t, ctx, "the field message", `document.querySelector("#report-form .invalid .err") !== null`)
	if n := len(srv.api(t, "GET", fmt.Sprintf("/api/mp/v1/cases/%d/reports", id), tok, nil)["items"].([]any)); n != 0 {
		t.Fatalf("an empty report was filed: %d", n)
	}
	bt.Do(t, ctx, "report", chromedp.Click(chromedp.CSS(`#report-form input[name=kind][value=inaction]`)),
		chromedp.SetValue(chromedp.ID("f-description"), "提交申请三天无人联系"),
		chromedp.Click(chromedp.CSS(`#report-form button[type=submit]`)))
	waitFor(t, ctx, "the report filed", `document.getElementById("my-reports") !== null`)
	if r := bt.Get(t, ctx, "reports", chromedp.Text(chromedp.ID("my-reports"))); !strings.Contains(r, "不作为") ||
		!strings.Contains(r, "待处理") || !strings.Contains(r, "提交申请三天无人联系") {
		t.Errorf("reports shown as %q", r)
	}
	if n := len(srv.api(t, "GET", fmt.Sprintf("/api/mp/v1/cases/%d/reports", id), tok, nil)["items"].([]any)); n != 1 {
		t.Errorf("%d reports filed, want 1", n)
	}
	shoot("case-report")

	// Withdraw after assignment: the reason is required, then shown.
	head, _ := srv.staffToken(t, casework.RoleHead, "冯主任")
	spec, specID := srv.staffToken(t, casework.RoleSpecialist, "黄专员")
	srv.staffAct(t, clerk, id, "accept", map[string]any{"service_type": "assist", "promised_days": 10})
	srv.staffAct(t, clerk, id, "pass_review", map[string]any{"content": "材料齐全", "materials": []string{"营业执照"}})
	srv.staffAct(t, head, id, "assign", map[string]any{"opinion": "同意交办", "specialist_id": specID})
	bt.Do(t, ctx, "assigned", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.CSS(`form[action$="/withdraw"]`)))
	submit("withdraw without reason", `form[action$="/withdraw"]`)
	waitFor(t, ctx, "the reason required", `document.body.innerText.includes("撤回须填写撤回原因")`)
	bt.Do(t, ctx, "withdraw", chromedp.Evaluate[chromedp.Void](`document.querySelector('form[action$="/withdraw"]').closest("details").open = true`),
		chromedp.SetValue(chromedp.CSS(`form[action$="/withdraw"] textarea[name=reason]`), "项目计划调整，暂缓建设"))
	submit("withdraw", `form[action$="/withdraw"]`)
	waitFor(t, ctx, "withdrawn", `document.getElementById("withdrawal-reason") !== null`)
	has("申请已撤回", "项目计划调整，暂缓建设")
	shoot("case-withdrawn")

	// A terminated case shows 办理结果 with the reason of the termination.
	oc = srv.api(t, "POST", "/api/mp/v1/cases", tok, form)
	id2 := int64(oc["id"].(float64))
	srv.staffAct(t, clerk, id2, "accept", map[string]any{"service_type": "assist", "promised_days": 10})
	srv.staffAct(t, clerk, id2, "pass_review", map[string]any{"content": "材料齐全", "materials": []string{"营业执照"}})
	srv.staffAct(t, head, id2, "assign", map[string]any{"opinion": "同意交办", "specialist_id": specID})
	srv.staffAct(t, spec, id2, "start", map[string]any{"handover": []string{"营业执照原件"}})
	srv.staffAct(t, spec, id2, "propose_close", map[string]any{"result": "terminated", "explanation": "项目用地未落实，无法继续办理"})
	srv.staffAct(t, head, id2, "sign_off", map[string]any{"opinion": "同意终止"})
	bt.Do(t, ctx, "terminated", chromedp.Navigate(fmt.Sprintf("%s/cases/%d", u, id2)), chromedp.WaitVisible(chromedp.ID("closure-explanation")))
	has("办理结果", "终止", "终止原因", "项目用地未落实，无法继续办理", "同意终止")
	if strings.Contains(bodyText(t, ctx), "explanation") {
		t.Errorf("the timeline shows a raw payload key")
	}
	shoot("case-terminated")

	// The administrator hands the role to a new colleague.
	bt.Do(t, ctx, "invite again", chromedp.Navigate(u+"/enterprise"), chromedp.WaitVisible(chromedp.ID("roster")),
		chromedp.Click(chromedp.CSS(`form[action="/enterprise/invitations"] button`)), chromedp.WaitVisible(chromedp.ID("invite-code")))
	inv = bt.Get(t, ctx, "invite code", chromedp.Text(chromedp.ID("invite-code")))
	third := srv.api(t, "POST", "/api/mp/v1/login", "", map[string]string{"code": "sim-heir-" + systemtest.RandomName()})
	thirdTok, _ := third["token"].(string)
	heir := int64(srv.api(t, "PUT", "/api/mp/v1/enterprise", thirdTok, map[string]string{"credit_code": code, "invite_code": inv, "member_name": "孙八"})["id"].(float64))
	bt.Do(t, ctx, "roster again", chromedp.Navigate(u+"/enterprise"), chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("member-%d", heir))))
	submit("hand over", fmt.Sprintf(`#member-%d form[action="/enterprise/admin"]`, heir))
	waitFor(t, ctx, "handed over", `document.body.innerText.includes("已移交企业管理员身份")`)
	if r := bt.Get(t, ctx, "heir row", chromedp.Text(chromedp.ID(fmt.Sprintf("member-%d", heir)))); !strings.Contains(r, "企业管理员") {
		t.Errorf("after hand-over the heir's row is %q", r)
	}
	if n := bt.Get(t, ctx, "admin forms", chromedp.Evaluate[int](`document.querySelectorAll('form[action="/enterprise/admin"]').length`)); n != 0 {
		t.Errorf("the former administrator still has %d hand-over forms", n)
	}
}

func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }
