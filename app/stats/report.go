package stats

import (
	"context"
	"sort"

	"sunshine/app/audit"
	"sunshine/app/casework"
)

// Report is the statistics of a period.
type Report struct {
	Range         Range
	Today         string
	Submitted     int
	ByStatus      map[casework.Status]int
	ByStage       map[casework.Stage]int
	ByChannel     map[casework.Channel]int
	ByServiceType map[string]int
	Completed     int // signed off as 办结 in the period
	Terminated    int // signed off as 终止 in the period
	OnTime        int // of those, signed off no later than the deadline
	OnTimeRate    float64
	Ratings       map[int]int
	RatingCount   int
	PaperRatings  int // of RatingCount, entered from the paper form
	RatingAverage float64
	Satisfied     float64 // share of scores ≥ 4
	OverdueNow    int     // open cases past their deadline today
	Specialists   []Load  // the head only
}

// Report computes the statistics of r for the head or the supervisor.
// Errors: forbidden.
func (s *Service) Report(ctx context.Context, v casework.Actor, r Range) (*Report, error) {
	if err := s.allow(ctx, v, "stats.view"); err != nil {
		return nil, err
	}
	rep, err := s.report(ctx, v, r)
	if err != nil {
		return nil, err
	}
	s.record(ctx, v, "stats.view", audit.OK, r.From+"~"+r.To)
	return rep, nil
}

func (s *Service) report(ctx context.Context, v casework.Actor, r Range) (*Report, error) {
	from, to := r.bounds()
	today := casework.DateOf(s.now())
	rep := &Report{Range: r, Today: today, ByStatus: map[casework.Status]int{}, ByStage: map[casework.Stage]int{},
		ByChannel: map[casework.Channel]int{}, ByServiceType: map[string]int{}}
	groups, err := s.store.Intake(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		rep.Submitted += g.Count
		rep.ByStatus[g.Status] += g.Count
		rep.ByStage[casework.StageOf(g.Status)] += g.Count
		rep.ByChannel[g.Channel] += g.Count
		st := g.ServiceType
		if st == "" {
			st = "undecided"
		}
		rep.ByServiceType[st] += g.Count
	}
	offs, err := s.store.SignOffs(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, o := range offs {
		if o.Status == casework.Terminated {
			rep.Terminated++
		} else {
			rep.Completed++
		}
		if o.Deadline == "" || casework.DateOf(o.At) <= o.Deadline {
			rep.OnTime++
		}
	}
	if n := len(offs); n > 0 {
		rep.OnTimeRate = round(float64(rep.OnTime) / float64(n))
	}
	if rep.Ratings, err = s.store.Ratings(ctx, from, to); err != nil {
		return nil, err
	}
	if rep.PaperRatings, err = s.store.PaperRatings(ctx, from, to); err != nil {
		return nil, err
	}
	sum, good := 0, 0
	for score, n := range rep.Ratings {
		rep.RatingCount += n
		sum += score * n
		if score >= 4 {
			good += n
		}
	}
	if rep.RatingCount > 0 {
		rep.RatingAverage = round(float64(sum) / float64(rep.RatingCount))
		rep.Satisfied = round(float64(good) / float64(rep.RatingCount))
	}
	if rep.OverdueNow, err = s.store.OverdueCount(ctx, today); err != nil {
		return nil, err
	}
	if v.Role == casework.RoleHead {
		if rep.Specialists, err = s.store.Loads(ctx, today); err != nil {
			return nil, err
		}
		sort.Slice(rep.Specialists, func(i, j int) bool { return rep.Specialists[i].SpecialistID < rep.Specialists[j].SpecialistID })
	}
	return rep, nil
}

func round(x float64) float64 { return float64(int(x*10000+0.5)) / 10000 }

// OverdueLine is an overdue case with how late it is in working days.
type OverdueLine struct {
	OverdueCase
	DaysOverdue int
}

// OverdueList returns one page of the overdue list (通报 material), most
// overdue first. Errors: forbidden.
func (s *Service) OverdueList(ctx context.Context, v casework.Actor, after Cursor, limit int) ([]OverdueLine, error) {
	if err := s.allow(ctx, v, "stats.overdue"); err != nil {
		return nil, err
	}
	return s.overdueList(ctx, after, limit)
}

func (s *Service) overdueList(ctx context.Context, after Cursor, limit int) ([]OverdueLine, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	now := s.now()
	today := casework.DateOf(now)
	rows, err := s.store.Overdue(ctx, today, after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]OverdueLine, len(rows))
	for i, c := range rows {
		out[i] = OverdueLine{OverdueCase: c}
		if d, err := casework.ParseDate(c.Deadline); err == nil {
			out[i].DaysOverdue = s.days.WorkingDaysBetween(d, now)
		}
	}
	return out, nil
}
