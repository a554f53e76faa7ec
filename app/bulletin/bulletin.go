// Package bulletin keeps the 通报 of the supervising bureau (市政务服务数据管理局):
// findings about one approval department or about the center, for a period
// (审批不及时, overdue cases …). The supervisor records and reads them; the
// center head reads those about the center. A bulletin may cite case
// numbers (受理编号) — the supervisor sees numbers in the overdue list
// already — but never case content.
package bulletin

import (
	"context"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// Subject is what a bulletin is about.
type Subject string

// The subjects.
const (
	Center     Subject = "center"     // the 阳光代办 center
	Department Subject = "department" // one approval department
)

// Bulletin is one 通报.
type Bulletin struct {
	ID          int64
	Subject     Subject
	Department  string // when Subject is Department
	PeriodFrom  string // YYYY-MM-DD
	PeriodTo    string // YYYY-MM-DD
	Title       string
	Findings    string
	CaseNumbers []string
	CreatedByID int64
	CreatedBy   string
	CreatedAt   time.Time
}

// Input is what the supervisor types in.
type Input struct {
	Subject     string
	Department  string
	PeriodFrom  string
	PeriodTo    string
	Title       string
	Findings    string
	CaseNumbers []string
}

// Filter selects bulletins; zero fields do not filter.
type Filter struct {
	Subject    Subject
	Department string
	Before     int64 // cursor: ids below this
	Limit      int
}

// Store keeps bulletins. Implemented by storage.
type Store interface {
	// InsertBulletin stores b and its audit record in one transaction and
	// sets b.ID (and the record's ObjectID).
	InsertBulletin(ctx context.Context, b *Bulletin, rec *audit.Record) error
	// Bulletin returns one bulletin. Returns not_found.
	Bulletin(ctx context.Context, id int64) (*Bulletin, error)
	// ListBulletins lists bulletins newest first.
	ListBulletins(ctx context.Context, f Filter) ([]Bulletin, error)
	// KnownDepartment reports whether the department is listed and active
	// (or a liaison account belongs to it).
	KnownDepartment(ctx context.Context, name string) (bool, error)
}

// Service records and lists bulletins.
type Service struct {
	store Store
	trail audit.Store
	now   func() time.Time
	log   *slog.Logger
}

// New builds the service; now and log may be nil.
func New(store Store, trail audit.Store, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, trail: trail, now: now, log: log}
}

func (s *Service) record(ctx context.Context, v casework.Actor, action string, id int64, result, detail string) *audit.Record {
	r := &audit.Record{ActorID: v.ID, ActorRole: string(v.Role), ActorName: v.Name, Action: action,
		ObjectType: "bulletin", Result: result, Detail: detail}
	if id != 0 {
		r.ObjectID = strconv.FormatInt(id, 10)
	}
	audit.Fill(ctx, r, s.now())
	return r
}

func (s *Service) deny(ctx context.Context, v casework.Actor, action string, id int64, msg string) error {
	if err := s.trail.Append(ctx, s.record(ctx, v, action, id, audit.Denied, "role")); err != nil {
		s.log.Error("audit write failed", "action", action, "err", err)
	}
	return errs.E(errs.Forbidden, msg)
}

var caseNumberRe = regexp.MustCompile(`^YGDB-\d{4}-\d{6,}$`)

