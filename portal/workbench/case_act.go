package workbench

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/web"
	"sunshine/portal/site"
)

// staleMessage is what a form posted on an outdated case shows, above the
// fresh case.
const staleMessage = "此案件已被他人更新，以下是最新内容，请确认后重新操作。"

// act is POST /staff/cases/{id}/actions/{action}: one workflow action with
// the version the page was drawn from (cases.Act: the same checks as the
// staff API). A refused payload draws the case again with the messages next
// to the fields; a case that moved meanwhile draws the fresh case with
// 「此案件已被他人更新」; a role that may not act gets the 403 page.
func (h *handlers) act(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	a := casework.Action(c.Params("action"))
	if _, ok := casework.Lookup(a); !ok {
		return h.site.Fail(c, errs.E(errs.NotFound, "没有这个操作"))
	}
	version, err := strconv.Atoi(c.FormValue("version"))
	if err != nil {
		return h.site.Fail(c, errs.E(errs.Invalid, "页面缺少案件版本，请刷新后重试"))
	}
	updated, err := h.d.Cases.Act(c.UserContext(), viewer(c), id, casework.Request{Action: a, Version: version,
		Payload: payloadFrom(c, a)})
	if err == nil {
		h.site.SetFlash(c, "已"+a.Label()+"。案件当前状态："+updated.Status.Label())
		return c.Redirect(caseURL(id), fiber.StatusSeeOther)
	}
	switch {
	case errs.Is(err, errs.Unprocessable):
		return h.renderCase(c, id, web.ProblemOf(err).Status, func(p *caseView) {
			p.Open, p.Posted = string(a), postedValues(c, a)
		}, site.Fields(err), "「"+a.Label()+"」未能提交："+site.Message(err))
	case errs.Is(err, errs.Conflict):
		msg := site.Message(err)
		if fresh, gerr := h.d.Cases.CanSee(c.UserContext(), viewer(c), id); gerr == nil && fresh.Version != version {
			msg = staleMessage
		}
		return h.renderCase(c, id, fiber.StatusConflict, nil, nil, msg)
	}
	return h.site.Fail(c, err)
}

// postedValues keeps what was typed into a refused form.
func postedValues(c *fiber.Ctx, a casework.Action) map[string]string {
	t, _ := casework.Lookup(a)
	out := map[string]string{}
	for _, f := range t.Fields {
		out[f.Name] = c.FormValue(f.Name)
	}
	return out
}

// backToCase is the GET of a form's address: a login after an expired
// session comes back here, and goes on to the case (the page restores
// what was typed, static/keep.js).
func (h *handlers) backToCase(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	return c.Redirect(caseURL(id), fiber.StatusSeeOther)
}

func caseURL(id int64) string { return Prefix + "/cases/" + strconv.FormatInt(id, 10) }
