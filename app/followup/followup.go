// Package followup is the head's 回访 queue: a rating of 2 or less opens a
// follow-up task (written with the rating, see cases.Tx.AddRating); the
// head calls the enterprise back and records the outcome, once.
package followup

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// Task statuses.
const (
	Open = "open"
	Done = "done"
)

// Task is one follow-up with what the head needs to call back.
type Task struct {
	ID             int64
	CaseID         int64
	CaseNumber     string
	EnterpriseName string
	ProjectName    string
	Score          int
	Comment        string
	Status         string
	Outcome        string
	DoneBy         string
	DoneAt         *time.Time
	CreatedAt      time.Time
}

// Filter selects tasks; zero fields do not filter.
type Filter struct {
	Status string
	Before int64 // cursor: ids below this
	Limit  int
}

// Store keeps follow-up tasks. Implemented by storage.
type Store interface {
	// ListFollowups returns at most f.Limit tasks, newest first.
	ListFollowups(ctx context.Context, f Filter) ([]Task, error)
	// FollowupByID returns one task. Returns not_found.
	FollowupByID(ctx context.Context, id int64) (*Task, error)
	// CompleteFollowup records the outcome of an open task with its audit
	// record in one transaction. Returns conflict when it is no longer open.
	CompleteFollowup(ctx context.Context, id int64, outcome, by string, at time.Time, a *audit.Record) error
}

// Service runs the follow-up queue.
type Service struct {
	store Store
	trail audit.Store
	now   func() time.Time
	log   *slog.Logger
}

// New builds the service; trail receives the denials.
func New(store Store, trail audit.Store, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, trail: trail, now: now, log: log}
}

func (s *Service) requireHead(ctx context.Context, v casework.Actor, id int64) error {
	if v.Role == casework.RoleHead {
		return nil
	}
	r := s.record(ctx, v, "followup.access", id, audit.Denied, "role")
	if err := s.trail.Append(ctx, r); err != nil {
		s.log.Error("audit write failed", "err", err)
	}
	return errs.E(errs.Forbidden, "只有中心负责人可以处理回访")
}

// List returns one page of tasks (head only). Errors: forbidden, invalid.
func (s *Service) List(ctx context.Context, v casework.Actor, f Filter) ([]Task, error) {
	if err := s.requireHead(ctx, v, 0); err != nil {
		return nil, err
	}
	if f.Status != "" && f.Status != Open && f.Status != Done {
		return nil, errs.E(errs.Invalid, "状态只能是 open 或 done")
	}
	if f.Limit <= 0 || f.Limit > 101 {
		f.Limit = 20
	}
	return s.store.ListFollowups(ctx, f)
}

// Complete records the outcome of a follow-up (head only). Errors:
// forbidden, not_found, unprocessable, conflict (already done).
func (s *Service) Complete(ctx context.Context, v casework.Actor, id int64, outcome string) (*Task, error) {
	if err := s.requireHead(ctx, v, id); err != nil {
		return nil, err
	}
	outcome = strings.TrimSpace(outcome)
	switch {
	case outcome == "":
		return nil, errs.FieldErrors(map[string]string{"outcome": "请填写回访结果"})
	case utf8.RuneCountInString(outcome) > 2000:
		return nil, errs.FieldErrors(map[string]string{"outcome": "回访结果不能超过2000个字"})
	}
	t, err := s.store.FollowupByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.Status != Open {
		return nil, errs.E(errs.Conflict, "该回访已完成")
	}
	now := s.now()
	a := s.record(ctx, v, "followup.complete", id, audit.OK, "case "+strconv.FormatInt(t.CaseID, 10))
	if err := s.store.CompleteFollowup(ctx, id, outcome, v.Name, now, a); err != nil {
		return nil, err
	}
	at := now.UTC()
	t.Status, t.Outcome, t.DoneBy, t.DoneAt = Done, outcome, v.Name, &at
	return t, nil
}

func (s *Service) record(ctx context.Context, v casework.Actor, action string, id int64, result, detail string) *audit.Record {
	r := &audit.Record{ActorID: v.ID, ActorRole: string(v.Role), ActorName: v.Name, Action: action,
		ObjectType: "followup", Result: result, Detail: detail}
	if id != 0 {
		r.ObjectID = strconv.FormatInt(id, 10)
	}
	audit.Fill(ctx, r, s.now())
	return r
}
