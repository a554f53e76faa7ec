package enterprise

import (
	"encoding/json"
	"mime/multipart"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/files"
	"sunshine/app/supervision"
	"sunshine/app/web"
	"sunshine/portal/site"
)

// detailView is the case page: the case and the forms of what may be done.
type detailView struct {
	caseView
	Supplement actionForm
	Withdraw   actionForm
	// Closure is the 办结/终止 section once the head signed it (the
	// mini-program's "closure"); Withdrawal the enterprise's own withdrawal.
	Closure    *closureView
	Withdrawal *casework.Withdrawal
	// Reports are the member's 监督 reports about the case with their
	// outcome; CanReport shows the form (the supervision service is wired).
	Reports     []reportView
	ReportKinds []casework.Option
	CanReport   bool
	ReportInput reportInput
}

// closureView is the closure as the enterprise sees it: the result, the
// specialist's explanation (the reason of a termination), the head's opinion.
type closureView struct {
	Result, ResultLabel, Explanation, Opinion string
	SignedAt                                  time.Time
}

// reportView is one 监督 report: its own words, status and the bureau's
// outcome (never the bureau's handling notes).
type reportView struct {
	ID                                           int64
	KindLabel, Description, StatusLabel, Outcome string
	CreatedAt                                    time.Time
	ClosedAt                                     *time.Time
}

type reportInput struct{ Kind, Description string }

// caseDetail is GET /cases/{id}: stages, public timeline, deadline,
// specialist, delivery, materials, and only the actions the enterprise may
// take now. Another enterprise's case is the 404 page.
func (h *handlers) caseDetail(c *fiber.Ctx) error {
	return h.renderCase(c, fiber.StatusOK, nil)
}

// renderCase draws the case page, with the refusal of an action when failed
// is set (its message above, its fields next to the form).
func (h *handlers) renderCase(c *fiber.Ctx, status int, failed error) error {
	return h.renderCaseWith(c, status, failed, reportInput{})
}

func (h *handlers) renderCaseWith(c *fiber.Ctx, status int, failed error, rin reportInput) error {
	m := member(c)
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	ctx := c.UserContext()
	d, err := h.d.Cases.Get(ctx, m.Viewer(), id)
	if err != nil {
		return h.site.Fail(c, err)
	}
	v := detailView{caseView: h.viewOf(ctx, d, h.d.Cases.Now()),
		Supplement: formOf(casework.ActionSupplement), Withdraw: formOf(casework.ActionWithdraw)}
	if cl := d.Case.Registration.Closure; cl.SignedAt != nil {
		v.Closure = &closureView{Result: cl.Result, ResultLabel: casework.OptionLabel(casework.ResultOptions, cl.Result),
			Explanation: cl.Explanation, Opinion: cl.Opinion, SignedAt: *cl.SignedAt}
	}
	v.Withdrawal = d.Case.Registration.Withdrawal
	if h.d.Reports != nil {
		v.CanReport, v.ReportKinds, v.ReportInput = true, supervision.Kinds, rin
		list, err := h.d.Reports.Mine(ctx, m.Viewer(), id)
		if err != nil {
			return h.site.Fail(c, err)
		}
		for _, r := range list {
			v.Reports = append(v.Reports, reportView{ID: r.ID, KindLabel: casework.OptionLabel(supervision.Kinds, r.Kind),
				Description: r.Description, StatusLabel: r.Status.Label(), Outcome: r.Outcome, CreatedAt: r.CreatedAt,
				ClosedAt: r.ClosedAt})
		}
	}
	if h.d.Files != nil {
		if list, err := h.d.Files.List(ctx, m.Viewer(), id); err == nil {
			v.Attachments = list
		}
	}
	p := h.site.NewPage(c, "案件 "+d.Case.Number, v)
	if failed != nil {
		p.Error, p.Fields = site.Message(failed), site.Fields(failed)
	}
	return h.site.Render(c, status, "case", p)
}

// after answers an action: back to the case page with a confirmation, or
// the case page with the refusal (same rules and messages as the API).
func (h *handlers) after(c *fiber.Ctx, err error, done string) error {
	if err != nil {
		if site.IsFormError(err) {
			return h.renderCase(c, web.ProblemOf(err).Status, err)
		}
		return h.site.Fail(c, err)
	}
	return h.redirectFlash(c, "/cases/"+c.Params("id"), done)
}

func (h *handlers) redirectFlash(c *fiber.Ctx, to, msg string) error {
	h.site.SetFlash(c, msg)
	return c.Redirect(to, fiber.StatusSeeOther)
}

// act applies one workflow action with the version the page showed (409
// when the case moved since).
func (h *handlers) act(c *fiber.Ctx, a casework.Action, payload map[string]any) error {
	m := member(c)
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	version, err := strconv.Atoi(c.FormValue("version"))
	if err != nil || version <= 0 {
		return errs.E(errs.Conflict, "页面已过期，请刷新后重试")
	}
	raw := make(map[string]json.RawMessage, len(payload))
	for k, v := range payload {
		raw[k], _ = json.Marshal(v)
	}
	_, err = h.d.Cases.Act(c.UserContext(), m.Viewer(), id, casework.Request{Action: a, Version: version, Payload: raw})
	return err
}

// supplement is POST /cases/{id}/supplement: a note and files (uploaded to
// the case first, then named on the timeline).
func (h *handlers) supplement(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	p := payloadFrom(c, casework.ActionSupplement)
	if fhs := formFiles(c, "files"); len(fhs) > 0 {
		names := []string{}
		for _, fh := range fhs {
			meta, err := h.uploadOne(c, id, string(casework.ActionSupplement), fh)
			if err != nil {
				return h.after(c, err, "")
			}
			names = append(names, "附件#"+strconv.FormatInt(meta.ID, 10)+" "+meta.Name)
		}
		p["attachments"] = names
	}
	return h.after(c, h.act(c, casework.ActionSupplement, p), "材料已补充，案件回到审核中")
}

