package backoffice

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/bulletin"
	"sunshine/app/casework"
)

// bulletinsView is the 通报 page: the supervisor's form and every
// bulletin; the head's list of those about the center.
type bulletinsView struct {
	CanCreate   bool
	Departments []string
	Form        bulletinForm
	Items       []bulletinRow
}

type bulletinForm struct {
	Subject, Department, PeriodFrom, PeriodTo, Title, Findings string
}

type bulletinRow struct {
	bulletin.Bulletin
	SubjectLabel string
}

// bulletins is GET /staff/bulletins (supervisor, head).
func (h *handlers) bulletins(c *fiber.Ctx) error {
	return h.renderBulletins(c, bulletinForm{Subject: string(bulletin.Department)}, nil)
}

func (h *handlers) renderBulletins(c *fiber.Ctx, form bulletinForm, formErr error) error {
	u := staff(c)
	v := bulletinsView{CanCreate: u.Role == casework.RoleSupervisor, Form: form}
	list, err := h.d.Bulletins.List(c.UserContext(), u.Actor(), bulletin.Filter{Limit: 100})
	if err != nil {
		return h.site.Fail(c, err)
	}
	for _, b := range list {
		row := bulletinRow{Bulletin: b, SubjectLabel: "阳光代办中心"}
		if b.Subject == bulletin.Department {
			row.SubjectLabel = b.Department
		}
		v.Items = append(v.Items, row)
	}
	if v.CanCreate {
		deps, err := h.d.Admin.Departments(c.UserContext(), u.Actor())
		if err != nil {
			return h.site.Fail(c, err)
		}
		for _, d := range deps {
			v.Departments = append(v.Departments, d.Name)
		}
	}
	return h.site.Render(c, status(formErr), "bulletins", h.page(c, "通报", v, formErr))
}

// createBulletin is POST /staff/bulletins (supervisor): one 通报 about a
// department or the center, for a period, with its findings.
func (h *handlers) createBulletin(c *fiber.Ctx) error {
	f := bulletinForm{Subject: c.FormValue("subject"), Department: strings.TrimSpace(c.FormValue("department")),
		PeriodFrom: c.FormValue("period_from"), PeriodTo: c.FormValue("period_to"),
		Title: strings.TrimSpace(c.FormValue("title")), Findings: strings.TrimSpace(c.FormValue("findings"))}
	in := bulletin.Input{Subject: f.Subject, Department: f.Department, PeriodFrom: f.PeriodFrom,
		PeriodTo: f.PeriodTo, Title: f.Title, Findings: f.Findings}
	if in.Subject == string(bulletin.Center) {
		in.Department = "" // the form keeps the select; the center has none
	}
	if _, err := h.d.Bulletins.Create(c.UserContext(), actor(c), in); err != nil {
		return h.failForm(c, err, func() error { return h.renderBulletins(c, f, err) })
	}
	return h.done(c, "通报已发布", Prefix+"/bulletins")
}
