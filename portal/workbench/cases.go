package workbench

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/matters"
)

// caseRow is a line of a case list.
type caseRow struct {
	ID          int64
	Number      string
	Company     string
	Project     string
	Status      string
	StatusLabel string
	Channel     string
	Specialist  string
	Deadline    string
	// Due is the deadline's colour: ok (on time), soon (≤ 3 working
	// days), due (≤ 1 working day), overdue, or "" without a deadline.
	Due      string
	DueLabel string
}

var dueLabels = map[string]string{"ok": "按期", "soon": "3个工作日内到期", "due": "1个工作日内到期", "overdue": "已超期"}

// rowOf converts a case for a list, with its deadline colour counted in
// working days on the holiday calendar.
func (h *handlers) rowOf(c *casework.Case, now time.Time) caseRow {
	r := caseRow{ID: c.ID, Number: c.Number, Company: c.Form.Enterprise.Name, Project: c.Form.Project.Name,
		Status: string(c.Status), StatusLabel: c.Status.Label(), Channel: c.Channel.Label(), Specialist: c.Specialist,
		Deadline: c.Deadline}
	if c.Deadline != "" && casework.Open(c.Status) {
		r.Due = dueOf(h.d.Days, c, now)
		r.DueLabel = dueLabels[r.Due]
	}
	return r
}

func dueOf(days casework.WorkingDays, c *casework.Case, now time.Time) string {
	if c.Overdue(now) {
		return "overdue"
	}
	if days == nil {
		return "ok"
	}
	today, _ := casework.ParseDate(casework.DateOf(now))
	dl, err := casework.ParseDate(c.Deadline)
	if err != nil {
		return "ok"
	}
	switch left := days.WorkingDaysBetween(today, dl); {
	case left <= 1:
		return "due"
	case left <= 3:
		return "soon"
	}
	return "ok"
}

func casesFilter(st []casework.Status, specialist int64, limit int) cases.Filter {
	return cases.Filter{Statuses: st, SpecialistID: specialist, Limit: limit}
}

// listView is the case list with its search and filters.
type listView struct {
	Q, Status   string
	Overdue     bool
	Mine        bool
	Rows        []caseRow
	Next        string // the next page's address, "" on the last
	Statuses    []casework.Option
	ExportURL   string
	ResultCount int
}

const pageSize = 20

// cases is GET /staff/cases?q=&status=&overdue=&mine=&cursor=: the
// role's cases (cases.List scopes them), newest first; q searches the
// number, company, credit code and project.
func (h *handlers) cases(c *fiber.Ctx) error {
	v := listView{Q: strings.TrimSpace(c.Query("q")), Status: c.Query("status"), Overdue: c.Query("overdue") == "1",
		Mine: c.Query("mine") == "1"}
	if utf8.RuneCountInString(v.Q) > 100 {
		return h.site.Fail(c, errs.E(errs.Invalid, "搜索内容不能超过100个字"))
	}
	f := cases.Filter{Q: v.Q, Overdue: v.Overdue, Mine: v.Mine, Limit: pageSize + 1}
	if v.Status != "" {
		st := casework.Status(v.Status)
		if !st.Valid() {
			return h.site.Fail(c, errs.Ef(errs.Invalid, "状态无效：%s", v.Status))
		}
		f.Statuses = []casework.Status{st}
	}
	if cur := c.Query("cursor"); cur != "" {
		n, err := strconv.ParseInt(cur, 10, 64)
		if err != nil || n <= 0 {
			return h.site.Fail(c, errs.E(errs.Invalid, "页码无效"))
		}
		f.Before = n
	}
	list, err := h.d.Cases.List(c.UserContext(), viewer(c), f)
	if err != nil {
		return h.site.Fail(c, err)
	}
	now := h.d.Cases.Now()
	for i := range list {
		if i == pageSize {
			q := c.Queries()
			q["cursor"] = strconv.FormatInt(list[i-1].ID, 10)
			v.Next = Prefix + "/cases?" + encode(q)
			break
		}
		v.Rows = append(v.Rows, h.rowOf(&list[i], now))
	}
	for _, s := range casework.Statuses {
		v.Statuses = append(v.Statuses, casework.Option{Value: string(s), Label: s.Label()})
	}
	return h.site.Render(c, fiber.StatusOK, "cases", h.site.NewPage(c, "案件", v))
}

func encode(q map[string]string) string {
	vals := url.Values{}
	for k, v := range q {
		if v != "" {
			vals.Set(k, v)
		}
	}
	return vals.Encode()
}

func urlPathEscape(s string) string { return url.PathEscape(s) }

// extraLabels name the payload entries that are not fields of an action.
var extraLabels = map[string]string{"deadline": "承诺办结日期", "specialist": "帮办代办专员", "result": "办理结果",
	"channel": "受理渠道", "score": "评分", "comment": "评价", "department": "审批部门", "matter": "事项",
	"name": "审批事项", "note": "进度", "problem": "材料有问题", "done": "已办结", "status": "事项状态"}

// hiddenKeys are payload entries a person does not read (record ids).
var hiddenKeys = map[string]bool{"matter_id": true, "attachment_id": true, "attachments": true}

// actionLabels name the timeline entries that are not workflow actions.
var actionLabels = map[casework.Action]string{matters.ActionAdd: "添加部门事项", matters.ActionProgress: "部门反馈进度"}

// actionLabel is the Chinese name of a timeline entry's action.
func actionLabel(a casework.Action) string {
	if l, ok := actionLabels[a]; ok {
		return l
	}
	return a.Label()
}

// payloadLine is one payload entry as a line of the timeline.
func payloadLine(a casework.Action, key string, val any) string {
	label := extraLabels[key]
	var field *casework.Field
	if t, ok := casework.Lookup(a); ok {
		for i := range t.Fields {
			if t.Fields[i].Name == key {
				field = &t.Fields[i]
				label = field.Label
			}
		}
	}
	if label == "" {
		label = key
	}
	var text string
	switch x := val.(type) {
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, fmt.Sprint(e))
		}
		text = strings.Join(parts, "、")
	case bool:
		text = map[bool]string{true: "是", false: "否"}[x]
	case string:
		text = x
		switch {
		case field != nil && len(field.Enum) > 0:
			text = casework.OptionLabel(field.Enum, x)
		case key == "result":
			text = enumLabel(string(casework.ActionProposeClose), "result", x)
		case key == "channel":
			text = casework.Channel(x).Label()
		case key == "status":
			text = matters.Status(x).Label()
		}
	default:
		text = fmt.Sprint(x)
	}
	return label + "：" + text
}
