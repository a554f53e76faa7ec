package members

import (
	"context"
	"time"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// UrgeInterval is how often an enterprise may urge one case (SPEC §3);
// the notifier enforces it.
const UrgeInterval = 24 * time.Hour

// UrgeResult says what an urge did.
type UrgeResult struct {
	Case         *casework.Case
	Overdue      bool      // the case is past its deadline
	Specialist   bool      // the specialist was reminded (one is assigned)
	HeadNotified bool      // the head was reminded: overdue, or no specialist yet
	Next         time.Time // the earliest time the case may be urged again
}

// Urge (催办) reminds the people working on a case the member may see: the
// specialist and, when the case is overdue or has no specialist yet, the head. One urge per case per
// UrgeInterval, whoever of the enterprise urges. Errors: not_found (not
// visible), conflict (the case is finished or waits for the enterprise's own
// materials), too_many (urged within the interval; the message says when it
// is possible again), unavailable.
func (s *Service) Urge(ctx context.Context, m *Member, caseID int64) (*UrgeResult, error) {
	v := m.Viewer()
	c, err := s.d.Cases.CanSee(ctx, v, caseID)
	if err != nil {
		return nil, err
	}
	switch {
	case c.Status == casework.NeedsInfo:
		return nil, errs.E(errs.Conflict, "案件正在等待您补充材料，请先补充材料")
	case !casework.Open(c.Status):
		return nil, errs.Ef(errs.Conflict, "案件当前状态为「%s」，无需催办", c.Status.Label())
	case s.d.Urged == nil:
		return nil, errs.E(errs.Unavailable, "催办服务暂不可用")
	}
	now := s.d.Now()
	if err := s.d.Urged.Urge(ctx, c, v.Actor); err != nil {
		return nil, err
	}
	// The notifier reminds the specialist, and the head when the case is
	// overdue or nobody is assigned yet.
	res := &UrgeResult{Case: c, Overdue: c.Overdue(now), Specialist: c.SpecialistID != 0, Next: now.Add(UrgeInterval)}
	res.HeadNotified = res.Overdue || !res.Specialist
	detail := "specialist"
	switch {
	case !res.Specialist:
		detail = "head (no specialist)"
	case res.Overdue:
		detail = "specialist+head (overdue)"
	}
	s.audit(ctx, v.Actor, "case.urge", "case", c.ID, audit.OK, detail)
	return res, nil
}
