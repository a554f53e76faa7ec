package staffapi

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
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
	// AttachmentID is the scanned paper form, an attachment of the case.
	AttachmentID int64 `json:"attachment_id"`
}

// listCases is GET /cases?q=&status=a,b&stage=&channel=&service_type=
// &specialist=&overdue=&mine=&deadline_from=&deadline_to=&sort=&cursor=&limit=
// (docs/staff-api.md).
func (h *handlers) listCases(c *fiber.Ctx) error {
	f, err := caseFilter(c)
	if err != nil {
		return err
	}
	var limit int
	if limit, err = queryLimit(c); err != nil {
		return err
	}
	if err := listCursor(c, &f); err != nil {
		return err
	}
	f.Limit = limit + 1
	list, err := h.d.Cases.List(c.UserContext(), viewerOf(c), f)
	if err != nil {
		return err
	}
	now := h.d.Now()
	out := page(list, limit, func(x casework.Case) int64 { return x.ID },
		func(x casework.Case) caseSummaryJSON { return toCaseSummary(&x, now) })
	if out.Next != nil && f.Sort == cases.SortDeadline {
		last := list[limit-1]
		next := encodeDeadlineCursor(last.Deadline, last.ID)
		out.Next = &next
	}
	return c.JSON(out)
}

// caseFilter reads the filters shared by the list and its export.
// Errors: invalid.
func caseFilter(c *fiber.Ctx) (cases.Filter, error) {
	f := cases.Filter{Q: strings.TrimSpace(c.Query("q"))}
	if utf8.RuneCountInString(f.Q) > 100 {
		return f, errs.E(errs.Invalid, "搜索内容不能超过100个字")
	}
	for _, s := range strings.Split(c.Query("status"), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		st := casework.Status(s)
		if !st.Valid() {
			return f, errs.Ef(errs.Invalid, "状态无效：%s", s)
		}
		f.Statuses = append(f.Statuses, st)
	}
	if stage := c.Query("stage"); stage != "" {
		var in []casework.Status
		for _, st := range casework.Statuses {
			if string(casework.StageOf(st)) == stage && (len(f.Statuses) == 0 || slices.Contains(f.Statuses, st)) {
				in = append(in, st)
			}
		}
		if !slices.Contains(casework.Stages, casework.Stage(stage)) {
			return f, errs.Ef(errs.Invalid, "阶段无效：%s", stage)
		}
		if len(in) == 0 { // a stage and statuses outside it: nothing matches
			in = []casework.Status{"\x00none"}
		}
		f.Statuses = in
	}
	if ch := c.Query("channel"); ch != "" {
		if !slices.Contains(casework.Channels, casework.Channel(ch)) {
			return f, errs.Ef(errs.Invalid, "受理渠道无效：%s", ch)
		}
		f.Channel = casework.Channel(strings.Clone(ch))
	}
	if st := c.Query("service_type"); st != "" {
		if st != "undecided" && casework.OptionLabel(casework.ServiceTypeOptions, st) == st {
			return f, errs.E(errs.Invalid, "服务类型只能是 assist（帮办）、agency（代办）或 undecided（未定）")
		}
		f.ServiceType = strings.Clone(st)
	}
	var err error
	if f.AssignedTo, err = queryID(c, "specialist"); err != nil {
		return f, err
	}
	for _, d := range []struct {
		name string
		to   *string
	}{{"deadline_from", &f.DeadlineFrom}, {"deadline_to", &f.DeadlineTo}} {
		if s := c.Query(d.name); s != "" {
			if _, err := casework.ParseDate(s); err != nil {
				return f, errs.Ef(errs.Invalid, "参数 %s 的日期格式应为 YYYY-MM-DD", d.name)
			}
			*d.to = strings.Clone(s)
		}
	}
	switch c.Query("sort") {
	case "", "newest":
	case "deadline":
		f.Sort = cases.SortDeadline
	default:
		return f, errs.E(errs.Invalid, "排序只能是 newest（最新）或 deadline（办结时限）")
	}
	if f.Mine, err = queryBool(c, "mine"); err != nil {
		return f, err
	}
	if f.Overdue, err = queryBool(c, "overdue"); err != nil {
		return f, err
	}
	return f, nil
}

// listCursor reads ?cursor= in the form the list's order uses.
// Errors: invalid.
func listCursor(c *fiber.Ctx, f *cases.Filter) error {
	if f.Sort != cases.SortDeadline {
		var err error
		f.Before, err = queryCursor(c)
		return err
	}
	s := c.Query("cursor")
	if s == "" {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	parts := strings.Split(string(b), ":")
	if err == nil && len(parts) == 4 && parts[0] == "v1" && parts[1] == "d" {
		if _, derr := casework.ParseDate(parts[2]); derr == nil {
			if id, err := strconv.ParseInt(parts[3], 10, 64); err == nil && id > 0 {
				f.After = cases.Position{Deadline: parts[2], ID: id}
				return nil
			}
		}
	}
	return errs.E(errs.Invalid, "分页游标无效")
}

func encodeDeadlineCursor(deadline string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1:d:" + deadline + ":" + strconv.FormatInt(id, 10)))
}

// exportCases is GET /cases/export.xlsx?<the list's filters>: the whole
// list the viewer sees, as a workbook; audited.
func (h *handlers) exportCases(c *fiber.Ctx) error {
	f, err := caseFilter(c)
	if err != nil {
		return err
	}
	b, _, err := h.d.Cases.Export(c.UserContext(), viewerOf(c), f)
	if err != nil {
		return err
	}
	web.SetDownloadHeaders(c, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"阳光代办案件列表_"+casework.DateOf(h.d.Now())+".xlsx")
	return c.Send(b)
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
	key, err := idemKey(c, "staff:"+strconv.FormatInt(v.ID, 10))
	if err != nil {
		return err
	}
	created, replayed, err := h.d.Cases.SubmitOnce(c.UserContext(), v, cases.SubmitInput{Form: req.Form.ToForm(), Channel: ch,
		Mode: casework.FormIntake, Key: key})
	if err != nil {
		return err
	}
	if replayed {
		c.Set("Idempotent-Replayed", "true")
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
	updated, err := h.d.Cases.Rate(c.UserContext(), v, id, *req.Score, req.Comment, req.AttachmentID)
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
