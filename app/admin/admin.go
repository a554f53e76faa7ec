// Package admin is the system administrator's work besides accounts: the
// holiday calendar (one year at a time, with a warning from November on
// while next year is missing) and the audit log query. The admin sees no
// case content; these are the admin's only windows into the system.
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

// Service runs the administration of the calendar and the audit query.
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

// AuditLog returns one page of the audit trail, newest first (admin only).
// Errors: forbidden, invalid (a range that ends before it starts).
func (s *Service) AuditLog(ctx context.Context, v casework.Actor, q audit.Query) ([]audit.Record, error) {
	if err := s.requireRole(ctx, v, "audit.query", "", casework.RoleAdmin); err != nil {
		return nil, err
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		return nil, errs.E(errs.Invalid, "结束时间应晚于开始时间")
	}
	if q.Limit <= 0 || q.Limit > 201 {
		q.Limit = 50
	}
	return s.trail.Find(ctx, q)
}

func yearID(y int) string { return strconv.Itoa(y) }
