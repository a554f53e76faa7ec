package staffapi

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/stats"
)

type seriesJSON struct {
	From         string               `json:"from"`
	To           string               `json:"to"`
	Today        string               `json:"today"`
	Months       []string             `json:"months"`
	New          []int                `json:"new"`
	Closed       []int                `json:"closed"`
	Completed    []int                `json:"completed"`
	Terminated   []int                `json:"terminated"`
	OnTime       []int                `json:"on_time"`
	OnTimeRate   []*float64           `json:"on_time_rate"`
	Satisfaction satisfactionJSON     `json:"satisfaction"`
	Channels     []countJSON          `json:"channels"`
	Workload     []workloadJSON       `json:"workload"`
	Departments  []departmentLateJSON `json:"departments"`
}

type satisfactionJSON struct {
	Distribution []countJSON `json:"distribution"` // scores 5 … 1 over the window
	Count        []int       `json:"count"`        // per month
	Average      []*float64  `json:"average"`      // per month, null without ratings
	ByMonth      [][5]int    `json:"by_month"`     // per month, counts of scores 1 … 5
}

type workloadJSON struct {
	ID      int64  `json:"id,omitempty"` // head only
	Name    string `json:"name"`         // 专员1 … for the supervisor
	Open    int    `json:"open"`
	Closed  int    `json:"closed"`
	Overdue int    `json:"overdue"`
}

type departmentLateJSON struct {
	Department  string `json:"department"`
	Matters     int    `json:"matters"`
	DoneLate    int    `json:"done_late"`
	OverdueOpen int    `json:"overdue_open"`
}

func toSeriesJSON(s *stats.Series) seriesJSON {
	out := seriesJSON{From: s.From, To: s.To, Today: s.Today, Months: s.Months, New: s.New,
		Completed: s.Completed, Terminated: s.Terminated, OnTime: s.OnTime, OnTimeRate: s.OnTimeRate,
		Satisfaction: satisfactionJSON{Count: s.RatingCounts, Average: s.RatingAverage, ByMonth: s.RatingsByMonth},
		Channels:     []countJSON{}, Workload: []workloadJSON{}, Departments: []departmentLateJSON{}}
	for i := range s.Months {
		out.Closed = append(out.Closed, s.Completed[i]+s.Terminated[i])
	}
	for score := 5; score >= 1; score-- {
		out.Satisfaction.Distribution = append(out.Satisfaction.Distribution,
			countJSON{Key: strconv.Itoa(score), Label: casework.ScoreLabels[score], Count: s.Satisfaction[score-1]})
	}
	for _, ch := range casework.Channels {
		out.Channels = append(out.Channels, countJSON{string(ch), ch.Label(), s.Channels[ch]})
	}
	for _, w := range s.Workload {
		out.Workload = append(out.Workload, workloadJSON{w.SpecialistID, w.Name, w.Open, w.Closed, w.Overdue})
	}
	for _, d := range s.Departments {
		out.Departments = append(out.Departments, departmentLateJSON{d.Department, d.Matters, d.DoneLate, d.OverdueOpen})
	}
	return out
}

// statsSeries is GET /stats/series?to=YYYY-MM&months=12 (head, supervisor):
// the monthly series of the dashboards.
func (h *handlers) statsSeries(c *fiber.Ctx) error {
	first, n, err := h.d.Stats.ParseMonths(c.Query("to"), c.Query("months"))
	if err != nil {
		return err
	}
	s, err := h.d.Stats.Series(c.UserContext(), viewerOf(c).Actor, first, n)
	if err != nil {
		return err
	}
	return c.JSON(toSeriesJSON(s))
}
