package enterprise

import (
	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/web"
)

// printView is the enterprise's own 服务申请表 as printed.
type printView struct {
	Number      string
	Form        web.Form
	FundSources []casework.Option
	LandNatures []casework.Option
	KeyProjects []casework.Option
	Stages      []casework.Option
	Services    []casework.Option
	SubmittedAt string
}

// printApplication is GET /cases/{id}/print: the 服务申请表 of the case laid
// out like the paper (every checkbox group with its choices ticked), for the
// browser's print.
func (h *handlers) printApplication(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	cs, err := h.d.Cases.CanSee(c.UserContext(), member(c).Viewer(), id)
	if err != nil {
		return h.site.Fail(c, err)
	}
	v := printView{Number: cs.Number, Form: web.FromForm(cs.Form), FundSources: casework.FundSourceOptions,
		LandNatures: casework.LandNatureOptions, KeyProjects: casework.KeyProjectOptions, Stages: casework.StageOptions,
		Services: casework.ServiceTypeOptions, SubmittedAt: cs.CreatedAt.In(cst).Format("2006年1月2日")}
	return h.site.Render(c, fiber.StatusOK, "print", h.site.NewPage(c, "服务申请表 "+cs.Number, v))
}

func isForbidden(err error) bool { return errs.Is(err, errs.Forbidden) }

func statusOf(err error) int { return web.ProblemOf(err).Status }
