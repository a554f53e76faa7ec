package mpapi

import (
	"github.com/gofiber/fiber/v2"

	"sunshine/app/files"
	"sunshine/app/members"
	"sunshine/app/web"
)

// claimStatusJSON is GET /enterprise/claim: the newest claim (null when
// none) and the documents uploaded for the next one.
type claimStatusJSON struct {
	Membership string              `json:"membership"`
	Claim      *web.Claim          `json:"claim"`
	Documents  []web.ClaimDocument `json:"documents"`
}

// claimStatus is GET /enterprise/claim.
func (h *handlers) claimStatus(c *fiber.Ctx, m *member) error {
	st, err := h.d.Members.MyClaim(c.UserContext(), m.Member)
	if err != nil {
		return err
	}
	p, err := h.d.Members.Profile(c.UserContext(), m.Member)
	if err != nil {
		return err
	}
	out := claimStatusJSON{Membership: membershipOf(p), Documents: web.ClaimDocumentsOf(st.Documents)}
	if st.Claim != nil {
		cl := web.ClaimOf(st.Claim)
		out.Claim = &cl
	}
	return c.JSON(out)
}

// uploadClaimDocument is POST /enterprise/claim/documents: multipart with
// the scan in field "file" and its kind in field "kind" → 201.
func (h *handlers) uploadClaimDocument(c *fiber.Ctx, m *member) error {
	part, err := files.ReadMultipart(c.Get(fiber.HeaderContentType), c.Body())
	if err != nil {
		return err
	}
	d, err := h.d.Members.UploadClaimDocument(c.UserContext(), m.Member, part.Kind, part.Filename, part.File)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(web.ClaimDocumentsOf([]members.Document{*d})[0])
}

// submitClaim is POST /enterprise/claim {}: the uploaded documents go to a
// clerk → 201 claim.
func (h *handlers) submitClaim(c *fiber.Ctx, m *member) error {
	var req struct{}
	if err := h.decodeJSON(c, &req, true); err != nil {
		return err
	}
	cl, err := h.d.Members.SubmitClaim(c.UserContext(), m.Member)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(web.ClaimOf(cl))
}

// rosterMemberJSON is a member of the enterprise as another member sees
// them: name, masked phone, role and state.
type rosterMemberJSON struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Phone      string `json:"phone"`
	MemberRole string `json:"member_role"`
	Verified   bool   `json:"verified"`
	Me         bool   `json:"me"`
}

// roster is GET /enterprise/members (verified members).
func (h *handlers) roster(c *fiber.Ctx, m *member) error {
	list, err := h.d.Members.Roster(c.UserContext(), m.Member)
	if err != nil {
		return err
	}
	out := web.List[rosterMemberJSON]{Items: make([]rosterMemberJSON, len(list))}
	for i, x := range list {
		out.Items[i] = rosterMemberJSON{ID: x.ID, Name: x.DisplayName(), Phone: maskPhone(x.Phone), MemberRole: x.Role,
			Verified: x.Verified, Me: x.ID == m.ID}
	}
	return c.JSON(out)
}

// removeMember is DELETE /enterprise/members/{id} (the administrator) → 204.
func (h *handlers) removeMember(c *fiber.Ctx, m *member) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.d.Members.RemoveMember(c.UserContext(), m.Member, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type handOverRequest struct {
	MemberID int64 `json:"member_id"`
}

// handOver is POST /enterprise/admin {member_id}: the administrator hands
// the role to a verified member → 200 the caller's profile.
func (h *handlers) handOver(c *fiber.Ctx, m *member) error {
	var req handOverRequest
	if err := h.decodeJSON(c, &req, false); err != nil {
		return err
	}
	p, err := h.d.Members.HandOver(c.UserContext(), m.Member, req.MemberID)
	if err != nil {
		return err
	}
	return c.JSON(toUserJSON(p))
}
