package admin

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"sunshine/app/audit"
	"sunshine/app/calendar"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// YearInfo summarizes one year of the calendar.
type YearInfo struct {
	Year     int
	Holidays int // listed days off
	Workdays int // listed 调休 working days
}

// CalendarStatus says whether next year's calendar is missing while
// deadlines already run into it (from November on).
type CalendarStatus struct {
	Year    int // next year
	Missing bool
	Warning string // Chinese, empty unless Missing
}

// Every staff role may read the calendar (deadlines are counted on it);
// only the admin edits it.
var readers = append([]casework.Role{}, casework.StaffRoles...)

// Years lists the years that have a calendar. Errors: forbidden.
func (s *Service) Years(ctx context.Context, v casework.Actor) ([]YearInfo, error) {
	if err := s.requireRole(ctx, v, "calendar.read", "", readers...); err != nil {
		return nil, err
	}
	days, err := s.holidays.All(ctx)
	if err != nil {
		return nil, err
	}
	by := map[int]*YearInfo{}
	for _, d := range days {
		y := by[d.Year()]
		if y == nil {
			y = &YearInfo{Year: d.Year()}
			by[d.Year()] = y
		}
		if d.Kind == calendar.Workday {
			y.Workdays++
		} else {
			y.Holidays++
		}
	}
	out := make([]YearInfo, 0, len(by))
	for _, y := range by {
		out = append(out, *y)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out, nil
}

// Year returns the listed days of one year by date (empty when the year has
// no calendar). Errors: forbidden, invalid (year out of range).
func (s *Service) Year(ctx context.Context, v casework.Actor, year int) ([]calendar.Day, error) {
	if err := s.requireRole(ctx, v, "calendar.read", yearID(year), readers...); err != nil {
		return nil, err
	}
	if year < 2000 || year > 2100 {
		return nil, errs.E(errs.Invalid, "年份应在2000到2100之间")
	}
	all, err := s.holidays.All(ctx)
	if err != nil {
		return nil, err
	}
	out := []calendar.Day{}
	for _, d := range all {
		if d.Year() == year {
			out = append(out, d)
		}
	}
	return out, nil
}

// ReplaceYear replaces one year's calendar (admin only) and reloads the
// in-memory calendar. Each day is a statutory holiday or 调休 day off
// (holiday) or a make-up working day on a weekend (workday). Deadlines
// already computed are kept. Errors: forbidden, invalid (year),
// unprocessable (days, per field such as "days[3].date").
func (s *Service) ReplaceYear(ctx context.Context, v casework.Actor, year int, days []calendar.Day, source string) ([]calendar.Day, error) {
	if err := s.requireRole(ctx, v, "calendar.replace", yearID(year), casework.RoleAdmin); err != nil {
		return nil, err
	}
	if year < 2000 || year > 2100 {
		return nil, errs.E(errs.Invalid, "年份应在2000到2100之间")
	}
	clean, bad := validateDays(year, days)
	source = strings.TrimSpace(source)
	if utf8.RuneCountInString(source) > 255 {
		bad["source"] = "来源说明不能超过255个字"
	}
	if err := errs.FieldErrors(bad); err != nil {
		return nil, err
	}
	if source == "" {
		source = "管理员录入"
	}
	if err := s.holidays.ReplaceYear(ctx, year, clean, source); err != nil {
		return nil, err
	}
	if all, err := s.holidays.All(ctx); err == nil {
		s.calendar.Load(all)
	} else {
		s.log.Error("calendar reload failed", "err", err)
	}
	s.append(ctx, v, "calendar.replace", "calendar", yearID(year), audit.OK, fmt.Sprintf("%d days", len(clean)))
	return clean, nil
}

func validateDays(year int, days []calendar.Day) ([]calendar.Day, map[string]string) {
	bad := map[string]string{}
	if len(days) == 0 {
		bad["days"] = "请至少填写一天（法定节假日或调休上班日）"
	}
	if len(days) > 366 {
		bad["days"] = "天数过多"
		return nil, bad
	}
	seen := map[string]bool{}
	out := make([]calendar.Day, 0, len(days))
	for i, d := range days {
		key := fmt.Sprintf("days[%d]", i)
		d.Date, d.Name = strings.TrimSpace(d.Date), strings.TrimSpace(d.Name)
		t, err := time.Parse(time.DateOnly, d.Date)
		switch {
		case err != nil:
			bad[key+".date"] = "日期格式应为 YYYY-MM-DD"
			continue
		case t.Year() != year:
			bad[key+".date"] = fmt.Sprintf("日期不在%d年内", year)
		case seen[d.Date]:
			bad[key+".date"] = "日期重复"
		}
		seen[d.Date] = true
		switch d.Kind {
		case calendar.Holiday:
		case calendar.Workday:
			if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
				bad[key+".kind"] = "调休上班日应为周六或周日"
			}
		default:
			bad[key+".kind"] = "类型只能是 holiday（放假）或 workday（调休上班）"
		}
		if utf8.RuneCountInString(d.Name) > 50 {
			bad[key+".name"] = "名称不能超过50个字"
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out, bad
}

// Status reports whether next year's calendar is missing (the November
// warning). Errors: forbidden.
func (s *Service) Status(ctx context.Context, v casework.Actor) (CalendarStatus, error) {
	if err := s.requireRole(ctx, v, "calendar.read", "", readers...); err != nil {
		return CalendarStatus{}, err
	}
	year, missing := s.calendar.MissingNextYear(s.now())
	st := CalendarStatus{Year: year, Missing: missing}
	if missing {
		st.Warning = fmt.Sprintf("尚未录入%d年节假日安排：跨年的承诺办结时限目前只按周末计算，请在国务院公布后及时录入", year)
	}
	return st, nil
}
