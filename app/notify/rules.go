package notify

import (
	"context"

	"sunshine/app/casework"
)

// The notification rules of SPEC §4 as data: per workflow action (and an
// optional condition on the case and event), the notices to the enterprise
// and to which staff. An action without a matching rule tells the
// enterprise when its stage moved.

type entNote struct {
	msg   func(c *casework.Case, ev *casework.Event) note
	delay bool // after the other notices of the action (RatingInviteDelay)
}

type staffRuleNote struct {
	to  audience
	msg func(c *casework.Case, ev *casework.Event) note
}

// audience resolves the staff ids a notice goes to.
type audience func(ctx context.Context, s *Service, c *casework.Case, ev *casework.Event) ([]int64, error)

type rule struct {
	action     casework.Action
	when       func(c *casework.Case, ev *casework.Event) bool
	enterprise []entNote
	staff      []staffRuleNote
}

func always(m func(*casework.Case) note) func(*casework.Case, *casework.Event) note {
	return func(c *casework.Case, _ *casework.Event) note { return m(c) }
}

// Audiences.
var (
	toSpecialist audience = func(_ context.Context, _ *Service, c *casework.Case, _ *casework.Event) ([]int64, error) {
		return []int64{c.SpecialistID}, nil
	}
	toPreviousSpecialist audience = func(_ context.Context, _ *Service, _ *casework.Case, ev *casework.Event) ([]int64, error) {
		id, _ := ev.Payload["previous_specialist_id"].(int64)
		if f, ok := ev.Payload["previous_specialist_id"].(float64); ok {
			id = int64(f)
		}
		return []int64{id}, nil
	}
	toHeads audience = func(ctx context.Context, s *Service, _ *casework.Case, _ *casework.Event) ([]int64, error) {
		return s.d.Store.StaffWithRole(ctx, casework.RoleHead, "")
	}
	// toRequester: the specialist, or at intake the clerk who asked for the
	// materials.
	toRequester audience = func(ctx context.Context, s *Service, c *casework.Case, _ *casework.Event) ([]int64, error) {
		if c.SpecialistID != 0 {
			return []int64{c.SpecialistID}, nil
		}
		id, err := s.d.Store.LastActorOf(ctx, c.ID, casework.ActionRequestInfo)
		return []int64{id}, err
	}
)

func completedUnrated(c *casework.Case) bool {
	return c.Registration.Closure.Result == "completed" && c.Rateable() && c.Rating == nil
}

var rules = []rule{
	{action: casework.ActionAccept, enterprise: []entNote{{msg: always(msgAccepted)}}},
	{action: casework.ActionRequestInfo, enterprise: []entNote{{msg: msgNeedsInfo}}},
	{action: casework.ActionReject, enterprise: []entNote{{msg: msgRejected}}},
	{action: casework.ActionAssign, enterprise: []entNote{{msg: always(msgAssigned)}},
		staff: []staffRuleNote{{toSpecialist, always(msgNewCase)}}},
	{action: casework.ActionReassign, enterprise: []entNote{{msg: always(msgAssigned)}},
		staff: []staffRuleNote{{toSpecialist, always(msgNewCase)}, {toPreviousSpecialist, msgReassignedAway}}},
	{action: casework.ActionSupplement, staff: []staffRuleNote{{toRequester, msgSupplemented}}},
	// issue 12 (3): the enterprise hears of every change of its deadline.
	{action: casework.ActionSuspend, enterprise: []entNote{{msg: msgDeadlineChanged}}},
	{action: casework.ActionResume, enterprise: []entNote{{msg: msgDeadlineChanged}}},
	{action: casework.ActionExtend, enterprise: []entNote{{msg: msgDeadlineChanged}}},
	// issue 12 (2): a termination names its reason and the head's opinion.
	{action: casework.ActionSignOff, when: func(c *casework.Case, _ *casework.Event) bool { return c.Status == casework.Terminated },
		enterprise: []entNote{{msg: always(msgTerminated)}, {msg: always(msgRatingInvite), delay: true}}},
	{action: casework.ActionSignOff, when: func(c *casework.Case, _ *casework.Event) bool { return c.Status == casework.Completed },
		enterprise: []entNote{{msg: always(msgStage)}}},
	// issue 12 (6): a withdrawal after assignment reaches the specialist and the head.
	{action: casework.ActionWithdraw, when: func(c *casework.Case, _ *casework.Event) bool { return c.SpecialistID != 0 },
		staff: []staffRuleNote{{toSpecialist, msgWithdrawn}, {toHeads, msgWithdrawn}}},
	{action: casework.ActionWithdraw}, // before assignment: the enterprise did it itself
	{action: casework.ActionDeliver, enterprise: []entNote{{msg: always(msgDelivered)}}},
	// The rating invitation of a 办结 case follows its delivery (a
	// terminated case was invited at sign-off; a withdrawn one never is).
	{action: casework.ActionDeliver, when: func(c *casework.Case, ev *casework.Event) bool {
		return ev.Status == casework.Delivered && completedUnrated(c)
	}, enterprise: []entNote{{msg: always(msgRatingInvite), delay: true}}},
	{action: casework.ActionConfirmReceipt, when: func(c *casework.Case, _ *casework.Event) bool { return completedUnrated(c) },
		enterprise: []entNote{{msg: always(msgRatingInvite)}}},
	{action: casework.ActionConfirmReceipt},
	{action: casework.ActionRate, when: func(c *casework.Case, _ *casework.Event) bool { return c.Rating != nil && c.Rating.Score <= 2 },
		staff: []staffRuleNote{{toHeads, always(msgLowRating)}}},
	{action: casework.ActionRate},
}
