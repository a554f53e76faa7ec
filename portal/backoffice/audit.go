package backoffice

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// auditView is the auditor's page: the audit trail filtered, newest first,
// with the export of the same filters.
type auditView struct {
	F       auditFilter
	Items   []audit.Record
	Next    string // the next page's link
	Export  string // the CSV of these filters
	Results []string
}

// auditFilter is the filter form as typed (dates as YYYY-MM-DD).
type auditFilter struct {
	From, To, ActorID, Action, ObjectType, ObjectID, Result string
}

const auditPage = 50

// parseAuditFilter reads the form into the service's query. Errors:
// unprocessable, per field.
func parseAuditFilter(c *fiber.Ctx) (auditFilter, audit.Query, error) {
	f := auditFilter{From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to")),
		ActorID: strings.TrimSpace(c.Query("actor_id")), Action: strings.TrimSpace(c.Query("action")),
		ObjectType: strings.TrimSpace(c.Query("object_type")), ObjectID: strings.TrimSpace(c.Query("object_id")),
		Result: strings.TrimSpace(c.Query("result"))}
	q := audit.Query{Action: f.Action, ObjectType: f.ObjectType, ObjectID: f.ObjectID, Result: f.Result}
	bad := map[string]string{}
	if f.From != "" {
		t, err := time.ParseInLocation(time.DateOnly, f.From, casework.ChinaTime)
		if err != nil {
			bad["from"] = "日期格式应为 YYYY-MM-DD"
		}
		q.From = t
	}
	if f.To != "" {
		t, err := time.ParseInLocation(time.DateOnly, f.To, casework.ChinaTime)
		if err != nil {
			bad["to"] = "日期格式应为 YYYY-MM-DD"
		}
		q.To = t.AddDate(0, 0, 1) // the whole day
	}
	if f.ActorID != "" {
		id, err := strconv.ParseInt(f.ActorID, 10, 64)
		if err != nil || id <= 0 {
			bad["actor_id"] = "操作人编号应为正整数"
		}
		q.ActorID = id
	}
	if s := c.Query("before"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return f, q, errs.E(errs.Invalid, "参数 before 应为正整数")
		}
		q.Before = id
	}
	return f, q, errs.FieldErrors(bad)
}

func (f auditFilter) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"from": f.From, "to": f.To, "actor_id": f.ActorID, "action": f.Action,
		"object_type": f.ObjectType, "object_id": f.ObjectID, "result": f.Result} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// auditLog is GET /staff/audit (auditor; the query itself is audited).
func (h *handlers) auditLog(c *fiber.Ctx) error {
	f, q, ferr := parseAuditFilter(c)
	v := auditView{F: f, Results: []string{audit.OK, audit.Denied, audit.Failed}}
	if ferr != nil {
		if !errs.Is(ferr, errs.Unprocessable) {
			return h.site.Fail(c, ferr)
		}
		return h.site.Render(c, status(ferr), "audit", h.page(c, "审计日志", v, ferr))
	}
	q.Limit = auditPage + 1
	list, err := h.d.Trail.Query(c.UserContext(), actor(c), q)
	if err != nil {
		return h.site.Fail(c, err)
	}
	if len(list) > auditPage {
		list = list[:auditPage]
		next := f.values()
		next.Set("before", strconv.FormatInt(list[len(list)-1].ID, 10))
		v.Next = Prefix + "/audit?" + next.Encode()
	}
	v.Items = list
	v.Export = Prefix + "/audit/export.csv"
	if e := f.values().Encode(); e != "" {
		v.Export += "?" + e
	}
	return h.site.Render(c, fiber.StatusOK, "audit", h.page(c, "审计日志", v, nil))
}

// auditExport is GET /staff/audit/export.csv with the page's filters
// (auditor; the export is audited): a CSV attachment, newest first.
func (h *handlers) auditExport(c *fiber.Ctx) error {
	_, q, err := parseAuditFilter(c)
	if err != nil {
		return h.site.Fail(c, err)
	}
	var buf bytes.Buffer
	if _, err := h.d.Trail.Export(c.UserContext(), actor(c), q, &buf); err != nil {
		return h.site.Fail(c, err)
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="audit-`+h.d.Stats.Now().UTC().Format("20060102-150405")+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}
