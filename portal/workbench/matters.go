package workbench

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/matters"
	"sunshine/app/web"
	"sunshine/portal/site"
)

// mattersView is a liaison's page: the department's matters with their
// due dates and the progress entry of each.
type mattersView struct {
	Department string
	Status     string
	Statuses   []casework.Option
	Matters    []matterRow
}

type matterRow struct {
	matters.Matter
	CaseURL string
	Overdue bool
}

var matterStatuses = []matters.Status{matters.Pending, matters.InProgress, matters.Problem, matters.Done}

// matters is GET /staff/matters[?status=]: the matters the viewer sees
// (matters.List scopes them: a liaison's department's).
func (h *handlers) matters(c *fiber.Ctx) error {
	return h.renderMatters(c, fiber.StatusOK, nil)
}

func (h *handlers) renderMatters(c *fiber.Ctx, status int, err error) error {
	u := staff(c)
	v := mattersView{Department: u.Department, Status: c.Query("status")}
	for _, s := range matterStatuses {
		v.Statuses = append(v.Statuses, casework.Option{Value: string(s), Label: s.Label()})
	}
	list, lerr := h.d.Matters.List(c.UserContext(), viewer(c), matters.Filter{Status: matters.Status(v.Status), Limit: 100})
	if lerr != nil {
		return h.site.Fail(c, lerr)
	}
	now := h.d.Cases.Now()
	for _, m := range list {
		row := matterRow{Matter: m, Overdue: m.Overdue(now)}
		if u.Role != casework.RoleLiaison {
			row.CaseURL = caseURL(m.CaseID)
		}
		v.Matters = append(v.Matters, row)
	}
	p := h.site.NewPage(c, "部门事项", v)
	if err != nil {
		p.Fields, p.Error = site.Fields(err), site.Message(err)
	}
	return h.site.Render(c, status, "matters", p)
}

// progress is POST /staff/matters/{mid}/progress: a liaison's feedback.
func (h *handlers) progress(c *fiber.Ctx) error {
	mid, err := web.PathID(c, "mid")
	if err != nil {
		return h.site.Fail(c, err)
	}
	kind := c.FormValue("kind")
	in := matters.Report{Note: strings.TrimSpace(c.FormValue("note")), Problem: kind == "problem", Done: kind == "done"}
	if _, err := h.d.Matters.Progress(c.UserContext(), viewer(c), mid, in); err != nil {
		if site.IsFormError(err) {
			return h.renderMatters(c, web.ProblemOf(err).Status, err)
		}
		return h.site.Fail(c, err)
	}
	h.site.SetFlash(c, "办理进度已反馈")
	return c.Redirect(Prefix+"/matters", fiber.StatusSeeOther)
}

func (h *handlers) backToMatters(c *fiber.Ctx) error {
	return c.Redirect(Prefix+"/matters", fiber.StatusSeeOther)
}

// addMatter is POST /staff/cases/{id}/matters: a department matter of the
// case (并联审批), by the head or the case's specialist.
func (h *handlers) addMatter(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	in := matters.NewMatter{Department: strings.TrimSpace(c.FormValue("department")),
		Name: strings.TrimSpace(c.FormValue("name")), Deadline: strings.TrimSpace(c.FormValue("deadline"))}
	if _, err := h.d.Matters.Add(c.UserContext(), viewer(c), id, in); err != nil {
		if site.IsFormError(err) {
			return h.renderCase(c, id, web.ProblemOf(err).Status, func(v *caseView) {
				v.Open = "matter"
				v.Posted = map[string]string{"department": in.Department, "name": in.Name, "deadline": in.Deadline}
			}, prefixed("matter.", site.Fields(err)), "部门事项未能添加："+site.Message(err))
		}
		return h.site.Fail(c, err)
	}
	h.site.SetFlash(c, "已添加部门事项「"+in.Name+"」")
	return c.Redirect(caseURL(id), fiber.StatusSeeOther)
}

func prefixed(p string, m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[p+k] = v
	}
	return out
}
