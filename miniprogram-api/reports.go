package mpapi

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/supervision"
	"sunshine/app/web"
)

// reportJSON is a misconduct report as the enterprise sees it: its own
// words, the status and the bureau's outcome (not its handling notes).
type reportJSON struct {
	ID          int64      `json:"id"`
	CaseID      int64      `json:"case_id"`
	Kind        string     `json:"kind"`
	KindLabel   string     `json:"kind_label"`
	Description string     `json:"description"`
	Status      string     `json:"status"`
	StatusLabel string     `json:"status_label"`
	Outcome     string     `json:"outcome"`
	CreatedAt   time.Time  `json:"created_at"`
	ClosedAt    *time.Time `json:"closed_at"`
}

func toReportJSON(r *supervision.Report) reportJSON {
	out := reportJSON{ID: r.ID, CaseID: r.CaseID, Kind: r.Kind, KindLabel: casework.OptionLabel(supervision.Kinds, r.Kind),
		Description: r.Description, Status: string(r.Status), StatusLabel: r.Status.Label(), Outcome: r.Outcome,
		CreatedAt: r.CreatedAt.UTC()}
	if r.ClosedAt != nil {
		t := r.ClosedAt.UTC()
		out.ClosedAt = &t
	}
	return out
}

type reportRequest struct {
	Kind        string `json:"kind"`
	Description string `json:"description"`
}

// fileReport is POST /cases/{id}/reports {kind, description}: a report of
// misconduct about the case to the supervising bureau (监督) → 201 report.
// The center's staff never see it.
func (h *handlers) fileReport(c *fiber.Ctx, m *member) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req reportRequest
	if err := h.decodeJSON(c, &req, false); err != nil {
		return err
	}
	r, err := h.d.Reports.File(c.UserContext(), m.viewer, id, req.Kind, req.Description)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toReportJSON(r))
}

// myReports is GET /cases/{id}/reports: the user's reports about the case
// with their outcome.
func (h *handlers) myReports(c *fiber.Ctx, m *member) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	list, err := h.d.Reports.Mine(c.UserContext(), m.viewer, id)
	if err != nil {
		return err
	}
	items := make([]reportJSON, len(list))
	for i := range list {
		items[i] = toReportJSON(&list[i])
	}
	return c.JSON(fiber.Map{"items": items})
}
