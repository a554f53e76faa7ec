package staffapi

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/supervision"
	"sunshine/app/web"
)

// reportJSON is a misconduct report for the supervising bureau.
type reportJSON struct {
	ID          int64      `json:"id"`
	CaseID      int64      `json:"case_id"`
	CaseNumber  string     `json:"case_number"`
	ProjectName string     `json:"project_name"`
	Kind        string     `json:"kind"`
	KindLabel   string     `json:"kind_label"`
	Description string     `json:"description"`
	Status      string     `json:"status"`
	StatusLabel string     `json:"status_label"`
	Handling    string     `json:"handling"`
	Outcome     string     `json:"outcome"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	ClosedAt    *time.Time `json:"closed_at"`
}

func toReportJSON(r *supervision.Report) reportJSON {
	out := reportJSON{ID: r.ID, CaseID: r.CaseID, CaseNumber: r.CaseNumber, ProjectName: r.ProjectName, Kind: r.Kind,
		KindLabel: casework.OptionLabel(supervision.Kinds, r.Kind), Description: r.Description, Status: string(r.Status),
		StatusLabel: r.Status.Label(), Handling: r.Handling, Outcome: r.Outcome, CreatedAt: r.CreatedAt.UTC(),
		UpdatedAt: r.UpdatedAt.UTC()}
	if r.ClosedAt != nil {
		t := r.ClosedAt.UTC()
		out.ClosedAt = &t
	}
	return out
}

// listReports is GET /reports?status=&cursor=&limit= (supervisor only).
func (h *handlers) listReports(c *fiber.Ctx) error {
	st := supervision.Status(strings.TrimSpace(c.Query("status")))
	if st != "" && st.Label() == "" {
		return errs.FieldErrors(map[string]string{"status": "状态只能是 open、handling 或 closed"})
	}
	before, limit, err := queryPage(c)
	if err != nil {
		return err
	}
	list, err := h.d.Reports.List(c.UserContext(), viewerOf(c), supervision.Filter{Status: st, Before: before, Limit: limit + 1})
	if err != nil {
		return err
	}
	return c.JSON(page(list, limit, func(r supervision.Report) int64 { return r.ID },
		func(r supervision.Report) reportJSON { return toReportJSON(&r) }))
}

// getReport is GET /reports/{id} (supervisor only).
func (h *handlers) getReport(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	r, err := h.d.Reports.Get(c.UserContext(), viewerOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(toReportJSON(r))
}

type reportNoteRequest struct {
	Note    string `json:"note"`
	Outcome string `json:"outcome"`
}

// handleReport is POST /reports/{id}/handle {note}: open → handling, or
// more handling notes (supervisor only).
func (h *handlers) handleReport(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req reportNoteRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	r, err := h.d.Reports.Handle(c.UserContext(), viewerOf(c), id, req.Note)
	if err != nil {
		return err
	}
	return c.JSON(toReportJSON(r))
}

// closeReport is POST /reports/{id}/close {outcome}: the outcome the
// enterprise sees (supervisor only).
func (h *handlers) closeReport(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req reportNoteRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	r, err := h.d.Reports.Close(c.UserContext(), viewerOf(c), id, req.Outcome)
	if err != nil {
		return err
	}
	return c.JSON(toReportJSON(r))
}
