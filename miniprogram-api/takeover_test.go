package mpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"testing"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/files/filestest"
	"sunshine/app/web"
)

// uploadClaimDoc posts one claim document as u.
func (e *env) uploadClaimDoc(u *user, kind string, data []byte) *resp {
	e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("kind", kind)
	fw, _ := w.CreateFormFile("file", "scan")
	fw.Write(data)
	w.Close()
	req := httptest.NewRequest("POST", "/api/mp/v1/enterprise/claim/documents", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+u.Token)
	return e.send(req)
}

// windowCase files a case as a clerk at the window with the credit code.
func (e *env) windowCase(code, project string) *casework.Case {
	e.t.Helper()
	raw, _ := json.Marshal(form(code, project))
	var f web.Form
	if err := json.Unmarshal(raw, &f); err != nil {
		e.t.Fatal(err)
	}
	c, err := e.cases.Submit(ctx, e.clerk, cases.SubmitInput{Form: f.ToForm(), Channel: casework.ChannelWindow, Mode: casework.FormIntake})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// notices counts the outbox rows and the inbox entries of a member.
func (e *env) notices(u *user) (outbox, inbox int64) {
	e.t.Helper()
	to := fmt.Sprintf("member:%d", u.ID)
	if err := e.db.R.Raw("SELECT COUNT(*) FROM notifications WHERE recipient = ?", to).Scan(&outbox).Error; err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.R.Raw("SELECT COUNT(*) FROM inbox WHERE recipient = ? AND case_id <> 0", to).Scan(&inbox).Error; err != nil {
		e.t.Fatal(err)
	}
	return outbox, inbox
}

// TestTakeoverByCreditCode is issue 10 hole 1: credit codes are public, so
// registering one first must not open the enterprise's cases. A user
// claims a code; a clerk files window cases with it (one before, one after
// the claim); the claimant can neither see them (404) nor be notified of
// them (no inbox entry, no outbox row); after a clerk approves the claim on
// the uploaded 营业执照 and 授权委托书, they see both and are notified.
// Runs on SQLite and, with TEST_MYSQL_DSN and TEST_REDIS_URL, on MariaDB +
// Redis.
func TestTakeoverByCreditCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	code := creditCode(91)
	before := e.windowCase(code, "登记前的窗口项目") // nobody has registered the code yet
	u := e.login("claimant")
	var m meOut
	must(t, e.bind(u, code, "阳光科技有限公司", ""), 200).decode(t, &m)
	if m.Verified || m.MemberRole == "admin" || m.Membership != "claimant" {
		t.Fatalf("the first registrant is more than a claimant: %+v", m)
	}
	after := e.windowCase(code, "登记后的窗口项目")
	for _, c := range []*casework.Case{before, after} {
		e.act(e.clerk, c.ID, casework.ActionAccept, map[string]any{"service_type": "agency", "promised_days": 10})
		path := fmt.Sprintf("/api/mp/v1/cases/%d", c.ID)
		must(t, e.call("GET", path, u.Token, nil), 404)
		must(t, e.call("POST", path+"/withdraw", u.Token, map[string]any{"reason": "不办了"}), 404)
		must(t, e.call("GET", path+"/attachments", u.Token, nil), 404)
	}
	if ids := e.listIDs(u); len(ids) != 0 {
		t.Fatalf("the claimant lists %v", ids)
	}
	if out, in := e.notices(u); out != 0 || in != 0 {
		t.Fatalf("the claimant was notified of the enterprise's cases: %d outbox rows, %d inbox entries", out, in)
	}

	// The claim: documents through the mini-program, approval at the window.
	must(t, e.call("POST", "/api/mp/v1/enterprise/claim", u.Token, nil), 422)
	must(t, e.uploadClaimDoc(u, "business_license", filestest.PNG()), 201)
	must(t, e.uploadClaimDoc(u, "authorization", filestest.JPEG()), 201)
	must(t, e.uploadClaimDoc(u, "authorization", filestest.HTML()), 415)
	var claim struct{ ID int64 }
	must(t, e.call("POST", "/api/mp/v1/enterprise/claim", u.Token, nil), 201).decode(t, &claim)
	var st struct {
		Membership string
		Claim      struct{ Status string }
	}
	must(t, e.call("GET", "/api/mp/v1/enterprise/claim", u.Token, nil), 200).decode(t, &st)
	if st.Membership != "claimant" || st.Claim.Status != "pending" {
		t.Fatalf("claim status %+v", st)
	}
	must(t, e.call("GET", fmt.Sprintf("/api/mp/v1/cases/%d", after.ID), u.Token, nil), 404)
	if _, err := e.members.DecideClaim(ctx, e.clerk.Actor, claim.ID, true, "营业执照与授权委托书一致"); err != nil {
		t.Fatal(err)
	}
	if m := e.me(u); !m.Verified || m.MemberRole != "admin" || m.Via != "claim" {
		t.Fatalf("approved claimant: %+v", m)
	}
	for _, c := range []*casework.Case{before, after} {
		must(t, e.call("GET", fmt.Sprintf("/api/mp/v1/cases/%d", c.ID), u.Token, nil), 200)
	}
	if ids := e.listIDs(u); len(ids) != 2 {
		t.Fatalf("the verified administrator lists %v", ids)
	}
	e.act(e.clerk, after.ID, casework.ActionRequestInfo, map[string]any{"reason": "请补充项目代码"})
	if out, in := e.notices(u); out == 0 || in == 0 {
		t.Fatalf("the verified administrator was not notified: %d outbox rows, %d inbox entries", out, in)
	}
	// Now a member, they submit for their own enterprise only.
	r := must(t, e.call("POST", "/api/mp/v1/cases", u.Token, form(creditCode(92), "别家的项目")), 422)
	if errFields(r)["enterprise.credit_code"] == "" {
		t.Fatalf("no credit_code message: %s", r.Body)
	}
}
