package enterprise

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/members"
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
}

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