// withdraw is POST /cases/{id}/withdraw {reason}.
func (h *handlers) withdraw(c *fiber.Ctx) error {
	return h.after(c, h.act(c, casework.ActionWithdraw, payloadFrom(c, casework.ActionWithdraw)), "申请已撤回")
}

// receipt is POST /cases/{id}/receipt: 签收确认.
func (h *handlers) receipt(c *fiber.Ctx) error {
	return h.after(c, h.act(c, casework.ActionConfirmReceipt, nil), "已确认签收，欢迎对本次服务进行评价")
}

// rate is POST /cases/{id}/rating {score, comment}: once.
func (h *handlers) rate(c *fiber.Ctx) error {
	m := member(c)
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	score, err := strconv.Atoi(c.FormValue("score"))
	if err != nil {
		return h.after(c, errs.FieldErrors(map[string]string{"score": "请选择满意程度"}), "")
	}
	_, err = h.d.Cases.Rate(c.UserContext(), m.Viewer(), id, score, strings.TrimSpace(c.FormValue("comment")), 0)
	return h.after(c, err, "感谢您的评价")
}

// urge is POST /cases/{id}/urge: at most once per 24 h (the same service
// and messages as the mini-program's).
func (h *handlers) urge(c *fiber.Ctx) error {
	m := member(c)
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	res, err := h.d.Members.Urge(c.UserContext(), m, id)
	if err != nil {
		return h.after(c, err, "")
	}
	msg := "已提醒帮办代办专员尽快办理"
	switch {
	case !res.Specialist:
		msg = "已提醒中心负责人尽快安排办理"
	case res.Overdue:
		msg = "案件已超期，已同时提醒帮办代办专员和中心负责人"
	}
	return h.after(c, nil, msg)
}

// upload is POST /cases/{id}/attachments: materials of the case.
func (h *handlers) upload(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	fhs := formFiles(c, "files")
	if len(fhs) == 0 {
		return h.after(c, errs.FieldErrors(map[string]string{"files": "请选择要上传的文件"}), "")
	}
	n, err := h.saveUploads(c, id, "", fhs)
	if err != nil {
		return h.after(c, err, "")
	}
	return h.after(c, nil, "已上传材料"+strconv.Itoa(n)+"个")
}

// download is GET /cases/{id}/attachments/{aid}: the case's own materials only.
func (h *handlers) download(c *fiber.Ctx) error {
	m := member(c)
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	aid, err := web.PathID(c, "aid")
	if err != nil {
		return h.site.Fail(c, err)
	}
	if h.d.Files == nil {
		return h.site.Fail(c, errs.E(errs.Unavailable, "材料服务暂不可用"))
	}
	meta, data, err := h.d.Files.ReadAll(c.UserContext(), m.Viewer(), aid)
	if err == nil && meta.CaseID != id {
		err = errs.E(errs.NotFound, "材料不存在")
	}
	if err != nil {
		return h.site.Fail(c, err)
	}
	web.SetDownloadHeaders(c, meta.ContentType, meta.Name)
	return c.Send(data)
}

func formFiles(c *fiber.Ctx, name string) []*multipart.FileHeader {
	mf, err := c.MultipartForm()
	if err != nil {
		return nil
	}
	var out []*multipart.FileHeader
	for _, fh := range mf.File[name] {
		if fh.Size > 0 && fh.Filename != "" {
			out = append(out, fh)
		}
	}
	return out
}

// saveUploads stores the files as materials of the case; it stops at the
// first refusal and says how many were stored.
func (h *handlers) saveUploads(c *fiber.Ctx, caseID int64, step string, fhs []*multipart.FileHeader) (int, error) {
	for i, fh := range fhs {
		if _, err := h.uploadOne(c, caseID, step, fh); err != nil {
			return i, err
		}
	}
	return len(fhs), nil
}

func (h *handlers) uploadOne(c *fiber.Ctx, caseID int64, step string, fh *multipart.FileHeader) (*files.Meta, error) {
	if h.d.Files == nil {
		return nil, errs.E(errs.Unavailable, "材料服务暂不可用")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, errs.Wrap(errs.Invalid, "无法读取上传的文件", err)
	}
	defer f.Close()
	return h.d.Files.Upload(c.UserContext(), member(c).Viewer(), caseID, step, fh.Filename, f)
}

// fileReport is POST /cases/{id}/reports {kind, description}: a 监督 report
// of misconduct about the case to the supervising bureau (the service of
// the mini-program's POST /cases/{id}/reports; the center never sees it).
func (h *handlers) fileReport(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	if h.d.Reports == nil {
		return h.site.Fail(c, errs.E(errs.Unavailable, "监督反映暂不可用"))
	}
	in := reportInput{Kind: strings.TrimSpace(c.FormValue("kind")), Description: strings.TrimSpace(c.FormValue("description"))}
	if _, err := h.d.Reports.File(c.UserContext(), member(c).Viewer(), id, in.Kind, in.Description); err != nil {
		if site.IsFormError(err) {
			return h.renderCaseWith(c, web.ProblemOf(err).Status, err, in)
		}
		return h.site.Fail(c, err)
	}
	return h.redirectFlash(c, "/cases/"+strconv.FormatInt(id, 10)+"#h-reports", "已向监督部门反映，处理结果将在本页显示")
}
