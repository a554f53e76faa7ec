package casework_test

import (
	"slices"
	"testing"

	"sunshine/app/casework"
	"sunshine/app/casework/caseworktest"
	"sunshine/app/errs"
)

// agencyInService is a 代办 case in service whose originals were handed over.
func agencyInService(t *testing.T) *casework.Case {
	t.Helper()
	c := newCase(t)
	for _, st := range caseworktest.ToAgency() {
		mustApply(t, c, row(t, st.Action).Roles[0], st.Action, st.Payload, monday)
	}
	if !c.HoldsMaterials() {
		t.Fatalf("handover = %v: the center should hold materials", c.Registration.Assignment.Handover)
	}
	return c
}

// Issue 12 (1): reassignment from every status after assignment that is not
// final; a case nobody holds cannot be reassigned.
func TestReassignFromEveryHeldStatus(t *testing.T) {
	for _, s := range casework.Statuses {
		c := caseAt(t, s)
		held := c.SpecialistID != 0 && s != casework.Archived
		_, err := casework.Apply(c, actor(head), casework.Request{Action: casework.ActionReassign, Version: c.Version,
			Payload: rawPayload(t, validPayload(row(t, casework.ActionReassign), c))}, envAt(later))
		if held != (err == nil) {
			t.Errorf("reassign from %s (specialist %d): err %v", s, c.SpecialistID, err)
		}
		if held && c.Status != s {
			t.Errorf("reassign moved %s to %s", s, c.Status)
		}
	}
	c := caseAt(t, casework.Rejected)
	_, err := casework.Apply(c, actor(head), casework.Request{Action: casework.ActionReassign, Version: c.Version,
		Payload: rawPayload(t, map[string]any{"specialist_id": specialistA, "reason": "x"})}, envAt(later))
	wantCode(t, err, errs.Conflict)
	if slices.Contains(casework.Available(c, head), casework.ActionReassign) {
		t.Error("Available offers reassign on a case nobody holds")
	}
}

// Issue 12 (2, 7): a terminated 代办 case returns the materials, then is
// submitted and archived; 其他 closes like a termination.
func TestTerminatedAgencyCaseReturnsMaterials(t *testing.T) {
	for _, result := range []string{"terminated", "other"} {
		t.Run(result, func(t *testing.T) {
			c := agencyInService(t)
			mustApply(t, c, specialist, casework.ActionProposeClose, map[string]any{"result": result, "explanation": "企业决定暂缓建设"}, monday)
			ev := mustApply(t, c, head, casework.ActionSignOff, map[string]any{"opinion": "同意"}, monday)
			if c.Status != casework.Terminated || ev.PublicPayload()["explanation"] != "企业决定暂缓建设" {
				t.Fatalf("status %s, public %v", c.Status, ev.PublicPayload())
			}
			_, err := casework.Apply(c, actor(specialist), casework.Request{Action: casework.ActionSubmitArchive, Version: c.Version,
				Payload: rawPayload(t, map[string]any{"materials": []string{"登记表"}})}, envAt(later))
			wantCode(t, err, errs.Conflict)
			if slices.Contains(casework.Available(c, specialist), casework.ActionSubmitArchive) {
				t.Error("Available offers submit_archive while materials are held")
			}
			mustApply(t, c, specialist, casework.ActionDeliver, map[string]any{"method": "in_person", "signed_by": "李四"}, monday)
			if c.Status != casework.Delivered || !c.Registration.Delivery.Returned {
				t.Fatalf("after deliver: %s, delivery %+v", c.Status, c.Registration.Delivery)
			}
			if !c.Rateable() {
				t.Error("a terminated case delivered back is not rateable")
			}
			mustApply(t, c, specialist, casework.ActionSubmitArchive, map[string]any{"materials": []string{"登记表"}}, monday)
			mustApply(t, c, head, casework.ActionArchive, map[string]any{}, monday)
			if c.Status != casework.Archived || c.Registration.Closure.Result != result {
				t.Errorf("status %s result %q", c.Status, c.Registration.Closure.Result)
			}
		})
	}
}

