package workbench

import (
	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/web"
)

// printView is a form of a case as printed.
type printView struct {
	Kind        string // registration | application | receipt
	Case        *casework.Case
	Form        web.Form
	FundSources []casework.Option
	LandNatures []casework.Option
	KeyProjects []casework.Option
	Stages      []casework.Option
	Services    []casework.Option
}

var printTitles = map[string]string{"registration": "阳光代办工作登记表", "application": "阳光代办服务申请表",
	"receipt": "送达回证"}

// print is GET /staff/cases/{id}/print/{registration|application|receipt}:
// the 工作登记表, the 服务申请表, or the 送达回证 of an in-person delivery,
// laid out for the browser's print (the layout's header hides on paper).
func (h *handlers) print(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	kind := c.Params("form")
	title, ok := printTitles[kind]
	if !ok {
		return h.site.Fail(c, errs.E(errs.NotFound, "没有这种表格"))
	}
	d, err := h.d.Cases.Get(c.UserContext(), viewer(c), id)
	if err != nil {
		return h.site.Fail(c, err)
	}
	v := printView{Kind: kind, Case: d.Case, Form: web.FromForm(d.Case.Form), FundSources: casework.FundSourceOptions,
		LandNatures: casework.LandNatureOptions, KeyProjects: casework.KeyProjectOptions, Stages: casework.StageOptions,
		Services: casework.ServiceTypeOptions}
	return h.site.Render(c, fiber.StatusOK, "print", h.site.NewPage(c, title+" "+d.Case.Number, v))
}
