package workbench_test

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestCaseThroughThePages takes a window case from intake to archive through
// the workbench's forms, each step by the role that owns it (the
// enterprise's receipt is confirmed by the specialist, which the workflow
// also allows; the enterprise portal's confirm and rating are #8's pages).
func TestCaseThroughThePages(t *testing.T) {
	e := newEnv(t)
	clerk, head, spec, liaison := e.login("clerk"), e.login("head"), e.login("spec"), e.login("liaison")
	id := intake(t, clerk)
	page := "/staff/cases/" + strconv.FormatInt(id, 10)
	step := func(who *browser, action string, form url.Values, want string) {
		t.Helper()
		form.Set("version", strconv.Itoa(e.version(id)))
		st, body := who.post(page, page+"/actions/"+action, form)
		if st != 200 || !strings.Contains(body, want) {
			t.Fatalf("%s: %d, want %q on the page:\n%s", action, st, want, body[:min(len(body), 3000)])
		}
	}
	step(clerk, "accept", url.Values{"service_type": {"agency"}, "promised_days": {"20"}}, "已受理")
	step(clerk, "pass_review", url.Values{"content": {"材料齐全"}, "materials": {"营业执照\n项目批文"}}, "已初审通过")
	_, body := head.get(page)
	if !strings.Contains(body, e.users["spec"].Name+"（在办 0 件）") {
		t.Fatal("the assign form does not show each specialist's load")
	}
	step(head, "assign", url.Values{"opinion": {"同意交办"}, "specialist_id": {strconv.FormatInt(e.users["spec"].ID, 10)}}, "已交办")
	step(spec, "start", url.Values{"handover": {"营业执照原件"}}, "已开始服务")
	step(spec, "record", url.Values{"note": {"与企业电话沟通"}}, "内部记录，企业不可见")
	step(spec, "coordinate", url.Values{"level": {"department"}, "matter": {"用地预审"}}, "部门层级")
	st, body := spec.post(page, page+"/matters", url.Values{"department": {"自然资源局"}, "name": {"用地预审"}, "deadline": {"2026-03-20"}})
	if st != 200 || !strings.Contains(body, "已添加部门事项") {
		t.Fatalf("add matter: %d", st)
	}
	_, body = liaison.get("/staff/matters")
	i := strings.Index(body, "/staff/matters/")
	if i < 0 {
		t.Fatal("the liaison does not see the matter")
	}
	mpath := body[i : i+strings.Index(body[i:], `"`)]
	if st, body := liaison.post("/staff/matters", mpath, url.Values{"note": {"已出具预审意见"}, "kind": {"done"}}); st != 200 || !strings.Contains(body, "办理进度已反馈") {
		t.Fatalf("liaison progress: %d", st)
	}
	step(spec, "propose_close", url.Values{"result": {"completed"}, "explanation": {"施工许可证已取得"}}, "已提请办结")
	step(head, "sign_off", url.Values{"opinion": {"同意办结"}}, "已审核办结")
	step(spec, "deliver", url.Values{"method": {"mail"}, "tracking_no": {"SF123456789"}}, "SF123456789")
	step(spec, "confirm_receipt", url.Values{"proof": {"顺丰签收记录：本人签收"}}, "签收")
	// The paper 评价表, entered by the clerk: a low score opens a follow-up
	// that the head records on the home page.
	if st, body := clerk.postScan(page, page+"/rating", url.Values{"score": {"2"}, "comment": {"等待时间较长"}}); st != 200 || !strings.Contains(body, "纸质评价已录入") {
		t.Fatalf("paper rating: %d %.600s", st, body[strings.Index(body, "<main"):])
	}
	if _, body := clerk.get(page); strings.Contains(body, `action="`+page+`/rating"`) {
		t.Fatal("a rated case still offers the paper rating")
	}
	_, home := head.get("/staff")
	m := regexp.MustCompile(`/staff/followups/(\d+)`).FindString(home)
	if m == "" || !strings.Contains(home, "等待时间较长") {
		t.Fatal("the low rating is not among the head's follow-ups")
	}
	if st, body := head.post("/staff", m, url.Values{"outcome": {"已电话回访，企业表示理解"}}); st != 200 || !strings.Contains(body, "回访结果已记录") {
		t.Fatalf("follow-up: %d", st)
	}
	step(spec, "submit_archive", url.Values{"materials": {"申请表\n办结材料"}}, "已提交归档")
	step(clerk, "archive", url.Values{"archived_by": {"档案室"}}, "已归档")
	if _, body := spec.get(page); strings.Contains(body, "/actions/") {
		t.Fatal("an archived case still offers actions")
	}

}
