package enterprise

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/members"
	"sunshine/app/web"
	"sunshine/portal/site"
)

// profileView is the enterprise page: the member, their enterprise and
// what they may do about the membership.
type profileView struct {
	Profile    *members.Profile
	Phone      string // masked
	Membership string // none | claimant | pending | verified
	Input      members.BindInput
	Invitation *members.Invitation
	// Roster is the enterprise's members (a verified member sees it; the
	// administrator may remove a member or hand the role over).
	Roster []rosterRow
	Admin  bool
	// Claim is the claimant's newest claim and the papers waiting for the
	// next one (docs/identity.md).
	Claim     *web.Claim
	Documents []web.ClaimDocument
	DocKinds  []casework.Option
}

// rosterRow is a member of the enterprise as another member sees them.
type rosterRow struct {
	ID       int64
	Name     string
	Phone    string // masked
	Admin    bool
	Verified bool
	Me       bool
}

// docKinds are the papers of a claim in the order a claimant gathers them.
var docKinds = []casework.Option{{Value: members.DocLicense, Label: members.DocKinds[members.DocLicense]},
	{Value: members.DocAuthorization, Label: members.DocKinds[members.DocAuthorization]},
	{Value: members.DocLegalRepID, Label: members.DocKinds[members.DocLegalRepID]}}

// enterprise is GET /enterprise: profile and membership.
func (h *handlers) enterprise(c *fiber.Ctx) error {
	return h.renderProfile(c, fiber.StatusOK, nil, members.BindInput{}, nil)
}

func (h *handlers) renderProfile(c *fiber.Ctx, status int, failed error, in members.BindInput, inv *members.Invitation) error {
	m := member(c)
	p, err := h.d.Members.Profile(c.UserContext(), m)
	if err != nil {
		return h.site.Fail(c, err)
	}
	v := profileView{Profile: p, Phone: maskPhone(m.Phone), Membership: "none", Input: in, Invitation: inv}
	if p.Enterprise != nil {
		v.Membership = "pending"
		switch {
		case m.Verified:
			v.Membership = "verified"
		case p.Enterprise.AdminID == 0:
			v.Membership = "claimant" // may claim the enterprise with documents (docs/identity.md)
		}
		if in == (members.BindInput{}) {
			v.Input = members.BindInput{CreditCode: p.Enterprise.CreditCode, Name: p.Enterprise.Name,
				Address: p.Enterprise.Address, Nature: p.Enterprise.Nature, MemberName: m.Name}
		}
	}
	if v.Membership == "verified" {
		v.Admin = m.Role == members.RoleAdmin
		list, err := h.d.Members.Roster(c.UserContext(), m)
		if err != nil {
			return h.site.Fail(c, err)
		}
		for _, x := range list {
			v.Roster = append(v.Roster, rosterRow{ID: x.ID, Name: x.DisplayName(), Phone: maskPhone(x.Phone),
				Admin: x.Role == members.RoleAdmin, Verified: x.Verified, Me: x.ID == m.ID})
		}
	}
	if p.Enterprise != nil && !m.Verified {
		st, err := h.d.Members.MyClaim(c.UserContext(), m)
		if err != nil {
			return h.site.Fail(c, err)
		}
		if st.Claim != nil {
			cl := web.ClaimOf(st.Claim)
			v.Claim = &cl
		}
		v.Documents, v.DocKinds = web.ClaimDocumentsOf(st.Documents), docKinds
	}
	page := h.site.NewPage(c, "企业信息", v)
	if failed != nil {
		page.Error, page.Fields = site.Message(failed), site.Fields(failed)
	}
	return h.site.Render(c, status, "enterprise", page)
}

