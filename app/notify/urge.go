package notify

import (
	"context"
	"fmt"
	"time"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// UrgeInterval is how often an enterprise may urge one case (SPEC §3).
const UrgeInterval = 24 * time.Hour

// Urge records an enterprise's 催办 and reminds the specialist — and the
// head(s) too when the case is overdue, or alone while no specialist is
// assigned. Urging is not a workflow action: the mini-program API calls
// this after checking that the member may see the case (cases.Service.Get).
// The rows are the record of the urge: a second urge within UrgeInterval,
// even a concurrent one on another instance, is refused.
// Errors: too_many (urged within 24 h), conflict (case finished).
func (s *Service) Urge(ctx context.Context, c *casework.Case, by casework.Actor) error {
	now := s.now()
	if !casework.Open(c.Status) {
		return errs.Ef(errs.Conflict, "案件当前状态为「%s」，无需催办", c.Status.Label())
	}
	last, err := s.d.Store.LastOf(ctx, c.ID, EventUrged)
	if err != nil {
		return err
	}
	var after int64
	if last != nil {
		after = last.ID
		if again := last.CreatedAt.Add(UrgeInterval); now.Before(again) {
			return tooSoon(again)
		}
	}
	overdue := c.Overdue(now)
	var to []int64
	if c.SpecialistID != 0 {
		to = append(to, c.SpecialistID)
	}
	if overdue || c.SpecialistID == 0 {
		heads, err := s.d.Store.StaffWithRole(ctx, casework.RoleHead, "")
		if err != nil {
			return err
		}
		to = append(to, heads...)
	}
	n := msgUrged(c, overdue)
	ev := &casework.Event{CaseID: c.ID, At: now, ActorID: by.ID, ActorRole: by.Role, ActorName: by.Name}
	var items []cases.Notification
	for _, id := range uniqueIDs(to) {
		item := s.address(c, ev, n, StaffRecipient(id))
		item.DedupKey = fmt.Sprintf("%s:case:%d:after:%d:%s", EventUrged, c.ID, after, item.Recipient)
		items = append(items, item)
	}
	if len(items) == 0 {
		return nil
	}
	stored, err := s.d.Store.Enqueue(ctx, items, now)
	if err != nil {
		return err
	}
	if stored == 0 { // another instance recorded the same urge first
		return tooSoon(now.Add(UrgeInterval))
	}
	s.wake.Notify()
	return nil
}

func tooSoon(again time.Time) error {
	return errs.Ef(errs.TooMany, "每个案件24小时内只能催办一次，请于 %s 后再试",
		again.In(casework.ChinaTime).Format("2006-01-02 15:04"))
}
