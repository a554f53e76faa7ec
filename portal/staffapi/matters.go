package staffapi

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
	"sunshine/app/matters"
	"sunshine/app/web"
)

// matterRoutes registers the department matters (事项, 并联审批) under the
// staff API (behind requireStaff: routes() calls it after staffRoutes).
// Uses Deps.Matters; left out when it is nil.
func (h *handlers) matterRoutes(app *fiber.App) {
	if h.d.Matters == nil {
		return
	}
	r := app.Group("/api/staff/v1")
	r.Post("/cases/:id/matters", h.addMatter)
	r.Get("/cases/:id/matters", h.caseMatters)
	r.Get("/matters", h.listMatters)
	r.Post("/matters/:id/progress", h.reportProgress)
}

// newMatterRequest is the body of POST /cases/{id}/matters.
type newMatterRequest struct {
	Department string `json:"department"`
	Name       string `json:"name"`
	Deadline   string `json:"deadline"`
}

func (r newMatterRequest) toNewMatter() matters.NewMatter {
	return matters.NewMatter{Department: r.Department, Name: r.Name, Deadline: r.Deadline}
}

// progressRequest is the body of POST /matters/{id}/progress.
type progressRequest struct {
	Note    string `json:"note"`
	Problem bool   `json:"problem"`
	Done    bool   `json:"done"`
}

func (r progressRequest) toReport() matters.Report {
	return matters.Report{Note: r.Note, Problem: r.Problem, Done: r.Done}
}

type progressJSON struct {
	ID      int64     `json:"id"`
	Note    string    `json:"note"`
	Problem bool      `json:"problem"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

type matterJSON struct {
	ID          int64          `json:"id"`
	CaseID      int64          `json:"case_id"`
	CaseNumber  string         `json:"case_number"`
	ProjectName string         `json:"project_name"`
	Department  string         `json:"department"`
	Name        string         `json:"name"`
	Deadline    string         `json:"deadline"`
	Status      string         `json:"status"`
	StatusLabel string         `json:"status_label"`
	Overdue     bool           `json:"overdue"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
	Progress    []progressJSON `json:"progress,omitempty"`
}

func toMatterJSON(m *matters.Matter, now time.Time) matterJSON {
	out := matterJSON{ID: m.ID, CaseID: m.CaseID, CaseNumber: m.CaseNumber, ProjectName: m.ProjectName,
		Department: m.Department, Name: m.Name, Deadline: m.Deadline, Status: string(m.Status),
		StatusLabel: m.Status.Label(), Overdue: m.Overdue(now), CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
	for _, p := range m.Progress {
		out.Progress = append(out.Progress, progressJSON{ID: p.ID, Note: p.Note, Problem: p.Problem, By: p.ByName, At: p.At})
	}
	return out
}

func (h *handlers) matterList(ms []matters.Matter) []matterJSON {
	now := h.d.Now()
	items := make([]matterJSON, len(ms))
	for i := range ms {
		items[i] = toMatterJSON(&ms[i], now)
	}
	return items
}

func (h *handlers) addMatter(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req newMatterRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	v := viewerOf(c)
	key, err := idemKey(c, "staff:"+strconv.FormatInt(v.ID, 10))
	if err != nil {
		return err
	}
	m, replayed, err := h.d.Matters.AddOnce(c.UserContext(), v, id, req.toNewMatter(), key)
	if err != nil {
		return err
	}
	if replayed {
		c.Set("Idempotent-Replayed", "true")
	}
	return c.Status(fiber.StatusCreated).JSON(toMatterJSON(m, h.d.Now()))
}

func (h *handlers) caseMatters(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	ms, err := h.d.Matters.ForCase(c.UserContext(), viewerOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": h.matterList(ms), "next": nil})
}

// listMatters answers GET /matters?status=&case_id=&department=&cursor=&limit=.
func (h *handlers) listMatters(c *fiber.Ctx) error {
	f := matters.Filter{Department: c.Query("department"), Status: matters.Status(c.Query("status"))}
	bad := map[string]string{}
	if s := c.Query("case_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			bad["case_id"] = "应为正整数"
		}
		f.CaseID = n
	}
	limit := 20
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			bad["limit"] = "应为1到100之间的整数"
		}
		limit = n
	}
	switch f.Status {
	case "", matters.Pending, matters.InProgress, matters.Problem, matters.Done:
	default:
		bad["status"] = "状态只能是 pending、in_progress、problem、done 之一"
	}
	if err := errs.FieldErrors(bad); err != nil {
		return err
	}
	before, err := queryCursor(c)
	if err != nil {
		return err
	}
	f.Before, f.Limit = before, limit+1
	ms, err := h.d.Matters.List(c.UserContext(), viewerOf(c), f)
	if err != nil {
		return err
	}
	now := h.d.Now()
	return c.JSON(page(ms, limit, func(m matters.Matter) int64 { return m.ID },
		func(m matters.Matter) matterJSON { return toMatterJSON(&m, now) }))
}

func (h *handlers) reportProgress(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req progressRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	m, err := h.d.Matters.Progress(c.UserContext(), viewerOf(c), id, req.toReport())
	if err != nil {
		return err
	}
	return c.JSON(toMatterJSON(m, h.d.Now()))
}
