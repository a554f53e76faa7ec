package staffapi

import (
	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/web"
)

// specialistRoutes registers the head's helpers (behind requireStaff).
func (h *handlers) specialistRoutes(app *fiber.App) {
	if h.d.Stats == nil {
		return
	}
	app.Get("/api/staff/v1/specialists/load", h.specialistLoads)
}

type specialistLoadJSON struct {
	ID       int64       `json:"id"`
	Name     string      `json:"name"`
	Open     int         `json:"open"`
	Overdue  int         `json:"overdue"`
	ByStatus []countJSON `json:"by_status"`
}

// trackingStatuses are the statuses of a case a specialist holds.
var trackingStatuses = []casework.Status{casework.Assigned, casework.InService, casework.Suspended, casework.Closing}

// specialistLoads is GET /specialists/load → {items} (head): each active
// specialist's open cases by status, least loaded first.
func (h *handlers) specialistLoads(c *fiber.Ctx) error {
	list, err := h.d.Stats.SpecialistLoads(c.UserContext(), viewerOf(c).Actor)
	if err != nil {
		return err
	}
	out := web.List[specialistLoadJSON]{Items: make([]specialistLoadJSON, 0, len(list))}
	for _, l := range list {
		j := specialistLoadJSON{ID: l.SpecialistID, Name: l.Name, Open: l.Open, Overdue: l.Overdue}
		for _, s := range trackingStatuses {
			j.ByStatus = append(j.ByStatus, countJSON{string(s), s.Label(), l.ByStatus[s]})
		}
		out.Items = append(out.Items, j)
	}
	return c.JSON(out)
}
