package staffapi

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/bulletin"
	"sunshine/app/errs"
	"sunshine/app/web"
)

// bulletinRoutes registers the 通报 of the supervising bureau (behind
// requireStaff).
func (h *handlers) bulletinRoutes(app *fiber.App) {
	if h.d.Bulletins == nil {
		return
	}
	api := app.Group("/api/staff/v1/bulletins")
	api.Get("", h.listBulletins)
	api.Post("", h.createBulletin)
	api.Get("/:id", h.getBulletin)
}

type bulletinRequest struct {
	Subject     string   `json:"subject"`
	Department  string   `json:"department"`
	PeriodFrom  string   `json:"period_from"`
	PeriodTo    string   `json:"period_to"`
	Title       string   `json:"title"`
	Findings    string   `json:"findings"`
	CaseNumbers []string `json:"case_numbers"`
}

type bulletinJSON struct {
	ID           int64     `json:"id"`
	Subject      string    `json:"subject"`
	SubjectLabel string    `json:"subject_label"`
	Department   string    `json:"department"`
	PeriodFrom   string    `json:"period_from"`
	PeriodTo     string    `json:"period_to"`
	Title        string    `json:"title"`
	Findings     string    `json:"findings"`
	CaseNumbers  []string  `json:"case_numbers"`
	CreatedBy    string    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
}

func toBulletinJSON(b *bulletin.Bulletin) bulletinJSON {
	label := "阳光代办中心"
	if b.Subject == bulletin.Department {
		label = b.Department
	}
	return bulletinJSON{ID: b.ID, Subject: string(b.Subject), SubjectLabel: label, Department: b.Department,
		PeriodFrom: b.PeriodFrom, PeriodTo: b.PeriodTo, Title: b.Title, Findings: b.Findings,
		CaseNumbers: b.CaseNumbers, CreatedBy: b.CreatedBy, CreatedAt: b.CreatedAt}
}

// listBulletins is GET /bulletins?subject=&department=&cursor=&limit=
// (supervisor: all; head: about the center).
func (h *handlers) listBulletins(c *fiber.Ctx) error {
	f := bulletin.Filter{Subject: bulletin.Subject(c.Query("subject")), Department: strings.Clone(strings.TrimSpace(c.Query("department")))}
	switch f.Subject {
	case "", bulletin.Center, bulletin.Department:
		f.Subject = bulletin.Subject(strings.Clone(string(f.Subject)))
	default:
		return errs.E(errs.Invalid, "subject 只能是 center 或 department")
	}
	var limit int
	var err error
	if f.Before, limit, err = queryPage(c); err != nil {
		return err
	}
	f.Limit = limit + 1
	list, err := h.d.Bulletins.List(c.UserContext(), viewerOf(c).Actor, f)
	if err != nil {
		return err
	}
	return c.JSON(page(list, limit, func(b bulletin.Bulletin) int64 { return b.ID },
		func(b bulletin.Bulletin) bulletinJSON { return toBulletinJSON(&b) }))
}

// createBulletin is POST /bulletins → 201 bulletin (supervisor).
func (h *handlers) createBulletin(c *fiber.Ctx) error {
	var req bulletinRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	b, err := h.d.Bulletins.Create(c.UserContext(), viewerOf(c).Actor, bulletin.Input{Subject: req.Subject,
		Department: req.Department, PeriodFrom: req.PeriodFrom, PeriodTo: req.PeriodTo, Title: req.Title,
		Findings: req.Findings, CaseNumbers: req.CaseNumbers})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toBulletinJSON(b))
}

// getBulletin is GET /bulletins/{id}.
func (h *handlers) getBulletin(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	b, err := h.d.Bulletins.Get(c.UserContext(), viewerOf(c).Actor, id)
	if err != nil {
		return err
	}
	return c.JSON(toBulletinJSON(b))
}
