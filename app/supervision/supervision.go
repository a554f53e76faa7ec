// Package supervision is the channel from an enterprise to the supervising
// bureau (监督, 市政务服务数据管理局): a report of misconduct about one of
// its cases (吃拿卡要, 不作为, 乱作为, 其他). Reports never reach the center's
// staff — no clerk, head, specialist or liaison may list or read them, they
// are not on the case's timeline and notify no one at the center; the
// supervisor lists, handles and closes them, and the enterprise sees the
// outcome of its own reports.
package supervision

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// Kinds of misconduct, as the guideline names them (四(四) 禁止“吃、拿、卡、要”).
var Kinds = []casework.Option{{Value: "extortion", Label: "吃拿卡要"}, {Value: "inaction", Label: "不作为"},
	{Value: "abuse", Label: "乱作为"}, {Value: "other", Label: "其他"}}

// Status of a report.
type Status string

// The statuses: open (filed) → handling (the supervisor took it up) → closed
// (with the outcome the enterprise sees).
const (
	Open     Status = "open"
	Handling Status = "handling"
	Closed   Status = "closed"
)

// Label is the Chinese name of the status.
func (s Status) Label() string {
	return map[Status]string{Open: "待处理", Handling: "处理中", Closed: "已办结"}[s]
}

// Report is one misconduct report.
type Report struct {
	ID           int64
	CaseID       int64
	CaseNumber   string // filled on read
	ProjectName  string // filled on read
	EnterpriseID int64
	MemberID     int64 // the enterprise user who filed it
	Kind         string
	Description  string
	Status       Status
	HandlerID    int64  // the supervisor who handles it
	Handling     string // the supervisor's handling notes (internal to the bureau)
	Outcome      string // the outcome the enterprise sees
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ClosedAt     *time.Time
}

// Filter selects reports; zero fields do not filter.
type Filter struct {
	Status   Status
	CaseID   int64
	MemberID int64
	Before   int64
	Limit    int
}

// Store keeps reports. Implemented by storage.
type Store interface {
	// InsertReport stores r with its audit record and sets r.ID.
	InsertReport(ctx context.Context, r *Report, rec *audit.Record) error
	// Report returns one report. Returns not_found.
	Report(ctx context.Context, id int64) (*Report, error)
	// ListReports returns at most f.Limit reports, newest first.
	ListReports(ctx context.Context, f Filter) ([]Report, error)
	// UpdateReport saves r if its stored status is still from, with rec.
	// Returns conflict when it moved.
	UpdateReport(ctx context.Context, r *Report, from Status, rec *audit.Record) error
}

// CaseAccess is the case visibility rule (cases.Service).
type CaseAccess interface {
	CanSee(ctx context.Context, v cases.Viewer, id int64) (*casework.Case, error)
}

// Service files and handles reports.
type Service struct {
	store Store
	cases CaseAccess
	trail audit.Store
	now   func() time.Time
	log   *slog.Logger
}

// New builds the service. now and log may be nil.
func New(store Store, cs CaseAccess, trail audit.Store, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, cases: cs, trail: trail, now: now, log: log}
}

func text(bad map[string]string, key, label, s string, max int, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		bad[key] = "请填写" + label
	case utf8.RuneCountInString(s) > max:
		bad[key] = label + "不能超过" + strconv.Itoa(max) + "个字"
	}
	return s
}

// File records an enterprise user's report about a case they may see.
// Errors: forbidden (not an enterprise user), not_found (case),
// unprocessable (kind, description).
func (s *Service) File(ctx context.Context, v cases.Viewer, caseID int64, kind, description string) (*Report, error) {
	if v.Role != casework.RoleEnterprise {
		return nil, s.deny(ctx, v, "report.file", "case:"+strconv.FormatInt(caseID, 10), "只有企业用户可以向监督部门反映问题")
	}
	c, err := s.cases.CanSee(ctx, v, caseID)
	if err != nil {
		return nil, err
	}
	bad := map[string]string{}
	kind = strings.TrimSpace(kind)
	valid := false
	for _, k := range Kinds {
		valid = valid || k.Value == kind
	}
	if !valid {
		bad["kind"] = "请选择反映的问题类型：吃拿卡要、不作为、乱作为或其他"
	}
	description = text(bad, "description", "问题描述", description, 2000, true)
	if err := errs.FieldErrors(bad); err != nil {
		return nil, err
	}
	now := s.now()
	r := &Report{CaseID: c.ID, CaseNumber: c.Number, ProjectName: c.Form.Project.Name, EnterpriseID: c.EnterpriseID,
		MemberID: v.ID, Kind: kind, Description: description, Status: Open, CreatedAt: now, UpdatedAt: now}
	if err := s.store.InsertReport(ctx, r, s.record(ctx, v, "report.file", "", audit.OK, "case="+strconv.FormatInt(c.ID, 10))); err != nil {
		return nil, err
	}
	return r, nil
}

