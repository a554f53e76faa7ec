package notify

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"sunshine/app/cases"
	"sunshine/app/casework"
)

// RatingInviteDelay puts the rating invitation after the delivery notice
// written in the same action.
const RatingInviteDelay = time.Minute

// Hook is the cases.Hook of the outbox: register it with
// cases.Service.OnEvent. Inside the action's transaction it writes one row
// (and one inbox entry) per recipient of every event the action causes; an
// error rolls the action back, so an action never commits without its
// notifications.
func (s *Service) Hook(ctx context.Context, tx cases.Tx, c *casework.Case, ev *casework.Event) error {
	items, err := s.plan(ctx, c, ev)
	if err != nil || len(items) == 0 {
		return err
	}
	if err := tx.Outbox(items); err != nil {
		return err
	}
	s.wake.Notify()
	return nil
}

// plan decides who hears of an event (SPEC §4) from the rules table:
// enterprise notices go to the submitter and the verified members of the
// enterprise, staff notices to the audiences of the rule.
func (s *Service) plan(ctx context.Context, c *casework.Case, ev *casework.Event) ([]cases.Notification, error) {
	var ent []note
	type staffNote struct {
		ids []int64
		n   note
	}
	var staff []staffNote
	matched := false
	for _, r := range rules {
		if r.action != ev.Action || (r.when != nil && !r.when(c, ev)) {
			continue
		}
		matched = true
		for _, m := range r.enterprise {
			n := m.msg(c, ev)
			if m.delay {
				n.notBefore = ev.At.Add(RatingInviteDelay)
			}
			ent = append(ent, n)
		}
		for _, m := range r.staff {
			ids, err := m.to(ctx, s, c, ev)
			if err != nil {
				return nil, err
			}
			staff = append(staff, staffNote{ids, m.msg(c, ev)})
		}
	}
	stageMoved := casework.StageOf(ev.FromStatus) != casework.StageOf(ev.Status) && ev.FromStatus != ""
	if !matched && stageMoved {
		ent = append(ent, msgStage(c))
	}

	var out []cases.Notification
	if len(ent) > 0 {
		members, err := s.enterpriseRecipients(ctx, c)
		if err != nil {
			return nil, err
		}
		for _, n := range ent {
			for _, id := range members {
				out = append(out, s.address(c, ev, n, MemberRecipient(id)))
			}
		}
	}
	for _, st := range staff {
		for _, id := range uniqueIDs(st.ids) {
			if ev.ActorRole.IsStaff() && id == ev.ActorID {
				continue // nobody is reminded of their own action
			}
			out = append(out, s.address(c, ev, st.n, StaffRecipient(id)))
		}
	}
	if h, ok := hotlineClosed(c, ev); ok {
		out = append(out, h)
	}
	return out, nil
}

// address makes a note a row for one recipient.
func (s *Service) address(c *casework.Case, ev *casework.Event, n note, to string) cases.Notification {
	p := baseValues(c, ev.At)
	maps.Copy(p, n.values)
	p["title"], p["body"], p["page"] = n.title, n.body, casePage(c.ID)
	kind, _, _ := ParseRecipient(to)
	return cases.Notification{Event: n.event, CaseID: c.ID, Recipient: to, Channels: planFor(kind),
		Title: n.title, Body: n.body, Page: casePage(c.ID), Payload: p, At: ev.At, NotBefore: n.notBefore,
		DedupKey: fmt.Sprintf("%s:case:%d:ev:%d:%s", n.event, c.ID, ev.ID, to)}
}

// enterpriseRecipients are the submitter and the verified members of the
// case's enterprise (for staff intake: the registered enterprise with the
// form's credit code).
func (s *Service) enterpriseRecipients(ctx context.Context, c *casework.Case) ([]int64, error) {
	code := ""
	if c.EnterpriseID == 0 {
		code = c.Form.Enterprise.CreditCode
	}
	ids, err := s.d.Store.EnterpriseMembers(ctx, c.EnterpriseID, code)
	if err != nil {
		return nil, err
	}
	return uniqueIDs(append(ids, c.SubmitterID)), nil
}

// hotlineClosed is the result callback of a hotline case that closed.
func hotlineClosed(c *casework.Case, ev *casework.Event) (cases.Notification, bool) {
	if c.HotlineOrder == "" || ev.FromStatus == ev.Status {
		return cases.Notification{}, false
	}
	switch ev.Status {
	case casework.Completed, casework.Terminated, casework.Rejected, casework.Withdrawn:
	default:
		return cases.Notification{}, false
	}
	explanation := c.Registration.Closure.Explanation
	if ev.Status == casework.Rejected || ev.Status == casework.Withdrawn {
		explanation = str(ev.Payload, "reason")
	}
	p := map[string]any{
		"order_no": c.HotlineOrder, "case_number": c.Number, "status": string(ev.Status),
		"status_label": ev.Status.Label(), "result": c.Registration.Closure.Result, "explanation": explanation,
		"opinion": c.Registration.Closure.Opinion, "closed_at": ev.At.In(casework.ChinaTime).Format(time.RFC3339),
	}
	return cases.Notification{Event: EventHotlineClosed, CaseID: c.ID, Recipient: HotlineRecipient(c.HotlineOrder),
		Channels: planFor(KindHotline), Payload: p, At: ev.At,
		DedupKey: fmt.Sprintf("%s:case:%d", EventHotlineClosed, c.ID)}, true
}

func uniqueIDs(ids []int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id > 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}
