package enterprise

import (
	"crypto/rand"
	"encoding/hex"
	"mime/multipart"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/web"
	"sunshine/portal/site"
)

// newCaseView is the 服务申请表 on screen.
type newCaseView struct {
	Form           web.Form
	IdempotencyKey string
	FundSources    []casework.Option
	LandNatures    []casework.Option
	KeyProjects    []casework.Option
	Stages         []casework.Option
	ServiceTypes   []casework.Option
	MaxFiles       int
}

const maxFormFiles = 10

func newKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "portal-" + hex.EncodeToString(b)
}

func (h *handlers) formView(f web.Form, key string) newCaseView {
	return newCaseView{Form: f, IdempotencyKey: key, FundSources: casework.FundSourceOptions,
		LandNatures: casework.LandNatureOptions, KeyProjects: casework.KeyProjectOptions,
		Stages: casework.StageOptions, ServiceTypes: casework.ServiceTypeOptions, MaxFiles: maxFormFiles}
}

// newCase is GET /cases/new: the whole application form, laid out like the
// paper, with the enterprise's registered name and credit code filled in.
func (h *handlers) newCase(c *fiber.Ctx) error {
	m := member(c)
	var f web.Form
	if p, err := h.d.Members.Profile(c.UserContext(), m); err == nil && p.Enterprise != nil {
		f.Enterprise.Name, f.Enterprise.CreditCode = p.Enterprise.Name, p.Enterprise.CreditCode
		if m.Verified {
			f.Enterprise.Address, f.Enterprise.Nature = p.Enterprise.Address, p.Enterprise.Nature
		}
	}
	return h.site.Render(c, fiber.StatusOK, "case_new", h.site.NewPage(c, "申请帮办代办", h.formView(f, newKey())))
}

// formFromPost reads the application form from the posted fields (named by
// their JSON paths, e.g. enterprise.lead.phone).
func formFromPost(c *fiber.Ctx) web.Form {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	list := func(k string) []string {
		var out []string
		if mf, err := c.MultipartForm(); err == nil {
			out = append(out, mf.Value[k]...)
			return out
		}
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

// submitCase is POST /cases/new: the same submission as the mini-program's
// POST /cases (members.Submit: the same validation, the same membership
// rules), once per Idempotency-Key — a double submit makes one case. The
// materials chosen on the form are uploaded to the new case.
func (h *handlers) submitCase(c *fiber.Ctx) error {
	m := member(c)
	f := formFromPost(c)
	key := strings.TrimSpace(c.FormValue("idempotency_key"))
	if key == "" || len(key) > 128 {
		key = newKey()
	}
	var uploads []*multipart.FileHeader
	if mf, err := c.MultipartForm(); err == nil {
		for _, fh := range mf.File["materials"] {
			if fh.Size > 0 {
				uploads = append(uploads, fh)
			}
		}
	}
	if len(uploads) > maxFormFiles {
		return h.formError(c, f, key, errs.FieldErrors(map[string]string{"materials": "一次最多上传" + strconv.Itoa(maxFormFiles) + "个文件"}))
	}
	created, replayed, err := h.d.Members.Submit(c.UserContext(), m, key, f.ToForm(), casework.ChannelPortal)
	if err != nil {
		if site.IsFormError(err) {
			return h.formError(c, f, key, err)
		}
		return h.site.Fail(c, err)
	}
	flash := "申请已提交，受理编号 " + created.Number
	if !replayed && len(uploads) > 0 {
		if n, err := h.saveUploads(c, created.ID, "submit", uploads); err != nil {
			flash += "；但材料上传未全部成功（已上传" + strconv.Itoa(n) + "个）：" + site.Message(err) + "，请在案件页面重新上传"
		} else {
			flash += "，已上传材料" + strconv.Itoa(n) + "个"
		}
	}
	return h.redirectFlash(c, "/cases/"+strconv.FormatInt(created.ID, 10), flash)
}

func (h *handlers) formError(c *fiber.Ctx, f web.Form, key string, err error) error {
	p := h.site.NewPage(c, "申请帮办代办", h.formView(f, key))
	p.Fields, p.Error = site.Fields(err), site.Message(err)
	status := web.ProblemOf(err).Status
	return h.site.Render(c, status, "case_new", p)
}
