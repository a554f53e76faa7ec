package stats

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// MonthGroup is a count of one month (YYYY-MM, China time) and one key
// (a channel, a score …).
type MonthGroup struct {
	Month string
	Key   string
	Count int
}

// SignOffGroup counts the sign-offs of one month by result and by whether
// they kept the deadline.
type SignOffGroup struct {
	Month  string
	Status casework.Status // completed or terminated
	OnTime bool
	Count  int
}

// Workload is one specialist's cases: held now, signed off in the period,
// overdue now.
type Workload struct {
	SpecialistID int64
	Name         string
	Open         int
	Closed       int
	Overdue      int
}

// DepartmentMatters counts one department's matters: created in the
// period, finished after their deadline in the period, open past their
// deadline now (审批不及时).
type DepartmentMatters struct {
	Department  string
	Matters     int
	DoneLate    int
	OverdueOpen int
}

// SeriesStore reads the monthly series. Implemented by storage. Months are
// China calendar months; [from, to) are UTC instants.
type SeriesStore interface {
	// MonthlyIntake counts the cases created in [from, to) by month and channel.
	MonthlyIntake(ctx context.Context, from, to time.Time) ([]MonthGroup, error)
	// MonthlySignOffs counts the sign-offs in [from, to) by month, result
	// and on-time (signed off no later than the case deadline).
	MonthlySignOffs(ctx context.Context, from, to time.Time) ([]SignOffGroup, error)
	// MonthlyRatings counts the ratings given in [from, to) by month and score.
	MonthlyRatings(ctx context.Context, from, to time.Time) ([]MonthGroup, error)
	// Workloads lists every active specialist (and any other holding
	// cases) with open, closed in [from, to) and overdue (deadline before
	// today) cases.
	Workloads(ctx context.Context, from, to time.Time, today string) ([]Workload, error)
	// MattersByDepartment counts the department matters per department.
	MattersByDepartment(ctx context.Context, from, to time.Time, today string) ([]DepartmentMatters, error)
	// LoadsByStatus counts the cases specialists hold by specialist and
	// status (assigned, in_service, suspended, closing).
	LoadsByStatus(ctx context.Context) ([]StatusCount, error)
}

// Series is what the dashboards draw: one value per month of the window,
// and the window's totals.
type Series struct {
	From, To   string // YYYY-MM, both included
	Today      string
	Months     []string
	New        []int
	Completed  []int
	Terminated []int
	OnTime     []int
	// OnTimeRate is OnTime / (Completed + Terminated) of each month, nil
	// in a month without sign-offs.
	OnTimeRate []*float64
	// Satisfaction is the count of each score 1–5 over the window
	// (index 0 is score 1); RatingCounts and RatingAverage are per month
	// (RatingAverage nil in a month without ratings); RatingsByMonth[i][s-1]
	// the count of score s in month i.
	Satisfaction   [5]int
	RatingCounts   []int
	RatingAverage  []*float64
	RatingsByMonth [][5]int
	Channels       map[casework.Channel]int
	// Workload: the head sees names; the supervisor sees the same numbers
	// anonymised (Name "专员1"… by descending load, SpecialistID 0).
	Workload    []Workload
	Departments []DepartmentMatters
}

// ParseMonths validates the window of a series: to is YYYY-MM (default the
// current month, China time), months 1–36 (default 12). Errors: invalid.
func (s *Service) ParseMonths(to, months string) (first time.Time, n int, err error) {
	n = 12
	if months != "" {
		if n, err = strconv.Atoi(months); err != nil || n < 1 || n > 36 {
			return time.Time{}, 0, errs.E(errs.Invalid, "months 应为1到36之间的整数")
		}
	}
	if to == "" {
		to = casework.DateOf(s.now())[:7]
	}
	last, perr := time.ParseInLocation("2006-01", to, casework.ChinaTime)
	if perr != nil || len(to) != 7 {
		return time.Time{}, 0, errs.E(errs.Invalid, "月份格式应为 YYYY-MM，例如 2026-11")
	}
	if last.Year() < 2000 || last.Year() > 2100 {
		return time.Time{}, 0, errs.E(errs.Invalid, "月份超出范围")
	}
	return last.AddDate(0, -(n - 1), 0), n, nil
}

