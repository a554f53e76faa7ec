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
	"sunshine/app/web"
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
	ByDeadline  bool
	Rows        []caseRow
	Next        string // the next page's address, "" on the last
	Statuses    []casework.Option
	ExportURL   string
	ResultCount int
}

const pageSize = 20

// listFilter reads the list's search and filters (the list and its
// export share them). Errors: invalid.
func listFilter(c *fiber.Ctx) (listView, cases.Filter, error) {
	v := listView{Q: strings.TrimSpace(c.Query("q")), Status: c.Query("status"), Overdue: c.Query("overdue") == "1",
		Mine: c.Query("mine") == "1", ByDeadline: c.Query("sort") == "deadline"}
	if utf8.RuneCountInString(v.Q) > 100 {
		return v, cases.Filter{}, errs.E(errs.Invalid, "搜索内容不能超过100个字")
	}
	f := cases.Filter{Q: v.Q, Overdue: v.Overdue, Mine: v.Mine}
	if v.ByDeadline {
		f.Sort = cases.SortDeadline
	}
	if v.Status != "" {
		st := casework.Status(v.Status)
		if !st.Valid() {
			return v, f, errs.Ef(errs.Invalid, "状态无效：%s", v.Status)
		}
		f.Statuses = []casework.Status{st}
	}
	return v, f, nil
}

// cases is GET /staff/cases?q=&status=&overdue=&mine=&sort=deadline&cursor=:
// the role's cases (cases.List scopes them), newest first or by deadline;
// q searches the number, company, credit code and project.
func (h *handlers) cases(c *fiber.Ctx) error {
	v, f, err := listFilter(c)
	if err != nil {
		return h.site.Fail(c, err)
	}
	if cur := c.Query("cursor"); cur != "" {
		if err := readCursor(cur, &f); err != nil {
			return h.site.Fail(c, err)
		}
	}
	f.Limit = pageSize + 1
	list, err := h.d.Cases.List(c.UserContext(), viewer(c), f)
	if err != nil {
		return h.site.Fail(c, err)
	}
	now := h.d.Cases.Now()
	q := c.Queries()
	delete(q, "cursor")
	v.ExportURL = Prefix + "/cases/export.xlsx?" + encode(q)
	for i := range list {
		if i == pageSize {
			last := list[i-1]
			q["cursor"] = strconv.FormatInt(last.ID, 10)
			if v.ByDeadline {
				q["cursor"] = last.Deadline + "_" + strconv.FormatInt(last.ID, 10)
			}
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

// readCursor reads a page cursor: an id (newest first) or
// "YYYY-MM-DD_id" (by deadline). Errors: invalid.
func readCursor(cur string, f *cases.Filter) error {
	bad := errs.E(errs.Invalid, "页码无效")
	if f.Sort == cases.SortDeadline {
		d, idText, ok := strings.Cut(cur, "_")
		id, err := strconv.ParseInt(idText, 10, 64)
		if _, derr := casework.ParseDate(d); !ok || err != nil || derr != nil || id <= 0 {
			return bad
		}
		f.After = cases.Position{Deadline: d, ID: id}
		return nil
	}
	n, err := strconv.ParseInt(cur, 10, 64)
	if err != nil || n <= 0 {
		return bad
	}
	f.Before = n
	return nil
}

// export is GET /staff/cases/export.xlsx?<the list's filters>: the list as
// an Excel file, scoped to the role by the case service (the browser link
// works with the cookie session; the export is audited by the service).
func (h *handlers) export(c *fiber.Ctx) error {
	_, f, err := listFilter(c)
	if err != nil {
		return h.site.Fail(c, err)
	}
	b, _, err := h.d.Cases.Export(c.UserContext(), viewer(c), f)
	if err != nil {
		return h.site.Fail(c, err)
	}
	web.SetDownloadHeaders(c, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"阳光代办案件列表_"+casework.DateOf(h.d.Cases.Now())+".xlsx")
	return c.Send(b)
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
