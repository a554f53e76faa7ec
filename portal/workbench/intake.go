package workbench

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/idem"
	"sunshine/app/web"
	"sunshine/portal/site"
)

// intakeView is the whole 服务申请表 typed in at a window or from a call.
type intakeView struct {
	Channel        string
	Channels       []casework.Option
	Form           web.Form
	IdempotencyKey string
	FundSources    []casework.Option
	LandNatures    []casework.Option
	KeyProjects    []casework.Option
	Stages         []casework.Option
	ServiceTypes   []casework.Option
}

// intakeChannels are the channels a clerk types a case in for (as the
// staff API's POST /cases).
var intakeChannels = []casework.Option{
	{Value: string(casework.ChannelWindow), Label: "阳光代办专窗"},
	{Value: string(casework.ChannelComplaint), Label: "“办不成事”反映窗口"},
	{Value: string(casework.ChannelHotline), Label: "2135热线来电"},
}

func newKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "wb-" + hex.EncodeToString(b)
}

func intakeOf(channel string, f web.Form, key string) intakeView {
	return intakeView{Channel: channel, Channels: intakeChannels, Form: f, IdempotencyKey: key,
		FundSources: casework.FundSourceOptions, LandNatures: casework.LandNatureOptions,
		KeyProjects: casework.KeyProjectOptions, Stages: casework.StageOptions, ServiceTypes: casework.ServiceTypeOptions}
}

// intakePage is GET /staff/intake[?channel=complaint|hotline].
func (h *handlers) intakePage(c *fiber.Ctx) error {
	ch := c.Query("channel", string(casework.ChannelWindow))
	return h.site.Render(c, fiber.StatusOK, "intake", h.site.NewPage(c, "新建受理", intakeOf(ch, web.Form{}, newKey())))
}

// intake is POST /staff/intake: the case service's Submit with the
// intake rules of the staff API (casework.FormIntake), then the new case.
func (h *handlers) intake(c *fiber.Ctx) error {
	f := formFromPost(c)
	ch := strings.TrimSpace(c.FormValue("channel"))
	key := strings.TrimSpace(c.FormValue("idempotency_key"))
	if !idem.Valid(key) {
		key = newKey()
	}
	valid := false
	for _, o := range intakeChannels {
		valid = valid || o.Value == ch
	}
	if !valid {
		p := h.site.NewPage(c, "新建受理", intakeOf(ch, f, key))
		p.Fields, p.Error = map[string]string{"channel": "请选择受理渠道"}, "请选择受理渠道"
		return h.site.Render(c, fiber.StatusUnprocessableEntity, "intake", p)
	}
	// The key of the form (one per page load) makes a double click, or a
	// form sent again after a lost answer, one case: the same once-only
	// submit as the staff API's Idempotency-Key, kept in the database.
	v := viewer(c)
	created, _, err := h.d.Cases.SubmitOnce(c.UserContext(), v, cases.SubmitInput{Form: f.ToForm(),
		Channel: casework.Channel(ch), Mode: casework.FormIntake,
		Key: &idem.Key{Owner: "staff:" + strconv.FormatInt(v.ID, 10), Key: utils.CopyString(key)}})
	if err != nil {
		if site.IsFormError(err) {
			p := h.site.NewPage(c, "新建受理", intakeOf(ch, f, key))
			p.Fields, p.Error = site.Fields(err), site.Message(err)
			return h.site.Render(c, web.ProblemOf(err).Status, "intake", p)
		}
		return h.site.Fail(c, err)
	}
	h.site.SetFlash(c, "已登记，受理编号 "+created.Number)
	return c.Redirect(caseURL(created.ID), fiber.StatusSeeOther)
}

// formFromPost reads the application form from the posted fields (named by
// their JSON paths, e.g. enterprise.lead.phone), as the portal's form does.
func formFromPost(c *fiber.Ctx) web.Form {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	list := func(k string) []string {
		var out []string
		c.Request().PostArgs().VisitAll(func(key, val []byte) {
			if string(key) == k {
				out = append(out, string(val))
			}
		})
		return out
	}
	var f web.Form
	e, p, t := &f.Enterprise, &f.Project, &f.Entrustment
	e.Name, e.Address, e.Nature, e.Email, e.CreditCode = v("enterprise.name"), v("enterprise.address"),
		v("enterprise.nature"), v("enterprise.email"), v("enterprise.credit_code")
	e.Lead = web.FormPerson{Name: v("enterprise.lead.name"), Title: v("enterprise.lead.title"), Phone: v("enterprise.lead.phone")}
	e.Handler = web.FormPerson{Name: v("enterprise.handler.name"), Title: v("enterprise.handler.title"), Phone: v("enterprise.handler.phone")}
	p.Name, p.Address, p.Code = v("project.name"), v("project.address"), v("project.code")
	p.TotalInvestment, p.FloorArea = casework.Decimal(v("project.total_investment")), casework.Decimal(v("project.floor_area"))
	p.FundSources, p.FundSourceOther = list("project.fund_sources"), v("project.fund_source_other")
	p.LandNature, p.LandNatureOther = list("project.land_nature"), v("project.land_nature_other")
	p.KeyProject, p.KeyProjectOther = v("project.key_project"), v("project.key_project_other")
	p.PurposeScale, p.Progress = v("project.purpose_scale"), v("project.progress")
	t.Stages, t.StagesOther = list("entrustment.stages"), v("entrustment.stages_other")
	t.Matters, t.Remarks, t.ServiceType = v("entrustment.matters"), v("entrustment.remarks"), v("entrustment.service_type")
	return f
}
