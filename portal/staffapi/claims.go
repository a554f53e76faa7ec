package staffapi

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"sunshine/app/members"
	"sunshine/app/web"
)

// claimRoutes registers the window's review of enterprise claims (SPEC §2):
//
//	GET  /api/staff/v1/claims?status=pending|approved|refused|all&cursor=&limit=
//	GET  /api/staff/v1/claims/{id}
//	GET  /api/staff/v1/claims/{id}/documents/{doc}   (the scan, audited)
//	POST /api/staff/v1/claims/{id}/approve {note}
//	POST /api/staff/v1/claims/{id}/refuse  {reason}
func (h *handlers) claimRoutes(r fiber.Router) {
	r.Get("/claims", h.listClaims)
	r.Get("/claims/:id", h.getClaim)
	r.Get("/claims/:id/documents/:doc", h.claimDocument)
	r.Post("/claims/:id/approve", h.decideClaim(true))
	r.Post("/claims/:id/refuse", h.decideClaim(false))
}

// staffClaimJSON is a claim as the window sees it: the claimant (phone
// masked), the enterprise and who decided.
type staffClaimJSON struct {
	web.Claim
	Member       *memberJSON           `json:"member"`
	Enterprise   *memberEnterpriseJSON `json:"enterprise"`
	ReviewerName string                `json:"reviewer_name,omitempty"`
	UpdatedAt    time.Time             `json:"updated_at"`
}

func toStaffClaim(c members.Claim) staffClaimJSON {
	out := staffClaimJSON{Claim: web.ClaimOf(&c), ReviewerName: c.ReviewerName, UpdatedAt: c.UpdatedAt.UTC()}
	if c.Member != nil {
		m := toMemberJSON(members.Profile{Member: c.Member})
		out.Member = &m
	}
	if e := c.Enterprise; e != nil {
		out.Enterprise = &memberEnterpriseJSON{ID: e.ID, Name: e.Name, CreditCode: e.CreditCode}
	}
	return out
}

// listClaims is GET /claims: pending claims first of all (the default).
func (h *handlers) listClaims(c *fiber.Ctx) error {
	before, limit, err := queryPage(c)
	if err != nil {
		return err
	}
	list, err := h.d.Members.Claims(c.UserContext(), staffOf(c).Actor(), members.ClaimFilter{
		Status: utils.CopyString(c.Query("status")), Before: before, Limit: limit + 1})
	if err != nil {
		return err
	}
	return c.JSON(page(list, limit, func(x members.Claim) int64 { return x.ID }, toStaffClaim))
}

// getClaim is GET /claims/{id} with its documents.
func (h *handlers) getClaim(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	cl, err := h.d.Members.Claim(c.UserContext(), staffOf(c).Actor(), id)
	if err != nil {
		return err
	}
	return c.JSON(toStaffClaim(*cl))
}

// claimDocument is GET /claims/{id}/documents/{doc}: the scan, only as a
// download, after the viewing is audited.
func (h *handlers) claimDocument(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	doc, err := web.PathID(c, "doc")
	if err != nil {
		return err
	}
	d, data, err := h.d.Members.ClaimDocument(c.UserContext(), staffOf(c).Actor(), id, doc)
	if err != nil {
		return err
	}
	web.SetDownloadHeaders(c, d.Blob.ContentType, d.Blob.Name)
	return c.Send(data)
}

type decisionRequest struct {
	Note   string `json:"note"`
	Reason string `json:"reason"`
}

// decideClaim is POST /claims/{id}/approve {note} or /refuse {reason}.
func (h *handlers) decideClaim(approve bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := web.PathID(c, "id")
		if err != nil {
			return err
		}
		var req decisionRequest
		if err := web.DecodeJSON(c, &req); err != nil {
			return err
		}
		note := req.Note
		if !approve {
			note = req.Reason
		}
		if _, err := h.d.Members.DecideClaim(c.UserContext(), staffOf(c).Actor(), id, approve, note); err != nil {
			return err
		}
		cl, err := h.d.Members.Claim(c.UserContext(), staffOf(c).Actor(), id)
		if err != nil {
			return err
		}
		return c.JSON(toStaffClaim(*cl))
	}
}
