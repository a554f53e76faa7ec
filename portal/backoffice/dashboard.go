package backoffice

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/stats"
)

// dashboardView is what the dashboard draws: the charts (from the JSON of
// dashboardData, read by static/dashboard.js) and the same numbers as
// tables for screen readers and for a browser without JavaScript.
type dashboardView struct {
	To, From string // YYYY-MM of the window
	Months   string // window length
	Head     bool   // the head sees per-specialist workload; the supervisor aggregates only
	Data     string // the JSON endpoint of this window
	Series   chartData
}

// chartData is the dashboard's JSON: one value per month, and the totals.
// It holds no person and no case: the supervisor reads it too.
type chartData struct {
	Months       []string    `json:"months"`
	New          []int       `json:"new"`
	Closed       []int       `json:"closed"`
	OnTimeRate   []*float64  `json:"on_time_rate"`
	Satisfaction []labelled  `json:"satisfaction"` // scores 5 … 1 over the window
	RatingCount  []int       `json:"rating_count"`
	RatingAvg    []*float64  `json:"rating_avg"`
	Channels     []labelled  `json:"channels"`
	Departments  []deptLate  `json:"departments"`
	Workload     []workload  `json:"workload,omitempty"` // head only
	Aggregate    workloadSum `json:"aggregate"`
}

type labelled struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

type deptLate struct {
	Department  string `json:"department"`
	Matters     int    `json:"matters"`
	DoneLate    int    `json:"done_late"`
	OverdueOpen int    `json:"overdue_open"`
}

type workload struct {
	Name    string `json:"name"`
	Open    int    `json:"open"`
	Closed  int    `json:"closed"`
	Overdue int    `json:"overdue"`
}

// workloadSum is the specialists' workload as one aggregate.
type workloadSum struct {
	Specialists int `json:"specialists"`
	Open        int `json:"open"`
	Closed      int `json:"closed"`
	Overdue     int `json:"overdue"`
}

// toChartData keeps what the viewer may see: names of specialists only for
// the head.
func toChartData(s *stats.Series, head bool) chartData {
	out := chartData{Months: s.Months, New: s.New, OnTimeRate: s.OnTimeRate, RatingCount: s.RatingCounts,
		RatingAvg: s.RatingAverage, Satisfaction: []labelled{}, Channels: []labelled{}, Departments: []deptLate{}}
	for i := range s.Months {
		out.Closed = append(out.Closed, s.Completed[i]+s.Terminated[i])
	}
	for score := 5; score >= 1; score-- {
		out.Satisfaction = append(out.Satisfaction, labelled{casework.ScoreLabels[score], s.Satisfaction[score-1]})
	}
	for _, ch := range casework.Channels {
		out.Channels = append(out.Channels, labelled{ch.Label(), s.Channels[ch]})
	}
	for _, d := range s.Departments {
		out.Departments = append(out.Departments, deptLate{d.Department, d.Matters, d.DoneLate, d.OverdueOpen})
	}
	for _, w := range s.Workload {
		out.Aggregate.Specialists++
		out.Aggregate.Open += w.Open
		out.Aggregate.Closed += w.Closed
		out.Aggregate.Overdue += w.Overdue
		if head {
			out.Workload = append(out.Workload, workload{w.Name, w.Open, w.Closed, w.Overdue})
		}
	}
	return out
}

// series reads the window of ?to=YYYY-MM&months=N (default: the 12 months
// up to this one) for the viewer.
func (h *handlers) series(c *fiber.Ctx) (*stats.Series, string, error) {
	first, n, err := h.d.Stats.ParseMonths(c.Query("to"), c.Query("months"))
	if err != nil {
		return nil, "", err
	}
	s, err := h.d.Stats.Series(c.UserContext(), actor(c), first, n)
	if err != nil {
		return nil, "", err
	}
	return s, strconv.Itoa(n), nil
}

// dashboard is GET /staff/dashboard (head, supervisor).
func (h *handlers) dashboard(c *fiber.Ctx) error {
	s, n, err := h.series(c)
	if err != nil {
		return h.site.Fail(c, err)
	}
	head := staff(c).Role == casework.RoleHead
	v := dashboardView{From: s.From, To: s.To, Months: n, Head: head, Series: toChartData(s, head),
		Data: Prefix + "/dashboard/data.json?to=" + s.To + "&months=" + n}
	return h.site.Render(c, fiber.StatusOK, "dashboard", h.page(c, "统计分析", v, nil))
}

// dashboardData is GET /staff/dashboard/data.json: the charts' numbers.
func (h *handlers) dashboardData(c *fiber.Ctx) error {
	s, _, err := h.series(c)
	if err != nil {
		return h.site.Fail(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(toChartData(s, staff(c).Role == casework.RoleHead))
}
