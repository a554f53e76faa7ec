package staffapi_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"sunshine/app/casework"
	"sunshine/app/files/filestest"
	"sunshine/app/members"
)

// claimant binds a new member to code and has them claim it with uploads.
func (f *staffFixture) claimant(code string) (*members.Member, int64) {
	f.t.Helper()
	ctx := context.Background()
	mem := f.sys.Members
	m, err := f.db.Members().UpsertMember(ctx, fmt.Sprintf("openid-claim-%s-%s", code, f.suffix), "", f.clk.now())
	if err != nil {
		f.t.Fatal(err)
	}
	p, err := mem.Bind(ctx, m, members.BindInput{CreditCode: code, Name: "认领公司"})
	if err != nil {
		f.t.Fatal(err)
	}
	for kind, data := range map[string][]byte{members.DocLicense: filestest.PNG(), members.DocAuthorization: filestest.PDF()} {
		if _, err := mem.UploadClaimDocument(ctx, p.Member, kind, kind+".bin", bytes.NewReader(data)); err != nil {
			f.t.Fatal(err)
		}
	}
	c, err := mem.SubmitClaim(ctx, p.Member)
	if err != nil {
		f.t.Fatal(err)
	}
	return p.Member, c.ID
}

// TestClaimReview: the window lists pending claims, opens one and its
// scans (audited, as downloads), and approves or refuses with a reason;
// other roles get 403 and an unknown claim 404.
func TestClaimReview(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t)
	code := casework.CreditCodeWithCheck("91441700MA0000931")
	m, id := f.claimant(code)
	clerk := f.token("clerk")
	for _, who := range []string{"specA", "liaison", "supervisor", "admin"} {
		f.fail("GET", "/api/staff/v1/claims", f.token(who), nil, 403)
		f.fail("POST", fmt.Sprintf("/api/staff/v1/claims/%d/approve", id), f.token(who), map[string]any{}, 403)
	}
	var list struct {
		Items []struct {
			ID        int64
			Status    string
			Member    struct{ ID int64 }
			Documents []struct{ ID int64 }
		}
	}
	f.call("GET", "/api/staff/v1/claims", clerk, nil, 200, &list)
	if len(list.Items) != 1 || list.Items[0].ID != id || list.Items[0].Member.ID != m.ID {
		t.Fatalf("pending claims %+v", list)
	}
	var detail struct {
		Documents []struct {
			ID   int64
			Kind string
		}
		Enterprise struct {
			CreditCode string `json:"credit_code"`
		}
	}
	f.call("GET", fmt.Sprintf("/api/staff/v1/claims/%d", id), clerk, nil, 200, &detail)
	if len(detail.Documents) != 2 || detail.Enterprise.CreditCode != code {
		t.Fatalf("claim %+v", detail)
	}
	doc := detail.Documents[0].ID
	status, body := f.do("GET", fmt.Sprintf("/api/staff/v1/claims/%d/documents/%d", id, doc), clerk, nil)
	if status != 200 || !(bytes.Equal(body, filestest.PNG()) || bytes.Equal(body, filestest.PDF())) {
		t.Fatalf("document: %d, %d bytes", status, len(body))
	}
	f.fail("GET", fmt.Sprintf("/api/staff/v1/claims/%d/documents/%d", id+1000, doc), clerk, nil, 404)
	f.fail("GET", "/api/staff/v1/claims/99999999", clerk, nil, 404)

	e := f.fail("POST", fmt.Sprintf("/api/staff/v1/claims/%d/refuse", id), clerk, map[string]any{"reason": ""}, 422)
	if e.Error.Fields["reason"] == "" {
		t.Fatalf("refusal without reason: %+v", e)
	}
	var out struct{ Status, Note string }
	f.call("POST", fmt.Sprintf("/api/staff/v1/claims/%d/refuse", id), clerk, map[string]any{"reason": "营业执照模糊"}, 200, &out)
	if out.Status != "refused" || out.Note != "营业执照模糊" {
		t.Fatalf("refused %+v", out)
	}
	f.fail("POST", fmt.Sprintf("/api/staff/v1/claims/%d/approve", id), clerk, map[string]any{}, 409)

	// A second claim is approved by the head; the member is the administrator.
	m2, id2 := f.claimant(casework.CreditCodeWithCheck("91441700MA0000932"))
	f.call("POST", fmt.Sprintf("/api/staff/v1/claims/%d/approve", id2), f.token("head"), map[string]any{"note": "材料齐全"}, 200, &out)
	got, err := f.db.Members().Member(context.Background(), m2.ID)
	if out.Status != "approved" || err != nil || !got.Verified || got.Role != members.RoleAdmin {
		t.Fatalf("approved %+v member %+v %v", out, got, err)
	}
	// Staff revoke the member, then the enterprise has no administrator.
	f.fail("POST", fmt.Sprintf("/api/staff/v1/members/%d/revoke", m2.ID), clerk, map[string]any{}, 422)
	f.call("POST", fmt.Sprintf("/api/staff/v1/members/%d/revoke", m2.ID), clerk, map[string]any{"reason": "企业申请撤销"}, 200, nil)
	if got, _ := f.db.Members().Member(context.Background(), m2.ID); got.Verified || got.EnterpriseID != 0 {
		t.Fatalf("revoked member %+v", got)
	}
	var n int64
	f.db.R.Raw("SELECT COUNT(*) FROM audit_records WHERE action = 'claim.document.download' AND result = 'ok'").Scan(&n)
	if n != 1 {
		t.Fatalf("%d audited document views, want 1", n)
	}
}
