package staffapi

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"sunshine/app/members"
	"sunshine/app/web"
)

// memberRoutes registers the window's view of enterprise users under the
// staff API (behind requireStaff: routes() calls it after staffRoutes).
// Uses Deps.Members; left out when it is nil.
//
//	GET  /api/staff/v1/members?pending=&credit_code=&q=&cursor=&limit=
//	POST /api/staff/v1/members/{id}/verify {note}      (clerk, head: papers seen at the window)
//	POST /api/staff/v1/members/{id}/revoke {reason}    (clerk, head)
//	POST /api/staff/v1/enterprises/{id}/admin {member_id, reason}  (clerk, head)
//	GET  /api/staff/v1/claims?status=&cursor=&limit=   (claims.go)
func (h *handlers) memberRoutes(app *fiber.App) {
	if h.d.Members == nil {
		return
	}
	r := app.Group("/api/staff/v1")
	r.Get("/members", h.listMembers)
	r.Post("/members/:id/verify", h.verifyMember)
	r.Post("/members/:id/revoke", h.revokeMember)
	r.Post("/enterprises/:id/admin", h.transferAdmin)
	h.claimRoutes(r)
}

// memberJSON is an enterprise user as the window sees them: the phone is
// masked, WeChat identifiers never leave the server.
type memberJSON struct {
	ID          int64                 `json:"id"`
	Name        string                `json:"name"`
	Phone       string                `json:"phone"`
	Enterprise  *memberEnterpriseJSON `json:"enterprise"`
	MemberRole  string                `json:"member_role"`
	Verified    bool                  `json:"verified"`
	VerifiedVia string                `json:"verified_via,omitempty"`
	VerifiedAt  *time.Time            `json:"verified_at,omitempty"`
	CreatedAt   time.Time             `json:"created_at"`
}

type memberEnterpriseJSON struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	CreditCode string `json:"credit_code"`
}

func toMemberJSON(p members.Profile) memberJSON {
	m := p.Member
	out := memberJSON{ID: m.ID, Name: m.Name, Phone: maskPhone(m.Phone), MemberRole: m.Role, Verified: m.Verified,
		VerifiedVia: m.VerifiedVia, VerifiedAt: m.VerifiedAt, CreatedAt: m.CreatedAt.UTC()}
	if e := p.Enterprise; e != nil {
		out.Enterprise = &memberEnterpriseJSON{ID: e.ID, Name: e.Name, CreditCode: e.CreditCode}
	}
	return out
}

// listMembers is GET /members: enterprise users, newest first; pending=1
// lists those waiting for verification at the window.
func (h *handlers) listMembers(c *fiber.Ctx) error {
	before, limit, err := queryPage(c)
	if err != nil {
		return err
	}
	pending, err := queryBool(c, "pending")
	if err != nil {
		return err
	}
	list, err := h.d.Members.List(c.UserContext(), staffOf(c).Actor(), members.Filter{Pending: pending,
		CreditCode: utils.CopyString(c.Query("credit_code")), Q: utils.CopyString(c.Query("q")),
		Before: before, Limit: limit + 1})
	if err != nil {
		return err
	}
	return c.JSON(page(list, limit, func(p members.Profile) int64 { return p.Member.ID }, toMemberJSON))
}

type noteRequest struct {
	Note string `json:"note"`
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

// verifyMember is POST /members/{id}/verify {note}: a clerk (or the head)
// has checked the user's papers at the window (the note says which); the
// user becomes a verified member of the enterprise they claimed.
func (h *handlers) verifyMember(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req noteRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	p, err := h.d.Members.Verify(c.UserContext(), staffOf(c).Actor(), id, req.Note)
	if err != nil {
		return err
	}
	return c.JSON(toMemberJSON(*p))
}

// revokeMember is POST /members/{id}/revoke {reason}: the user is taken
// out of their enterprise (and notified).
func (h *handlers) revokeMember(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req reasonRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	p, err := h.d.Members.Revoke(c.UserContext(), staffOf(c).Actor(), id, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(toMemberJSON(*p))
}

type transferRequest struct {
	MemberID int64  `json:"member_id"`
	Reason   string `json:"reason"`
}

// transferAdmin is POST /enterprises/{id}/admin {member_id, reason}: a
// verified member becomes the enterprise's administrator.
func (h *handlers) transferAdmin(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req transferRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	p, err := h.d.Members.TransferAdmin(c.UserContext(), staffOf(c).Actor(), id, req.MemberID, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(toMemberJSON(*p))
}