// Issue 12 (6): withdrawal after assignment needs a reason, and its
// materials go back through deliver; the case is never rateable.
func TestWithdrawAfterAssignment(t *testing.T) {
	c := agencyInService(t)
	_, err := casework.Apply(c, actor(enterprise), casework.Request{Action: casework.ActionWithdraw, Version: c.Version}, envAt(later))
	wantField(t, err, "reason")
	mustApply(t, c, enterprise, casework.ActionWithdraw, map[string]any{"reason": "企业自行办理"}, monday)
	w := c.Registration.Withdrawal
	if c.Status != casework.Withdrawn || w == nil || w.Reason != "企业自行办理" || w.From != casework.InService {
		t.Fatalf("status %s withdrawal %+v", c.Status, w)
	}
	if c.Overdue(monday.AddDate(1, 0, 0)) {
		t.Error("the clock still runs after the withdrawal")
	}
	mustApply(t, c, specialist, casework.ActionDeliver, map[string]any{"method": "mail", "tracking_no": "EMS1"}, monday)
	mustApply(t, c, enterprise, casework.ActionConfirmReceipt, map[string]any{}, monday)
	if c.Rateable() {
		t.Error("a withdrawn case is rateable")
	}
	_, _, err = casework.Rate(c, actor(enterprise), 5, "", "enterprise", 0, monday)
	wantCode(t, err, errs.Conflict)
	mustApply(t, c, specialist, casework.ActionSubmitArchive, map[string]any{"materials": []string{"登记表"}}, monday)

	// Before assignment: no reason needed, nothing to deliver.
	early := caseAt(t, casework.Reviewing)
	mustApply(t, early, enterprise, casework.ActionWithdraw, map[string]any{}, monday)
	_, err = casework.Apply(early, actor(specialist), casework.Request{Action: casework.ActionDeliver, Version: early.Version,
		Payload: rawPayload(t, map[string]any{"method": "in_person", "signed_by": "李四"})}, envAt(later))
	wantCode(t, err, errs.Conflict)
}

// Issue 12 (4): the specialist records the receipt with the tracking proof.
func TestConfirmReceiptBySpecialistNeedsProof(t *testing.T) {
	c := caseAt(t, casework.Delivering)
	before := deepCopy(c)
	_, err := casework.Apply(c, actor(specialist), casework.Request{Action: casework.ActionConfirmReceipt, Version: c.Version}, envAt(later))
	wantField(t, err, "proof")
	assertUnchanged(t, c, before)
	mustApply(t, c, specialist, casework.ActionConfirmReceipt, map[string]any{"proof": "EMS官网查询：2026-03-05 本人签收"}, monday)
	if d := c.Registration.Delivery; d.Proof == "" || d.ConfirmedAt == nil {
		t.Errorf("delivery = %+v", d)
	}
	e := caseAt(t, casework.Delivering)
	mustApply(t, e, specialist, casework.ActionConfirmReceipt, map[string]any{"attachment_id": 12}, monday)
	if e.Registration.Delivery.ProofAttachment != 12 {
		t.Errorf("proof attachment = %d", e.Registration.Delivery.ProofAttachment)
	}
}

// Issue 12 (5): a paper rating carries its scan; a rated case refuses it.
func TestPaperRating(t *testing.T) {
	c := caseAt(t, casework.Delivered)
	_, _, err := casework.Rate(c, actor(clerk), 4, "", "paper", 0, monday)
	wantField(t, err, "attachment_id")
	if _, _, err := casework.Rate(c, actor(clerk), 4, "", "paper", 31, monday); err != nil {
		t.Fatal(err)
	}
	if c.Rating.Source != "paper" || c.Rating.AttachmentID != 31 {
		t.Errorf("rating = %+v", c.Rating)
	}
	r := caseAt(t, casework.Delivered)
	if _, _, err := casework.Rate(r, actor(enterprise), 5, "", "enterprise", 0, monday); err != nil {
		t.Fatal(err)
	}
	_, _, err = casework.Rate(r, actor(clerk), 1, "", "paper", 31, monday)
	wantCode(t, err, errs.Conflict)
	if r.Rating.Score != 5 || r.Rating.Source != "enterprise" {
		t.Errorf("the enterprise's rating was replaced: %+v", r.Rating)
	}
}
