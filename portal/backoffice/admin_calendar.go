package backoffice

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/admin"
	"sunshine/app/calendar"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/portal/site"
)

// calendarView is the holiday calendar page: the years kept, one year's
// dates, and the form that enters (or replaces) a year as the State
// Council publishes it.
type calendarView struct {
	Year    int
	Years   []admin.YearInfo
	Days    []dayRow
	Lines   string // the form's text: one date a line
	Source  string
	Warning string
}

type dayRow struct {
	calendar.Day
	KindLabel string
	Weekday   string
}

var kindLabels = map[calendar.Kind]string{calendar.Holiday: "放假", calendar.Workday: "调休上班"}

var weekdays = []string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// calendar is GET /staff/admin/calendar[?year=] (admin): default the year
// the November warning names (next year's, when missing), else this year.
func (h *handlers) calendar(c *fiber.Ctx) error {
	return h.renderCalendar(c, 0, "", "", nil)
}

func (h *handlers) renderCalendar(c *fiber.Ctx, year int, lines, source string, formErr error) error {
	ctx, a := c.UserContext(), actor(c)
	st, err := h.d.Admin.Status(ctx, a)
	if err != nil {
		return h.site.Fail(c, err)
	}
	v := calendarView{Year: year, Lines: lines, Source: source, Warning: st.Warning}
	if v.Year == 0 {
		if y := c.QueryInt("year"); y != 0 {
			v.Year = y
		} else if st.Missing {
			v.Year = st.Year
		} else {
			v.Year = h.d.Stats.Now().In(casework.ChinaTime).Year()
		}
	}
	if v.Years, err = h.d.Admin.Years(ctx, a); err != nil {
		return h.site.Fail(c, err)
	}
	days, err := h.d.Admin.Year(ctx, a, v.Year)
	if err != nil && errs.CodeOf(err) != errs.NotFound {
		return h.site.Fail(c, err)
	}
	var text []string
	for _, d := range days {
		row := dayRow{Day: d, KindLabel: kindLabels[d.Kind]}
		if t, err := time.Parse(time.DateOnly, d.Date); err == nil {
			row.Weekday = weekdays[t.Weekday()]
		}
		v.Days = append(v.Days, row)
		text = append(text, d.Date+" "+kindWord[d.Kind]+" "+d.Name)
	}
	if formErr == nil {
		v.Lines = strings.Join(text, "\n")
	}
	return h.site.Render(c, status(formErr), "calendar", h.page(c, "节假日", v, formErr))
}

// kindWord is how the form writes a kind; parseDays reads these and the
// English names.
var kindWord = map[calendar.Kind]string{calendar.Holiday: "休", calendar.Workday: "班"}

var (
	lineSplit = regexp.MustCompile(`[\s,，、]+`)
	dayIndex  = regexp.MustCompile(`^days\[(\d+)\]`)
)

// parseDays reads the form's lines "日期 类型 名称" (类型: 休/放假/holiday or
// 班/上班/workday); blank lines are skipped. A line it cannot read is a
// field error naming the line.
func parseDays(text string) ([]calendar.Day, []int, error) {
	var days []calendar.Day
	var lineOf []int
	bad := map[string]string{}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := lineSplit.Split(line, 3)
		if len(parts) < 2 {
			bad["days"] = fmt.Sprintf("第%d行应为“日期 类型 名称”，例如 2027-01-01 休 元旦", n+1)
			continue
		}
		d := calendar.Day{Date: parts[0]}
		switch strings.ToLower(parts[1]) {
		case "休", "放假", "holiday":
			d.Kind = calendar.Holiday
		case "班", "上班", "调休上班", "workday":
			d.Kind = calendar.Workday
		default:
			bad["days"] = fmt.Sprintf("第%d行的类型应为“休”（放假）或“班”（调休上班）", n+1)
			continue
		}
		if len(parts) == 3 {
			d.Name = parts[2]
		}
		days = append(days, d)
		lineOf = append(lineOf, n+1)
	}
	return days, lineOf, errs.FieldErrors(bad)
}

// replaceYear is POST /staff/admin/calendar {year, days, source} (admin):
// the whole year is replaced and the calendar reloaded, so the deadlines
// computed from now on use it.
func (h *handlers) replaceYear(c *fiber.Ctx) error {
	lines, source := c.FormValue("days"), c.FormValue("source")
	year, err := strconv.Atoi(strings.TrimSpace(c.FormValue("year")))
	if err != nil {
		err = errs.FieldErrors(map[string]string{"year": "请填写四位年份，例如 2027"})
		return h.renderCalendar(c, 0, lines, source, err)
	}
	days, lineOf, err := parseDays(lines)
	if err == nil {
		_, err = h.d.Admin.ReplaceYear(c.UserContext(), actor(c), year, days, source)
	}
	if err != nil {
		return h.failForm(c, err, func() error { return h.renderCalendar(c, year, lines, source, byLine(err, lineOf)) })
	}
	return h.done(c, fmt.Sprintf("已保存%d年节假日安排（%d天）", year, len(days)),
		Prefix+"/admin/calendar?year="+strconv.Itoa(year))
}

// byLine names the form's lines in the service's per-day messages
// ("days[3].date" → the field "days": "第5行：…").
func byLine(err error, lineOf []int) error {
	fields := site.Fields(err)
	if len(fields) == 0 {
		return err
	}
	out := map[string]string{}
	var dayMsgs []string
	for k, m := range fields {
		if g := dayIndex.FindStringSubmatch(k); g != nil {
			i, _ := strconv.Atoi(g[1])
			line := i + 1
			if i < len(lineOf) {
				line = lineOf[i]
			}
			dayMsgs = append(dayMsgs, fmt.Sprintf("第%d行：%s", line, m))
			continue
		}
		out[k] = m
	}
	if len(dayMsgs) > 0 {
		sort.Strings(dayMsgs)
		if out["days"] != "" {
			dayMsgs = append([]string{out["days"]}, dayMsgs...)
		}
		out["days"] = strings.Join(dayMsgs, "；")
	}
	return errs.FieldErrors(out)
}
