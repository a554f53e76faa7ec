package staffapi

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/web"
)

// intakeChannels are the channels a clerk may type a case in for.
var intakeChannels = map[casework.Channel]bool{
	casework.ChannelWindow: true, casework.ChannelComplaint: true, casework.ChannelHotline: true}

type createCaseRequest struct {
	Channel string   `json:"channel"`
	Form    web.Form `json:"form"`
}

type ratingRequest struct {
	Score   *int   `json:"score"`
	Comment string `json:"comment"`
}

// listCases is GET /cases?status=a,b&mine=&overdue=&q=&cursor=&limit=.
func (h *handlers) listCases(c *fiber.Ctx) error {
	f := cases.Filter{Q: strings.TrimSpace(c.Query("q"))}
	if utf8.RuneCountInString(f.Q) > 100 {
		return errs.E(errs.Invalid, "搜索内容不能超过100个字")
	}
	for _, s := range strings.Split(c.Query("status"), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		st := casework.Status(s)
		if !st.Valid() {
			return errs.Ef(errs.Invalid, "状态无效：%s", s)
		}
		f.Statuses = append(f.Statuses, st)
	}
	var err error
	if f.Mine, err = queryBool(c, "mine"); err != nil {
		return err
	}
	if f.Overdue, err = queryBool(c, "overdue"); err != nil {
		return err
	}
	var limit int
	if f.Before, limit, err = queryPage(c); err != nil {
		return err
	}
	f.Limit = limit + 1
	list, err := h.d.Cases.List(c.UserContext(), viewerOf(c), f)
	if err != nil {
		return err
	}
	now := h.d.Now()
	return c.JSON(page(list, limit, func(x casework.Case) int64 { return x.ID },
		func(x casework.Case) caseSummaryJSON { return toCaseSummary(&x, now) }))
}

// createCase is POST /cases {channel, form}: a clerk types in a window,
// 办不成事 or hotline request → 201 case.
func (h *handlers) createCase(c *fiber.Ctx) error {
	var req createCaseRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	ch := casework.Channel(req.Channel)
	if !intakeChannels[ch] {
		return errs.FieldErrors(map[string]string{"channel": "受理渠道只能是 window（阳光代办专窗）、complaint（办不成事反映窗口）或 hotline（2135热线）"})
	}
	v := viewerOf(c)
	created, err := h.d.Cases.Submit(c.UserContext(), v, cases.SubmitInput{Form: req.Form.ToForm(), Channel: ch, Mode: casework.FormIntake})
	if err != nil {
		return err
	}
	return h.respondCase(c.Status(fiber.StatusCreated), v, created)
}

// getCase is GET /cases/{id}: the full case with its internal timeline.
func (h *handlers) getCase(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	v := viewerOf(c)
	d, err := h.d.Cases.Get(c.UserContext(), v, id)
	if err != nil {
		return err
	}
	out := toCaseDetail(d, v, h.d.Now())
	if err := h.addMatters(c, v, &out); err != nil {
		return err
	}
	return c.JSON(out)
}

// addMatters completes a liaison's matter view with their department's
// matters of the case (name, due date, progress).
func (h *handlers) addMatters(c *fiber.Ctx, v cases.Viewer, out *caseDetailJSON) error {
	if out.View != string(cases.ViewMatter) || h.d.Matters == nil {
		return nil
	}
	ms, err := h.d.Matters.ForCase(c.UserContext(), v, out.ID)
	if err != nil {
		return err
	}
	now := h.d.Now()
	out.Matters = make([]matterJSON, len(ms))
	for i := range ms {
		out.Matters[i] = toMatterJSON(&ms[i], now)
	}
	return nil
}

// actOnCase is POST /cases/{id}/actions/{action} {"version": N, ...payload}
// → 200 updated case. An action name outside SPEC §3 is 404.
func (h *handlers) actOnCase(c *fiber.Ctx) error {
	action := casework.Action(c.Params("action"))
	if _, ok := casework.Lookup(action); !ok {
		return errs.E(errs.NotFound, "没有这个操作")
	}
	action = casework.Action(strings.Clone(string(action)))
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var body map[string]json.RawMessage
	if err := web.DecodeJSON(c, &body); err != nil {
		return err
	}
	version, err := splitVersion(body)
	if err != nil {
		return err
	}
	v := viewerOf(c)
	updated, err := h.d.Cases.Act(c.UserContext(), v, id, casework.Request{Action: action, Version: version, Payload: body})
	if err != nil {
		return err
	}
	return h.respondCase(c, v, updated)
}

// splitVersion takes "version" out of an action body; the rest is the
// payload. Errors: unprocessable with a message for version.
func splitVersion(body map[string]json.RawMessage) (int, error) {
	raw, ok := body["version"]
	delete(body, "version")
	if !ok || string(raw) == "null" {
		return 0, errs.FieldErrors(map[string]string{"version": "请提供案件版本号（version），即查看案件时的 version"})
	}
	var n int
	if json.Unmarshal(raw, &n) != nil || n < 1 {
		return 0, errs.FieldErrors(map[string]string{"version": "版本号应为正整数"})
	}
	return n, nil
}

// rateCase is POST /cases/{id}/rating {score, comment}: a clerk enters
// the paper 评价 form → 200 updated case.
func (h *handlers) rateCase(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req ratingRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	if req.Score == nil {
		return errs.FieldErrors(map[string]string{"score": "请选择评价结果（1到5分）"})
	}
	v := viewerOf(c)
	updated, err := h.d.Cases.Rate(c.UserContext(), v, id, *req.Score, req.Comment)
	if err != nil {
		return err
	}
	return h.respondCase(c, v, updated)
}

// respondCase answers with the full case after a write. If the viewer no
// longer sees it, the answer is the case without its timeline.
func (h *handlers) respondCase(c *fiber.Ctx, v cases.Viewer, updated *casework.Case) error {
	d, err := h.d.Cases.AfterWrite(c.UserContext(), v, updated.ID)
	if errs.Is(err, errs.NotFound) {
		// No longer visible: the answer says only where the case went.
		d, err = &cases.Detail{Case: &casework.Case{ID: updated.ID, Number: updated.Number, Status: updated.Status,
			Version: updated.Version, Channel: updated.Channel}, View: cases.ViewMatter}, nil
	}
	if err != nil {
		return err
	}
	out := toCaseDetail(d, v, h.d.Now())
	if err := h.addMatters(c, v, &out); err != nil {
		return err
	}
	return c.JSON(out)
}

type revealRequest struct {
	Field string `json:"field"`
}

type revealJSON struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// revealPhone is POST /cases/{id}/reveal {field}: one full phone number
// (lead.phone, handler.phone, consultation.phone) for a clerk, the head or
// the case's specialist; each reveal is audited.
func (h *handlers) revealPhone(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req revealRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	value, err := h.d.Cases.Reveal(c.UserContext(), viewerOf(c), id, req.Field)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(revealJSON{Field: req.Field, Value: value})
}
