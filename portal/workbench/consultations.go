package workbench

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/consult"
	"sunshine/app/web"
	"sunshine/portal/site"
)

// consultView is the 咨询 register: the form and the latest records.
type consultView struct {
	Q       string
	In      consult.Input
	CaseID  string
	Records []consult.Record
}

// consultations is GET /staff/consultations?q=.
func (h *handlers) consultations(c *fiber.Ctx) error {
	return h.renderConsult(c, fiber.StatusOK, consultView{Q: strings.TrimSpace(c.Query("q"))}, nil)
}

func (h *handlers) renderConsult(c *fiber.Ctx, status int, v consultView, err error) error {
	list, lerr := h.d.Consult.List(c.UserContext(), viewer(c), consult.Filter{Q: v.Q, Limit: 50})
	if lerr != nil {
		return h.site.Fail(c, lerr)
	}
	v.Records = list
	p := h.site.NewPage(c, "咨询登记", v)
	if err != nil {
		p.Fields, p.Error = site.Fields(err), site.Message(err)
	}
	return h.site.Render(c, status, "consultations", p)
}

// addConsultation is POST /staff/consultations (consult.Create: the same
// rules as the staff API's POST /consultations).
func (h *handlers) addConsultation(c *fiber.Ctx) error {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	in := consult.Input{At: strings.Replace(v("at"), "T", " ", 1), Unit: v("unit"), Person: v("person"),
		Phone: v("phone"), Project: v("project"), Record: v("record"), Handler: v("handler")}
	view := consultView{In: in, CaseID: v("case_id")}
	if view.CaseID != "" {
		n, err := strconv.ParseInt(view.CaseID, 10, 64)
		if err != nil {
			n = -1
		}
		in.CaseID = n
	}
	if _, err := h.d.Consult.Create(c.UserContext(), viewer(c), in); err != nil {
		if site.IsFormError(err) {
			return h.renderConsult(c, web.ProblemOf(err).Status, view, err)
		}
		return h.site.Fail(c, err)
	}
	h.site.SetFlash(c, "咨询记录已登记")
	return c.Redirect(Prefix+"/consultations", fiber.StatusSeeOther)
}