// Series computes the monthly series of the n months starting at first
// (a month start, China time) for the head or the supervisor. Errors:
// forbidden.
func (s *Service) Series(ctx context.Context, v casework.Actor, first time.Time, n int) (*Series, error) {
	if err := s.allow(ctx, v, "stats.series"); err != nil {
		return nil, err
	}
	if s.series == nil {
		return nil, errs.E(errs.Unavailable, "统计序列未配置")
	}
	from, to := first.UTC(), first.AddDate(0, n, 0).UTC()
	today := casework.DateOf(s.now())
	out := &Series{Today: today, Channels: map[casework.Channel]int{}}
	index := map[string]int{}
	for i := range n {
		m := first.AddDate(0, i, 0).Format("2006-01")
		index[m] = i
		out.Months = append(out.Months, m)
	}
	out.From, out.To = out.Months[0], out.Months[n-1]
	out.New, out.Completed, out.Terminated, out.OnTime = make([]int, n), make([]int, n), make([]int, n), make([]int, n)
	out.OnTimeRate, out.RatingCounts, out.RatingAverage = make([]*float64, n), make([]int, n), make([]*float64, n)
	out.RatingsByMonth = make([][5]int, n)

	intake, err := s.series.MonthlyIntake(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, g := range intake {
		if i, ok := index[g.Month]; ok {
			out.New[i] += g.Count
			out.Channels[casework.Channel(g.Key)] += g.Count
		}
	}
	offs, err := s.series.MonthlySignOffs(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, g := range offs {
		i, ok := index[g.Month]
		if !ok {
			continue
		}
		if g.Status == casework.Terminated {
			out.Terminated[i] += g.Count
		} else {
			out.Completed[i] += g.Count
		}
		if g.OnTime {
			out.OnTime[i] += g.Count
		}
	}
	for i := range n {
		if d := out.Completed[i] + out.Terminated[i]; d > 0 {
			r := round(float64(out.OnTime[i]) / float64(d))
			out.OnTimeRate[i] = &r
		}
	}
	ratings, err := s.series.MonthlyRatings(ctx, from, to)
	if err != nil {
		return nil, err
	}
	sums := make([]int, n)
	for _, g := range ratings {
		i, ok := index[g.Month]
		score, _ := strconv.Atoi(g.Key)
		if !ok || score < 1 || score > 5 {
			continue
		}
		out.Satisfaction[score-1] += g.Count
		out.RatingsByMonth[i][score-1] += g.Count
		out.RatingCounts[i] += g.Count
		sums[i] += score * g.Count
	}
	for i := range n {
		if out.RatingCounts[i] > 0 {
			a := round(float64(sums[i]) / float64(out.RatingCounts[i]))
			out.RatingAverage[i] = &a
		}
	}
	if out.Workload, err = s.series.Workloads(ctx, from, to, today); err != nil {
		return nil, err
	}
	if v.Role == casework.RoleHead {
		sort.Slice(out.Workload, func(i, j int) bool { return out.Workload[i].SpecialistID < out.Workload[j].SpecialistID })
	} else {
		out.Workload = anonymise(out.Workload)
	}
	if out.Departments, err = s.series.MattersByDepartment(ctx, from, to, today); err != nil {
		return nil, err
	}
	sort.Slice(out.Departments, func(i, j int) bool {
		a, b := out.Departments[i], out.Departments[j]
		if a.OverdueOpen+a.DoneLate != b.OverdueOpen+b.DoneLate {
			return a.OverdueOpen+a.DoneLate > b.OverdueOpen+b.DoneLate
		}
		return a.Department < b.Department
	})
	s.record(ctx, v, "stats.series", audit.OK, out.From+"~"+out.To)
	return out, nil
}

// anonymise drops who the specialists are: the supervising bureau sees how
// the load is spread, not whose it is. Rows are ordered by load so that
// the labels carry no account order.
func anonymise(ws []Workload) []Workload {
	out := append([]Workload(nil), ws...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Open != b.Open {
			return a.Open > b.Open
		}
		if a.Closed != b.Closed {
			return a.Closed > b.Closed
		}
		return a.Overdue > b.Overdue
	})
	for i := range out {
		out[i].SpecialistID, out[i].Name = 0, fmt.Sprintf("专员%d", i+1)
	}
	return out
}
