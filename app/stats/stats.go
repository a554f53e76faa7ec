// Package stats is what the supervising bureau (市政务服务数据管理局) and the
// center head see of the service as a whole: intake by channel, status and
// type, sign-offs and how many kept their promised deadline, ratings, the
// overdue list and (for the head) each specialist's load — aggregates and
// case headers only, never the personal data of an application.
package stats

import (
	"context"
	"log/slog"
	"time"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// Range is a period of China calendar dates, both ends included.
type Range struct {
	From, To string // YYYY-MM-DD
}

// bounds returns the UTC instants [from 00:00, day after to 00:00) China time.
func (r Range) bounds() (time.Time, time.Time) {
	from, _ := casework.ParseDate(r.From)
	to, _ := casework.ParseDate(r.To)
	return from.UTC(), to.AddDate(0, 0, 1).UTC()
}

// Intake is one group of cases submitted in the period.
type Intake struct {
	Status      casework.Status
	Channel     casework.Channel
	ServiceType string
	Count       int
}

// SignOff is one 办结/终止 signed off in the period.
type SignOff struct {
	At       time.Time
	Status   casework.Status // completed or terminated (the result signed off)
	Deadline string
}

// Load is one specialist's open cases.
type Load struct {
	SpecialistID int64
	Name         string
	Open         int
	Overdue      int
}

// OverdueCase is a line of the overdue list: no personal data.
type OverdueCase struct {
	ID             int64
	Number         string
	EnterpriseName string
	ProjectName    string
	Status         casework.Status
	Deadline       string
	Specialist     string
}

// Cursor is a position in the overdue list: the last line's deadline and id.
type Cursor struct {
	Deadline string
	ID       int64
}

// Store reads the aggregates. Implemented by storage.
type Store interface {
	// Intake groups the cases created in [from, to) by status, channel and type.
	Intake(ctx context.Context, from, to time.Time) ([]Intake, error)
	// SignOffs lists the sign-offs in [from, to) with the case's deadline.
	SignOffs(ctx context.Context, from, to time.Time) ([]SignOff, error)
	// Ratings counts the ratings given in [from, to) by score.
	Ratings(ctx context.Context, from, to time.Time) (map[int]int, error)
	// PaperRatings counts the ratings given in [from, to) that a clerk
	// entered from the paper form (included in Ratings).
	PaperRatings(ctx context.Context, from, to time.Time) (int, error)
	// Overdue lists open cases whose deadline is before today, oldest
	// deadline first (then by id), after the cursor, at most limit.
	Overdue(ctx context.Context, today string, after Cursor, limit int) ([]OverdueCase, error)
	// OverdueCount counts open cases whose deadline is before today.
	OverdueCount(ctx context.Context, today string) (int, error)
	// Loads counts open and overdue cases per specialist.
	Loads(ctx context.Context, today string) ([]Load, error)
}

// Service computes the statistics.
type Service struct {
	store  Store
	series SeriesStore // nil: no monthly series
	days   casework.WorkingDays
	trail  audit.Store
	now    func() time.Time
	log    *slog.Logger
}

// New builds the service; now may be nil.
func New(store Store, days casework.WorkingDays, trail audit.Store, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{store: store, days: days, trail: trail, now: now, log: log}
	s.series, _ = store.(SeriesStore)
	return s
}

// Now returns the service clock.
func (s *Service) Now() time.Time { return s.now() }

// allowed: the head and the supervising bureau.
func (s *Service) allow(ctx context.Context, v casework.Actor, action string) error {
	if v.Role == casework.RoleHead || v.Role == casework.RoleSupervisor {
		return nil
	}
	s.record(ctx, v, action, audit.Denied, "role")
	return errs.E(errs.Forbidden, "只有中心负责人和市政务服务数据管理局可以查看统计")
}

func (s *Service) record(ctx context.Context, v casework.Actor, action, result, detail string) {
	r := &audit.Record{ActorID: v.ID, ActorRole: string(v.Role), ActorName: v.Name, Action: action,
		ObjectType: "stats", Result: result, Detail: detail}
	audit.Fill(ctx, r, s.now())
	if err := s.trail.Append(ctx, r); err != nil {
		s.log.Error("audit write failed", "action", action, "err", err)
	}
}

// ParseRange validates a period given as YYYY-MM-DD dates; empty from is the
// first day of the current month, empty to is today (China time). Errors:
// invalid (format, order, longer than three years).
func (s *Service) ParseRange(from, to string) (Range, error) {
	today := casework.DateOf(s.now())
	if to == "" {
		to = today
	}
	if from == "" {
		from = today[:8] + "01"
	}
	f, err1 := casework.ParseDate(from)
	t, err2 := casework.ParseDate(to)
	switch {
	case err1 != nil || err2 != nil:
		return Range{}, errs.E(errs.Invalid, "日期格式应为 YYYY-MM-DD，例如 2026-05-01")
	case t.Before(f):
		return Range{}, errs.E(errs.Invalid, "结束日期不能早于开始日期")
	case t.Sub(f) > 3*366*24*time.Hour:
		return Range{}, errs.E(errs.Invalid, "统计区间最长三年")
	}
	return Range{From: from, To: to}, nil
}
