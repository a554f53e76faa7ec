package staffapi

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/audit"
	"sunshine/app/calendar"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/web"
)

type yearJSON struct {
	Year     int `json:"year"`
	Holidays int `json:"holidays"`
	Workdays int `json:"workdays"`
}

type dayJSON struct {
	Date string `json:"date"`
	Kind string `json:"kind"` // holiday | workday
	Name string `json:"name"`
}

type calendarYearJSON struct {
	Year int       `json:"year"`
	Days []dayJSON `json:"days"`
}

type calendarRequest struct {
	Days   []dayJSON `json:"days"`
	Source string    `json:"source"`
}

type calendarStatusJSON struct {
	Year    int    `json:"year"`
	Missing bool   `json:"missing"`
	Warning string `json:"warning"`
}

func toYearJSON(year int, days []calendar.Day) calendarYearJSON {
	out := calendarYearJSON{Year: year, Days: make([]dayJSON, len(days))}
	for i, d := range days {
		out.Days[i] = dayJSON{Date: d.Date, Kind: string(d.Kind), Name: d.Name}
	}
	return out
}

func pathYear(c *fiber.Ctx) (int, error) {
	y, err := strconv.Atoi(c.Params("year"))
	if err != nil {
		return 0, errs.E(errs.NotFound, "请求的地址不存在")
	}
	return y, nil
}

// calendarYears is GET /calendar/years.
func (h *handlers) calendarYears(c *fiber.Ctx) error {
	years, err := h.d.Admin.Years(c.UserContext(), viewerOf(c).Actor)
	if err != nil {
		return err
	}
	out := web.List[yearJSON]{Items: make([]yearJSON, len(years))}
	for i, y := range years {
		out.Items[i] = yearJSON{Year: y.Year, Holidays: y.Holidays, Workdays: y.Workdays}
	}
	return c.JSON(out)
}

// calendarYear is GET /calendar/{year}.
func (h *handlers) calendarYear(c *fiber.Ctx) error {
	year, err := pathYear(c)
	if err != nil {
		return err
	}
	days, err := h.d.Admin.Year(c.UserContext(), viewerOf(c).Actor, year)
	if err != nil {
		return err
	}
	return c.JSON(toYearJSON(year, days))
}

// replaceCalendarYear is PUT /calendar/{year} {days, source} (admin).
func (h *handlers) replaceCalendarYear(c *fiber.Ctx) error {
	year, err := pathYear(c)
	if err != nil {
		return err
	}
	var req calendarRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	days := make([]calendar.Day, len(req.Days))
	for i, d := range req.Days {
		days[i] = calendar.Day{Date: d.Date, Kind: calendar.Kind(d.Kind), Name: d.Name}
	}
	saved, err := h.d.Admin.ReplaceYear(c.UserContext(), viewerOf(c).Actor, year, days, req.Source)
	if err != nil {
		return err
	}
	return c.JSON(toYearJSON(year, saved))
}

// calendarStatus is GET /calendar/status: the November warning.
func (h *handlers) calendarStatus(c *fiber.Ctx) error {
	st, err := h.d.Admin.Status(c.UserContext(), viewerOf(c).Actor)
	if err != nil {
		return err
	}
	return c.JSON(calendarStatusJSON{Year: st.Year, Missing: st.Missing, Warning: st.Warning})
}

type auditJSON struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id"`
	ActorRole  string    `json:"actor_role"`
	ActorName  string    `json:"actor_name"`
	IP         string    `json:"ip"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Result     string    `json:"result"`
	RequestID  string    `json:"request_id"`
	Detail     string    `json:"detail"`
	Seq        int64     `json:"seq"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

func toAuditJSON(r audit.Record) auditJSON {
	return auditJSON{ID: r.ID, At: r.At.UTC(), ActorID: r.ActorID, ActorRole: r.ActorRole, ActorName: r.ActorName,
		IP: r.IP, Action: r.Action, ObjectType: r.ObjectType, ObjectID: r.ObjectID, Result: r.Result,
		RequestID: r.RequestID, Detail: r.Detail, Seq: r.Seq, PrevHash: r.PrevHash, Hash: r.Hash}
}

// auditQuery is GET /audit?from=&to=&actor_id=&action=&object_type=
// &object_id=&result=&before=&cursor=&limit= (auditor; the query is audited).
func (h *handlers) auditQuery(c *fiber.Ctx) error {
	q, limit, err := parseAuditQuery(c)
	if err != nil {
		return err
	}
	list, err := h.d.Trail.Query(c.UserContext(), viewerOf(c).Actor, q)
	if err != nil {
		return err
	}
	return c.JSON(page(list, limit, func(r audit.Record) int64 { return r.ID }, toAuditJSON))
}

// auditExport is GET /audit/export.csv with the filters of /audit
// (auditor; the export is audited): a CSV attachment, newest first, at most
// audit.ExportLimit records.
func (h *handlers) auditExport(c *fiber.Ctx) error {
	q, _, err := parseAuditQuery(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := h.d.Trail.Export(c.UserContext(), viewerOf(c).Actor, q, &buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="audit-`+h.d.Now().UTC().Format("20060102-150405")+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

func parseAuditQuery(c *fiber.Ctx) (audit.Query, int, error) {
	q := audit.Query{Action: c.Query("action"), ObjectType: c.Query("object_type"),
		ObjectID: c.Query("object_id"), Result: c.Query("result")}
	for name, dst := range map[string]*time.Time{"from": &q.From, "to": &q.To} {
		if s := strings.TrimSpace(c.Query(name)); s != "" {
			t, err := casework.ParseTime(s)
			if err != nil {
				return q, 0, errs.Ef(errs.Invalid, "参数 %s 应为时间，例如 2026-05-01 或 2026-05-01T08:00:00Z", name)
			}
			*dst = t
		}
	}
	var err error
	if q.ActorID, err = queryID(c, "actor_id"); err != nil {
		return q, 0, err
	}
	if q.Before, err = queryID(c, "before"); err != nil {
		return q, 0, err
	}
	if cur, err := queryCursor(c); err != nil {
		return q, 0, err
	} else if cur != 0 {
		q.Before = cur
	}
	limit, err := queryLimit(c)
	if err != nil {
		return q, 0, err
	}
	q.Limit = limit + 1
	return q, limit, nil
}
