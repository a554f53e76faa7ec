// Package consult keeps the 咨询 records of the service window: questions
// from enterprises before or without an application (time, unit, person,
// phone, project, record, handler). A record may be linked to a case, whose
// 工作登记表 then shows it in its 咨询 section.
package consult

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
	"sunshine/app/idem"
)

// Record is one stored consultation.
type Record struct {
	casework.Consultation
	CaseID    int64 // 0: not linked to a case
	CreatedBy int64 // the staff member who entered it
	CreatedAt time.Time
}

// Filter selects consultations; zero fields do not filter.
type Filter struct {
	CaseID    int64
	CreatedBy int64
	Q         string // unit, person or project contains
	Before    int64  // cursor: ids below this
	Limit     int
}

// Store keeps consultations. Implemented by storage.
type Store interface {
	// CreateConsultation stores r with its audit record in one transaction
	// and sets r.ID.
	// With a key, the key is claimed in the same transaction
	// (idem.ErrTaken when another request claimed it).
	CreateConsultation(ctx context.Context, r *Record, a *audit.Record, key *idem.Key) error
	// IdempotencyKey finds a claimed key (idem.Store).
	IdempotencyKey(ctx context.Context, scope, owner, hash string) (fingerprint string, id int64, found bool, err error)
	// ConsultationByID returns one record. Returns not_found.
	ConsultationByID(ctx context.Context, id int64) (*Record, error)
	// ListConsultations returns at most f.Limit records, newest first.
	ListConsultations(ctx context.Context, f Filter) ([]Record, error)
}

// Input is a new consultation as entered by staff. At is RFC 3339,
// "2006-01-02 15:04" or a date (China time); empty means now.
type Input struct {
	At      string
	Unit    string
	Person  string
	Phone   string
	Project string
	Record  string
	Handler string // empty: the staff member entering it
	CaseID  int64
}

// Service records and lists consultations.
type Service struct {
	store Store
	cases *cases.Service
	trail audit.Store
	now   func() time.Time
	log   *slog.Logger
}

// New builds the service; cases decides who may see a linked case and trail
// receives the denials.
func New(store Store, cs *cases.Service, trail audit.Store, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, cases: cs, trail: trail, now: now, log: log}
}

// mayUse says who works with consultations: the window clerks, the
// specialists (who also advise enterprises) and the head.
func mayUse(r casework.Role) bool {
	return r == casework.RoleClerk || r == casework.RoleSpecialist || r == casework.RoleHead
}

func forbidden() error { return errs.E(errs.Forbidden, "当前角色无权使用咨询记录") }

// validate checks the input and returns the record and per-field messages.
func (in Input) validate(now time.Time) (casework.Consultation, map[string]string) {
	bad := map[string]string{}
	c := casework.Consultation{At: now, Unit: strings.TrimSpace(in.Unit), Person: strings.TrimSpace(in.Person),
		Phone: strings.TrimSpace(in.Phone), Project: strings.TrimSpace(in.Project),
		Record: strings.TrimSpace(in.Record), Handler: strings.TrimSpace(in.Handler)}
	if s := strings.TrimSpace(in.At); s != "" {
		t, err := casework.ParseTime(s)
		switch {
		case err != nil:
			bad["at"] = "咨询时间格式不正确（例如 2026-05-12 09:30）"
		case t.After(now.Add(time.Hour)):
			bad["at"] = "咨询时间不能晚于当前时间"
		default:
			c.At = t
		}
	}
	text := func(key, label, v string, required bool, max int) {
		switch {
		case v == "" && required:
			bad[key] = "请填写" + label
		case utf8.RuneCountInString(v) > max:
			bad[key] = label + "不能超过" + strconv.Itoa(max) + "个字"
		}
	}
	text("unit", "咨询单位", c.Unit, true, 200)
	text("person", "咨询人", c.Person, false, 50)
	text("project", "项目名称", c.Project, false, 200)
	text("record", "咨询记录", c.Record, true, 2000)
	text("handler", "经办人", c.Handler, false, 50)
	if c.Phone != "" && !phoneOK(c.Phone) {
		bad["phone"] = "咨询电话格式不正确（手机号11位，或区号-座机号）"
	}
	if in.CaseID < 0 {
		bad["case_id"] = "案件编号无效"
	}
	return c, bad
}

func phoneOK(s string) bool {
	if casework.MobileValid(s) {
		return true
	}
	digits := strings.ReplaceAll(s, "-", "")
	if len(digits) < 10 || len(digits) > 12 || s[0] != '0' || strings.Count(s, "-") > 1 {
		return false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
