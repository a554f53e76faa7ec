// Package admin is the system administrator's work besides accounts: the
// holiday calendar (one year at a time, with a warning from November on
// while next year is missing). The admin sees no case content and, since
// the separation of duties (三员分立), no audit log: that is the auditor's
// (audit.Service).
package admin

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"sunshine/app/audit"
	"sunshine/app/calendar"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// HolidayStore keeps the listed days per year. Implemented by storage.
type HolidayStore interface {
	// All returns every listed day.
	All(ctx context.Context) ([]calendar.Day, error)
	// ReplaceYear replaces one year's listed days in one transaction.
	ReplaceYear(ctx context.Context, year int, days []calendar.Day, source string) error
}

// Service runs the administration of the calendar.
type Service struct {
	holidays    HolidayStore
	departments DepartmentStore // nil: no departments administration
	calendar    *calendar.Calendar
	trail       audit.Store
	now         func() time.Time
	log         *slog.Logger
}

// New builds the service; cal is the in-memory calendar reloaded after an
// edit (other instances reload it periodically).
func New(holidays HolidayStore, cal *calendar.Calendar, trail audit.Store, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{holidays: holidays, calendar: cal, trail: trail, now: now, log: log}
}

// requireRole refuses anyone whose role is not among roles, with an audit
// record of the denial.
func (s *Service) requireRole(ctx context.Context, v casework.Actor, action, object string, roles ...casework.Role) error {
	for _, r := range roles {
		if v.Role == r {
			return nil
		}
	}
	s.append(ctx, v, action, "", object, audit.Denied, "role")
	return errs.E(errs.Forbidden, "当前角色无权执行此操作")
}

func (s *Service) append(ctx context.Context, v casework.Actor, action, objectType, object, result, detail string) {
	r := &audit.Record{ActorID: v.ID, ActorRole: string(v.Role), ActorName: v.Name, Action: action,
		ObjectType: objectType, ObjectID: object, Result: result, Detail: detail}
	audit.Fill(ctx, r, s.now())
	if err := s.trail.Append(ctx, r); err != nil {
		s.log.Error("audit write failed", "action", action, "err", err)
	}
}

func yearID(y int) string { return strconv.Itoa(y) }
