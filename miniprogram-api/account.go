package mpapi

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/members"
)

type userJSON struct {
	ID          int64           `json:"id"`
	Name        string          `json:"name"`
	Phone       string          `json:"phone"` // masked: 138****1234
	Enterprise  *enterpriseJSON `json:"enterprise"`
	MemberRole  string          `json:"member_role"` // admin | member | ""
	Verified    bool            `json:"verified"`
	Membership  string          `json:"membership"` // none | claimant | pending | verified
	VerifiedVia string          `json:"verified_via,omitempty"`
}

type enterpriseJSON struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	CreditCode string `json:"credit_code"`
	Address    string `json:"address,omitempty"`
	Nature     string `json:"nature,omitempty"`
}

// toUserJSON converts a profile; a member who is not yet verified sees only
// the registered name and credit code of the enterprise they claim.
func toUserJSON(p *members.Profile) userJSON {
	m := p.Member
	u := userJSON{ID: m.ID, Name: m.Name, Phone: maskPhone(m.Phone), MemberRole: m.Role, Verified: m.Verified,
		Membership: membershipOf(p), VerifiedVia: m.VerifiedVia}
	if e := p.Enterprise; e != nil {
		u.Enterprise = &enterpriseJSON{ID: e.ID, Name: e.Name, CreditCode: e.CreditCode}
		if m.Verified {
			u.Enterprise.Address, u.Enterprise.Nature = e.Address, e.Nature
		}
	}
	return u
}

// membershipOf is the member's state (docs/identity.md): none (no
// enterprise), claimant (the enterprise has no administrator: the member may
// claim it with documents), pending (it has one: wait for an invitation or
// the window), verified.
func membershipOf(p *members.Profile) string {
	switch {
	case p.Enterprise == nil:
		return "none"
	case p.Member.Verified:
		return "verified"
	case p.Enterprise.AdminID == 0:
		return "claimant"
	}
	return "pending"
}

type codeRequest struct {
	Code string `json:"code"`
}

type loginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      userJSON  `json:"user"`
}

// login is POST /login {code} → {token, expires_at, user}.
func (h *handlers) login(c *fiber.Ctx) error {
	var req codeRequest
	if err := h.decodeJSON(c, &req, false); err != nil {
		return err
	}
	res, err := h.d.Members.Login(c.UserContext(), req.Code)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(loginResponse{Token: res.Token, ExpiresAt: res.ExpiresAt.UTC(), User: toUserJSON(res.Profile)})
}

// logout is POST /logout: the session ends → 204.
func (h *handlers) logout(c *fiber.Ctx, _ *member) error {
	if err := h.d.Members.Logout(c.UserContext(), bearer(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// me is GET /me: the logged-in user and their enterprise.
func (h *handlers) me(c *fiber.Ctx, m *member) error {
	p, err := h.d.Members.Profile(c.UserContext(), m.Member)
	if err != nil {
		return err
	}
	return c.JSON(toUserJSON(p))
}

// phone is POST /phone {code}: binds the number of a getPhoneNumber code.
func (h *handlers) phone(c *fiber.Ctx, m *member) error {
	var req codeRequest
	if err := h.decodeJSON(c, &req, false); err != nil {
		return err
	}
	p, err := h.d.Members.BindPhone(c.UserContext(), m.Member, req.Code)
	if err != nil {
		return err
	}
	return c.JSON(toUserJSON(p))
}

type enterpriseRequest struct {
	CreditCode string `json:"credit_code"`
	Name       string `json:"name"`
	Address    string `json:"address"`
	Nature     string `json:"nature"`
	MemberName string `json:"member_name"`
	InviteCode string `json:"invite_code"`
}

// enterprise is PUT /enterprise: binds or updates the enterprise profile.
func (h *handlers) enterprise(c *fiber.Ctx, m *member) error {
	var req enterpriseRequest
	if err := h.decodeJSON(c, &req, false); err != nil {
		return err
	}
	p, err := h.d.Members.Bind(c.UserContext(), m.Member, members.BindInput{CreditCode: req.CreditCode,
		Name: req.Name, Address: req.Address, Nature: req.Nature, MemberName: req.MemberName, InviteCode: req.InviteCode})
	if err != nil {
		return err
	}
	return c.JSON(toUserJSON(p))
}

type invitationJSON struct {
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
	SingleUse bool      `json:"single_use"`
}

// invite is POST /enterprise/invitations: the administrator gets a new
// single-use invitation code → 201.
func (h *handlers) invite(c *fiber.Ctx, m *member) error {
	inv, err := h.d.Members.Invite(c.UserContext(), m.Member)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(invitationJSON{Code: inv.Code, ExpiresAt: inv.ExpiresAt.UTC(), SingleUse: true})
}
