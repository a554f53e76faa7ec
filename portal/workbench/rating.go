package workbench

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
	"sunshine/app/web"
	"sunshine/portal/site"
)

// paperRating is POST /staff/cases/{id}/rating: a clerk enters the paper
// 评价表 (cases.Rate: source paper, once per case; a low score opens a
// follow-up for the head).
func (h *handlers) paperRating(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	score, convErr := strconv.Atoi(c.FormValue("score"))
	if convErr != nil {
		score = 0 // the service names the error
	}
	comment := strings.TrimSpace(c.FormValue("comment"))
	// The scan of the paper form is kept with the case; the rating names it.
	var scanID int64
	if fh, ferr := c.FormFile("scan"); ferr == nil && fh.Size > 0 {
		f, oerr := fh.Open()
		if oerr != nil {
			return h.site.Fail(c, errs.E(errs.Invalid, "评价表扫描件读取失败"))
		}
		meta, uerr := h.d.Files.Upload(c.UserContext(), viewer(c), id, "", fh.Filename, f)
		f.Close()
		if uerr != nil {
			err = uerr
		} else {
			scanID = meta.ID
		}
	}
	if err == nil {
		_, err = h.d.Cases.Rate(c.UserContext(), viewer(c), id, score, comment, scanID)
	}
	if err != nil {
		if site.IsFormError(err) {
			return h.renderCase(c, id, web.ProblemOf(err).Status, func(v *caseView) {
				v.Open = "rating"
				v.Posted = map[string]string{"score": c.FormValue("score"), "comment": comment}
			}, prefixed("rating.", site.Fields(err)), "评价未能录入："+site.Message(err))
		}
		return h.site.Fail(c, err)
	}
	h.site.SetFlash(c, "纸质评价已录入")
	return c.Redirect(caseURL(id), fiber.StatusSeeOther)
}

// followupDone is POST /staff/followups/{fid}: the head records the
// outcome of a low-rating follow-up (回访).
func (h *handlers) followupDone(c *fiber.Ctx) error {
	fid, err := web.PathID(c, "fid")
	if err != nil {
		return h.site.Fail(c, err)
	}
	if h.d.Followups == nil {
		return h.site.Fail(c, errs.E(errs.Unavailable, "回访暂不可用"))
	}
	if _, err := h.d.Followups.Complete(c.UserContext(), staff(c).Actor(), fid, strings.TrimSpace(c.FormValue("outcome"))); err != nil {
		if site.IsFormError(err) {
			h.site.SetFlash(c, "回访结果未能保存："+site.Message(err))
			return c.Redirect(Prefix+"#q-followup", fiber.StatusSeeOther)
		}
		return h.site.Fail(c, err)
	}
	h.site.SetFlash(c, "回访结果已记录")
	return c.Redirect(Prefix, fiber.StatusSeeOther)
}
