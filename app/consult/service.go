package consult

import (
	"context"
	"strconv"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/idem"
)

// Create records a consultation. With a case id the viewer must be able to
// see that case (else not_found), and the case's 咨询 section shows the
// record. Errors: forbidden, unprocessable, not_found.
func (s *Service) Create(ctx context.Context, v cases.Viewer, in Input) (*Record, error) {
	r, _, err := s.CreateOnce(ctx, v, in, nil)
	return r, err
}

// CreateOnce is Create with an Idempotency-Key (nil: none): a replay of the
// same input returns the first record (replayed true); the same key with
// another input is refused (unprocessable).
func (s *Service) CreateOnce(ctx context.Context, v cases.Viewer, in Input, key *idem.Key) (*Record, bool, error) {
	if !mayUse(v.Role) {
		s.audit(ctx, v, 0, audit.Denied, "role")
		return nil, false, forbidden()
	}
	if key != nil {
		k := *key
		k.Scope, k.Fingerprint = idem.ScopeConsultation, idem.Fingerprint(in)
		key = &k
	}
	var created *Record
	id, replayed, err := idem.Do(ctx, s.store, key, func() (int64, error) {
		r, err := s.create(ctx, v, in, key)
		if err != nil {
			return 0, err
		}
		created = r
		return r.ID, nil
	})
	if err != nil || !replayed {
		return created, false, err
	}
	r, err := s.store.ConsultationByID(ctx, id)
	return r, true, err
}

func (s *Service) create(ctx context.Context, v cases.Viewer, in Input, key *idem.Key) (*Record, error) {
	if !mayUse(v.Role) {
		s.audit(ctx, v, 0, audit.Denied, "role")
		return nil, forbidden()
	}
	now := s.now()
	c, bad := in.validate(now)
	if err := errs.FieldErrors(bad); err != nil {
		return nil, err
	}
	if in.CaseID != 0 {
		if _, err := s.cases.CanSee(ctx, v, in.CaseID); err != nil {
			if errs.Is(err, errs.NotFound) {
				return nil, &errs.Error{Code: errs.Unprocessable, Message: "提交的内容有误，请检查标注的字段",
					Fields: map[string]string{"case_id": "案件不存在"}}
			}
			return nil, err
		}
	}
	if c.Handler == "" {
		c.Handler = v.Name
	}
	r := &Record{Consultation: c, CaseID: in.CaseID, CreatedBy: v.ID, CreatedAt: now}
	a := s.record(ctx, v, 0, audit.OK, "")
	if in.CaseID != 0 {
		a.Detail = "case " + strconv.FormatInt(in.CaseID, 10)
	}
	if err := s.store.CreateConsultation(ctx, r, a, key); err != nil {
		return nil, err
	}
	return r, nil
}

// Get returns one consultation: the clerk and the head see every record, a
// specialist those they entered or linked to a case they see. Errors:
// forbidden, not_found.
func (s *Service) Get(ctx context.Context, v cases.Viewer, id int64) (*Record, error) {
	if !mayUse(v.Role) {
		s.audit(ctx, v, id, audit.Denied, "role")
		return nil, forbidden()
	}
	r, err := s.store.ConsultationByID(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Wrap(errs.NotFound, "咨询记录不存在", err)
	}
	if err != nil {
		return nil, err
	}
	if v.Role == casework.RoleSpecialist && r.CreatedBy != v.ID {
		if r.CaseID == 0 {
			return nil, errs.E(errs.NotFound, "咨询记录不存在")
		}
		if _, err := s.cases.CanSee(ctx, v, r.CaseID); err != nil {
			if errs.Is(err, errs.NotFound) {
				return nil, errs.E(errs.NotFound, "咨询记录不存在")
			}
			return nil, err
		}
	}
	return r, nil
}

// List returns one page, newest first. A specialist gets the records they
// entered, or those of one case they see (f.CaseID). Errors: forbidden,
// not_found (a case the viewer may not see).
func (s *Service) List(ctx context.Context, v cases.Viewer, f Filter) ([]Record, error) {
	if !mayUse(v.Role) {
		s.audit(ctx, v, 0, audit.Denied, "role")
		return nil, forbidden()
	}
	switch {
	case f.CaseID != 0:
		if _, err := s.cases.CanSee(ctx, v, f.CaseID); err != nil {
			return nil, err
		}
	case v.Role == casework.RoleSpecialist:
		f.CreatedBy = v.ID
	}
	if f.Limit <= 0 || f.Limit > 101 {
		f.Limit = 20
	}
	return s.store.ListConsultations(ctx, f)
}

func (s *Service) record(ctx context.Context, v cases.Viewer, id int64, result, detail string) *audit.Record {
	r := &audit.Record{ActorID: v.ID, ActorRole: string(v.Role), ActorName: v.Name, Action: "consultation.create",
		ObjectType: "consultation", Result: result, Detail: detail}
	if id != 0 {
		r.ObjectID = strconv.FormatInt(id, 10)
	}
	audit.Fill(ctx, r, s.now())
	return r
}

// audit appends a denial outside any transaction; a failure is logged.
func (s *Service) audit(ctx context.Context, v cases.Viewer, id int64, result, detail string) {
	r := s.record(ctx, v, id, result, detail)
	r.Action = "consultation.access"
	if err := s.trail.Append(ctx, r); err != nil {
		s.log.Error("audit write failed", "err", err)
	}
}

// RevealPhone returns the full phone number of a record to a reader who may
// see it (masked everywhere else); every reveal is audited before the
// number is returned. Errors: those of Get, unavailable (not audited).
func (s *Service) RevealPhone(ctx context.Context, v cases.Viewer, id int64) (string, error) {
	r, err := s.Get(ctx, v, id)
	if err != nil {
		return "", err
	}
	rec := s.record(ctx, v, id, audit.OK, "phone")
	rec.Action = "consultation.reveal"
	if err := s.trail.Append(ctx, rec); err != nil {
		return "", err
	}
	return r.Phone, nil
}