// bindEnterprise is POST /enterprise: claim by credit code (the first
// registrant), join with an invitation code, or update the profile — the
// same service as the mini-program's PUT /enterprise.
func (h *handlers) bindEnterprise(c *fiber.Ctx) error {
	in := members.BindInput{CreditCode: strings.TrimSpace(c.FormValue("credit_code")),
		Name: strings.TrimSpace(c.FormValue("name")), Address: strings.TrimSpace(c.FormValue("address")),
		Nature: strings.TrimSpace(c.FormValue("nature")), MemberName: strings.TrimSpace(c.FormValue("member_name")),
		InviteCode: strings.TrimSpace(c.FormValue("invite_code"))}
	if _, err := h.d.Members.Bind(c.UserContext(), member(c), in); err != nil {
		if site.IsFormError(err) || isForbidden(err) {
			return h.renderProfile(c, statusOf(err), err, in, nil)
		}
		return h.site.Fail(c, err)
	}
	return h.redirectFlash(c, "/enterprise", "企业信息已保存")
}

// invite is POST /enterprise/invitations: the administrator gets a
// single-use invitation code, shown once.
func (h *handlers) invite(c *fiber.Ctx) error {
	inv, err := h.d.Members.Invite(c.UserContext(), member(c))
	if err != nil {
		if site.IsFormError(err) || isForbidden(err) {
			return h.renderProfile(c, statusOf(err), err, members.BindInput{}, nil)
		}
		return h.site.Fail(c, err)
	}
	return h.renderProfile(c, fiber.StatusOK, nil, members.BindInput{}, inv)
}

// profileAfter answers a membership form: back to /enterprise with a
// confirmation, or the page with the refusal next to its fields.
func (h *handlers) profileAfter(c *fiber.Ctx, err error, done string) error {
	if err != nil {
		if site.IsFormError(err) || isForbidden(err) || errs.Is(err, errs.NotFound) {
			return h.renderProfile(c, statusOf(err), err, members.BindInput{}, nil)
		}
		return h.site.Fail(c, err)
	}
	return h.redirectFlash(c, "/enterprise", done)
}

// removeMember is POST /enterprise/members/{id}/remove: the administrator
// takes a member out of the enterprise (the service of the mini-program's
// DELETE /enterprise/members/{id}).
func (h *handlers) removeMember(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	return h.profileAfter(c, h.d.Members.RemoveMember(c.UserContext(), member(c), id), "已将该成员移出本企业")
}

// handOver is POST /enterprise/admin {member_id}: the administrator hands
// the role to a verified member (the mini-program's POST /enterprise/admin).
func (h *handlers) handOver(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.FormValue("member_id"), 10, 64)
	if err != nil || id <= 0 {
		return h.profileAfter(c, errs.FieldErrors(map[string]string{"member_id": "请选择接任管理员的成员"}), "")
	}
	_, err = h.d.Members.HandOver(c.UserContext(), member(c), id)
	return h.profileAfter(c, err, "已移交企业管理员身份")
}

// uploadClaimDocument is POST /enterprise/claim/documents: one paper of
// the claim (field "kind" and the image or PDF in field "file").
func (h *handlers) uploadClaimDocument(c *fiber.Ctx) error {
	fhs := formFiles(c, "file")
	if len(fhs) == 0 {
		return h.profileAfter(c, errs.FieldErrors(map[string]string{"file": "请选择要上传的文件（图片或PDF）"}), "")
	}
	f, err := fhs[0].Open()
	if err != nil {
		return h.profileAfter(c, errs.Wrap(errs.Invalid, "无法读取上传的文件", err), "")
	}
	defer f.Close()
	d, err := h.d.Members.UploadClaimDocument(c.UserContext(), member(c), strings.TrimSpace(c.FormValue("kind")), fhs[0].Filename, f)
	if err != nil {
		return h.profileAfter(c, err, "")
	}
	return h.profileAfter(c, nil, "已上传"+members.DocKinds[d.Kind])
}

// submitClaim is POST /enterprise/claim: the uploaded papers go to a clerk.
func (h *handlers) submitClaim(c *fiber.Ctx) error {
	_, err := h.d.Members.SubmitClaim(c.UserContext(), member(c))
	return h.profileAfter(c, err, "认证申请已提交，请等待阳光代办工作人员审核")
}