// Mine lists the reports the enterprise user filed about a case, with
// their status and outcome (not the bureau's handling notes). Errors:
// forbidden, not_found.
func (s *Service) Mine(ctx context.Context, v cases.Viewer, caseID int64) ([]Report, error) {
	if v.Role != casework.RoleEnterprise {
		return nil, s.deny(ctx, v, "report.read", "case:"+strconv.FormatInt(caseID, 10), "无权查看")
	}
	if _, err := s.cases.CanSee(ctx, v, caseID); err != nil {
		return nil, err
	}
	list, err := s.store.ListReports(ctx, Filter{CaseID: caseID, MemberID: v.ID, Limit: 100})
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Handling, list[i].HandlerID = "", 0
	}
	return list, nil
}

// mayHandle: only the supervising bureau sees reports; every other staff
// role is refused (and the refusal audited).
func (s *Service) mayHandle(ctx context.Context, v cases.Viewer, action, obj string) error {
	if v.Role != casework.RoleSupervisor {
		return s.deny(ctx, v, action, obj, "监督反映仅由市政务服务数据管理局处理，无权查看")
	}
	return nil
}

// List returns one page of reports, newest first (supervisor). Errors:
// forbidden.
func (s *Service) List(ctx context.Context, v cases.Viewer, f Filter) ([]Report, error) {
	if err := s.mayHandle(ctx, v, "report.list", ""); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 101 {
		f.Limit = 20
	}
	return s.store.ListReports(ctx, f)
}

// Get returns one report (supervisor). Errors: forbidden, not_found.
func (s *Service) Get(ctx context.Context, v cases.Viewer, id int64) (*Report, error) {
	if err := s.mayHandle(ctx, v, "report.read", strconv.FormatInt(id, 10)); err != nil {
		return nil, err
	}
	return s.store.Report(ctx, id)
}

// Handle takes a report up (open → handling) or adds to its handling notes
// (handling). Errors: forbidden, not_found, conflict (closed),
// unprocessable (note).
func (s *Service) Handle(ctx context.Context, v cases.Viewer, id int64, note string) (*Report, error) {
	return s.move(ctx, v, id, "report.handle", func(r *Report, bad map[string]string) {
		note = text(bad, "note", "处理情况", note, 2000, true)
		if r.Handling != "" {
			note = r.Handling + "\n" + note
		}
		r.Handling, r.Status = note, Handling
	})
}

// Close ends a report with the outcome the enterprise sees. Errors:
// forbidden, not_found, conflict (closed), unprocessable (outcome).
func (s *Service) Close(ctx context.Context, v cases.Viewer, id int64, outcome string) (*Report, error) {
	return s.move(ctx, v, id, "report.close", func(r *Report, bad map[string]string) {
		r.Outcome = text(bad, "outcome", "处理结果", outcome, 2000, true)
		now := s.now()
		r.Status, r.ClosedAt = Closed, &now
	})
}

func (s *Service) move(ctx context.Context, v cases.Viewer, id int64, action string, change func(*Report, map[string]string)) (*Report, error) {
	if err := s.mayHandle(ctx, v, action, strconv.FormatInt(id, 10)); err != nil {
		return nil, err
	}
	r, err := s.store.Report(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.Status == Closed {
		return nil, errs.E(errs.Conflict, "该反映已办结，不能再修改")
	}
	from := r.Status
	bad := map[string]string{}
	change(r, bad)
	if err := errs.FieldErrors(bad); err != nil {
		return nil, err
	}
	r.HandlerID, r.UpdatedAt = v.ID, s.now()
	if err := s.store.UpdateReport(ctx, r, from, s.record(ctx, v, action, strconv.FormatInt(id, 10), audit.OK, string(r.Status))); err != nil {
		return nil, err
	}
	return r, nil
}

func (s *Service) record(ctx context.Context, v cases.Viewer, action, obj, result, detail string) *audit.Record {
	r := &audit.Record{ActorID: v.ID, ActorRole: string(v.Role), ActorName: v.Name, Action: action,
		ObjectType: "report", ObjectID: obj, Result: result, Detail: detail}
	audit.Fill(ctx, r, s.now())
	return r
}

func (s *Service) deny(ctx context.Context, v cases.Viewer, action, obj, msg string) error {
	if err := s.trail.Append(ctx, s.record(ctx, v, action, obj, audit.Denied, msg)); err != nil {
		s.log.Error("audit write failed", "err", err, "action", action)
	}
	return errs.E(errs.Forbidden, msg)
}
