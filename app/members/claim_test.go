package members_test

import (
	"bytes"
	"strconv"
	"testing"

	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/files/filestest"
	"sunshine/app/members"
)

// outbox counts the notification rows of an event to a member.
func (f *fixture) outbox(t *testing.T, event string, memberID int64) int64 {
	t.Helper()
	var n int64
	if err := f.db.R.Raw("SELECT COUNT(*) FROM notifications WHERE event = ? AND recipient = ?", event,
		"member:"+itoa(memberID)).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) inbox(t *testing.T, event string, memberID int64) int64 {
	t.Helper()
	var n int64
	if err := f.db.R.Raw("SELECT COUNT(*) FROM inbox WHERE event = ? AND recipient = ?", event,
		"member:"+itoa(memberID)).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestClaimWithDocuments: the claimant uploads the 营业执照 and a 授权委托书,
// a clerk refuses with a reason (the claimant is told, in the inbox and the
// outbox, in the decision's transaction), the claimant claims again with new
// documents and a clerk approves: the claimant becomes the administrator.
func TestClaimWithDocuments(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	code := casework.CreditCodeWithCheck("91441700MA0000901")
	m := f.member(t)
	if _, err := f.svc.UploadClaimDocument(ctx, m, members.DocLicense, "执照.png", bytes.NewReader(filestest.PNG())); !errs.Is(err, errs.Conflict) {
		t.Fatalf("upload before binding: %v", err)
	}
	p, err := f.svc.Bind(ctx, m, members.BindInput{CreditCode: code, Name: "认领公司"})
	if err != nil {
		t.Fatal(err)
	}
	m = p.Member
	upload := func(kind string, data []byte) error {
		_, err := f.svc.UploadClaimDocument(ctx, m, kind, "scan", bytes.NewReader(data))
		return err
	}
	if err := upload("passport", filestest.PNG()); !errs.Is(err, errs.Unprocessable) {
		t.Fatalf("unknown kind: %v", err)
	}
	if err := upload(members.DocLicense, filestest.HTML()); !errs.Is(err, errs.Unsupported) {
		t.Fatalf("html as a licence: %v", err)
	}
	if err := upload(members.DocLicense, filestest.DOCX()); !errs.Is(err, errs.Unsupported) {
		t.Fatalf("a Word file as a licence: %v", err)
	}
	if err := upload(members.DocLicense, filestest.PNG()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SubmitClaim(ctx, m); !errs.Is(err, errs.Unprocessable) || errs.FieldsOf(err)[members.DocAuthorization] == "" {
		t.Fatalf("claim without authorization: %v", err)
	}
	if err := upload(members.DocAuthorization, filestest.JPEG()); err != nil {
		t.Fatal(err)
	}
	c, err := f.svc.SubmitClaim(ctx, m)
	if err != nil || c.Status != members.ClaimPending || len(c.Documents) != 2 {
		t.Fatalf("claim: %+v, %v", c, err)
	}
	if _, err := f.svc.SubmitClaim(ctx, m); !errs.Is(err, errs.Conflict) {
		t.Fatalf("second pending claim: %v", err)
	}

	// The window: only clerk and head review; the scans open, audited.
	spec := casework.Actor{ID: 9002, Role: casework.RoleSpecialist, Name: "专员"}
	if _, err := f.svc.Claims(ctx, spec, members.ClaimFilter{}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("specialist lists claims: %v", err)
	}
	if _, _, err := f.svc.ClaimDocument(ctx, spec, c.ID, c.Documents[0].ID); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("specialist opens a claim document: %v", err)
	}
	list, err := f.svc.Claims(ctx, clerk, members.ClaimFilter{})
	if err != nil || len(list) != 1 || list[0].ID != c.ID || list[0].Member == nil || list[0].Enterprise.CreditCode != code {
		t.Fatalf("pending claims: %+v, %v", list, err)
	}
	d, data, err := f.svc.ClaimDocument(ctx, clerk, c.ID, c.Documents[0].ID)
	if err != nil || !bytes.Equal(data, filestest.PNG()) || d.Kind != members.DocLicense {
		t.Fatalf("document: %+v, %d bytes, %v", d, len(data), err)
	}
	if _, _, err := f.svc.ClaimDocument(ctx, clerk, c.ID+1, c.Documents[0].ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("document under another claim: %v", err)
	}
	var audited int64
	f.db.R.Raw("SELECT COUNT(*) FROM audit_records WHERE action = 'claim.document.download' AND result = 'ok'").Scan(&audited)
	if audited != 1 {
		t.Fatalf("%d audited downloads, want 1", audited)
	}

	// Refused: a reason is required; the claimant is told.
	if _, err := f.svc.DecideClaim(ctx, clerk, c.ID, false, " "); !errs.Is(err, errs.Unprocessable) {
		t.Fatalf("refusal without reason: %v", err)
	}
	if _, err := f.svc.DecideClaim(ctx, clerk, c.ID, false, "授权委托书未加盖公章"); err != nil {
		t.Fatal(err)
	}
	if f.outbox(t, members.NoticeClaimRefused, m.ID) != 1 || f.inbox(t, members.NoticeClaimRefused, m.ID) != 1 {
		t.Fatalf("refusal not notified")
	}
	if _, err := f.svc.DecideClaim(ctx, clerk, c.ID, true, ""); !errs.Is(err, errs.Conflict) {
		t.Fatalf("decided twice: %v", err)
	}
	// Again, with new documents: the old ones belong to the refused claim.
	if _, err := f.svc.SubmitClaim(ctx, m); !errs.Is(err, errs.Unprocessable) {
		t.Fatalf("claim again without new documents: %v", err)
	}
	if err := upload(members.DocLicense, filestest.PNG()); err != nil {
		t.Fatal(err)
	}
	if err := upload(members.DocLegalRepID, filestest.PDF()); err != nil {
		t.Fatal(err)
	}
	c2, err := f.svc.SubmitClaim(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DecideClaim(ctx, clerk, c2.ID, true, "材料齐全"); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.Members().Member(ctx, m.ID)
	if err != nil || !got.Verified || got.Role != members.RoleAdmin || got.VerifiedVia != members.ViaClaim {
		t.Fatalf("approved claimant: %+v, %v", got, err)
	}
	if f.outbox(t, members.NoticeClaimApproved, m.ID) != 1 || f.inbox(t, members.NoticeClaimApproved, m.ID) != 1 {
		t.Fatalf("approval not notified")
	}
	st, err := f.svc.MyClaim(ctx, got)
	if err != nil || st.Claim.ID != c2.ID || st.Claim.Status != members.ClaimApproved {
		t.Fatalf("my claim: %+v, %v", st, err)
	}
	// A verified member has nothing to claim.
	if _, err := f.svc.UploadClaimDocument(ctx, got, members.DocLicense, "scan", bytes.NewReader(filestest.PNG())); !errs.Is(err, errs.Conflict) {
		t.Fatalf("upload after verification: %v", err)
	}
}

// TestRoster: the administrator removes members and hands the role over;
// staff revoke a member (notified) and transfer the administration.
func TestRoster(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	code := casework.CreditCodeWithCheck("91441700MA0000902")
	admin, other, third := f.member(t), f.member(t), f.member(t)
	for _, m := range []*members.Member{admin, other, third} {
		if _, err := f.svc.Bind(ctx, m, members.BindInput{CreditCode: code, Name: "成员公司"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Verify(ctx, clerk, m.ID, "营业执照原件"); err != nil {
			t.Fatal(err)
		}
	}
	load := func(m *members.Member) *members.Member {
		x, err := f.db.Members().Member(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	a, o := load(admin), load(other)
	if a.Role != members.RoleAdmin || o.Role != members.RoleMember || !o.Verified {
		t.Fatalf("roles %+v %+v", a, o)
	}
	if err := f.svc.RemoveMember(ctx, o, third.ID); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("a member removed another: %v", err)
	}
	if err := f.svc.RemoveMember(ctx, a, a.ID); !errs.Is(err, errs.Conflict) {
		t.Fatalf("the administrator removed themselves: %v", err)
	}
	if err := f.svc.RemoveMember(ctx, a, third.ID); err != nil {
		t.Fatal(err)
	}
	if x := load(third); x.EnterpriseID != 0 || x.Verified {
		t.Fatalf("removed member %+v", x)
	}
	if _, err := f.svc.HandOver(ctx, a, o.ID); err != nil {
		t.Fatal(err)
	}
	a, o = load(admin), load(other)
	if a.Role != members.RoleMember || !a.Verified || o.Role != members.RoleAdmin {
		t.Fatalf("after hand-over %+v %+v", a, o)
	}
	// Staff: revoke the administrator, then make the other one administrator.
	if _, err := f.svc.Revoke(ctx, clerk, o.ID, ""); !errs.Is(err, errs.Unprocessable) {
		t.Fatalf("revoke without reason: %v", err)
	}
	if _, err := f.svc.Revoke(ctx, clerk, o.ID, "已离职"); err != nil {
		t.Fatal(err)
	}
	if x := load(other); x.EnterpriseID != 0 || x.Verified || x.Role != "" {
		t.Fatalf("revoked %+v", x)
	}
	if f.outbox(t, members.NoticeRevoked, o.ID) != 1 {
		t.Fatalf("revocation not notified")
	}
	ent := a.EnterpriseID
	if _, err := f.svc.TransferAdmin(ctx, clerk, ent, third.ID, "企业申请"); !errs.Is(err, errs.Unprocessable) {
		t.Fatalf("transfer to a non-member: %v", err)
	}
	spec := casework.Actor{ID: 9002, Role: casework.RoleSpecialist}
	if _, err := f.svc.TransferAdmin(ctx, spec, ent, a.ID, "企业申请"); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("a specialist transferred the administration: %v", err)
	}
	if _, err := f.svc.TransferAdmin(ctx, clerk, ent, a.ID, "原管理员离职，企业出具授权委托书"); err != nil {
		t.Fatal(err)
	}
	if x := load(admin); x.Role != members.RoleAdmin {
		t.Fatalf("after transfer %+v", x)
	}
}

// TestClaimOfAMemberWhoMoved: a claimant who binds another enterprise
// leaves a pending claim that can be refused, not approved.
func TestClaimOfAMemberWhoMoved(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	m := f.member(t)
	p, err := f.svc.Bind(ctx, m, members.BindInput{CreditCode: casework.CreditCodeWithCheck("91441700MA0000903"), Name: "甲"})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{members.DocLicense, members.DocLegalRepID} {
		if _, err := f.svc.UploadClaimDocument(ctx, p.Member, k, "scan", bytes.NewReader(filestest.PNG())); err != nil {
			t.Fatal(err)
		}
	}
	c, err := f.svc.SubmitClaim(ctx, p.Member)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Bind(ctx, p.Member, members.BindInput{CreditCode: casework.CreditCodeWithCheck("91441700MA0000904"), Name: "乙"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DecideClaim(ctx, clerk, c.ID, true, ""); !errs.Is(err, errs.Conflict) {
		t.Fatalf("approved the claim of a member who moved: %v", err)
	}
	if _, err := f.svc.DecideClaim(ctx, clerk, c.ID, false, "申请人已更换企业"); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.db.Members().Member(ctx, m.ID); got.Verified {
		t.Fatalf("the member was verified: %+v", got)
	}
}