// Create records a bulletin (the supervisor only). Errors: forbidden,
// unprocessable (per field).
func (s *Service) Create(ctx context.Context, v casework.Actor, in Input) (*Bulletin, error) {
	if v.Role != casework.RoleSupervisor {
		return nil, s.deny(ctx, v, "bulletin.create", 0, "只有市政务服务数据管理局可以发布通报")
	}
	b := &Bulletin{Subject: Subject(strings.TrimSpace(in.Subject)), Department: strings.TrimSpace(in.Department),
		PeriodFrom: strings.TrimSpace(in.PeriodFrom), PeriodTo: strings.TrimSpace(in.PeriodTo),
		Title: strings.TrimSpace(in.Title), Findings: strings.TrimSpace(in.Findings),
		CreatedByID: v.ID, CreatedBy: v.Name, CreatedAt: s.now(), CaseNumbers: []string{}}
	bad := map[string]string{}
	switch b.Subject {
	case Center:
		if b.Department != "" {
			bad["department"] = "通报对象为中心时不填部门"
		}
	case Department:
		if b.Department == "" {
			bad["department"] = "请选择被通报的审批部门"
		} else if utf8.RuneCountInString(b.Department) > 100 {
			bad["department"] = "部门名称不能超过100个字"
		} else if ok, err := s.store.KnownDepartment(ctx, b.Department); err != nil {
			return nil, err
		} else if !ok {
			bad["department"] = "未找到该审批部门"
		}
	default:
		bad["subject"] = "通报对象只能是 center（阳光代办中心）或 department（审批部门）"
	}
	from, err1 := casework.ParseDate(b.PeriodFrom)
	to, err2 := casework.ParseDate(b.PeriodTo)
	switch {
	case err1 != nil:
		bad["period_from"] = "日期格式应为 YYYY-MM-DD"
	case err2 != nil:
		bad["period_to"] = "日期格式应为 YYYY-MM-DD"
	case to.Before(from):
		bad["period_to"] = "结束日期不能早于开始日期"
	case b.PeriodTo > casework.DateOf(s.now()):
		bad["period_to"] = "通报期间不能晚于今天"
	}
	switch n := utf8.RuneCountInString(b.Title); {
	case n == 0:
		bad["title"] = "请填写通报标题"
	case n > 200:
		bad["title"] = "标题不能超过200个字"
	}
	switch n := utf8.RuneCountInString(b.Findings); {
	case n == 0:
		bad["findings"] = "请填写通报内容（发现的问题）"
	case n > 10000:
		bad["findings"] = "通报内容不能超过10000个字"
	}
	if len(in.CaseNumbers) > 100 {
		bad["case_numbers"] = "最多引用100个受理编号"
	}
	seen := map[string]bool{}
	for i, n := range in.CaseNumbers {
		n = strings.ToUpper(strings.TrimSpace(n))
		if !caseNumberRe.MatchString(n) {
			bad["case_numbers["+strconv.Itoa(i)+"]"] = "受理编号格式应如 YGDB-2026-000123"
			continue
		}
		if !seen[n] {
			seen[n] = true
			b.CaseNumbers = append(b.CaseNumbers, n)
		}
	}
	if err := errs.FieldErrors(bad); err != nil {
		return nil, err
	}
	detail := string(b.Subject) + " " + b.Department + " " + b.PeriodFrom + "~" + b.PeriodTo
	if err := s.store.InsertBulletin(ctx, b, s.record(ctx, v, "bulletin.create", 0, audit.OK, detail)); err != nil {
		return nil, err
	}
	return b, nil
}

// List returns bulletins newest first: the supervisor sees every one, the
// head those about the center. Errors: forbidden.
func (s *Service) List(ctx context.Context, v casework.Actor, f Filter) ([]Bulletin, error) {
	switch v.Role {
	case casework.RoleSupervisor:
	case casework.RoleHead:
		if f.Subject == Department {
			return []Bulletin{}, nil
		}
		f.Subject, f.Department = Center, ""
	default:
		return nil, s.deny(ctx, v, "bulletin.list", 0, "当前角色无权查看通报")
	}
	if f.Limit <= 0 || f.Limit > 101 {
		f.Limit = 20
	}
	return s.store.ListBulletins(ctx, f)
}

// Get returns one bulletin the viewer may read. Errors: forbidden,
// not_found (also for a bulletin the head may not read).
func (s *Service) Get(ctx context.Context, v casework.Actor, id int64) (*Bulletin, error) {
	if v.Role != casework.RoleSupervisor && v.Role != casework.RoleHead {
		return nil, s.deny(ctx, v, "bulletin.read", id, "当前角色无权查看通报")
	}
	b, err := s.store.Bulletin(ctx, id)
	if err != nil {
		return nil, err
	}
	if v.Role == casework.RoleHead && b.Subject != Center {
		return nil, errs.E(errs.NotFound, "通报不存在")
	}
	return b, nil
}
