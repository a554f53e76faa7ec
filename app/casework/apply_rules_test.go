package casework_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"sunshine/app/casework"
	"sunshine/app/errs"
)

// apply runs one action with an explicit payload and returns the event and
// the error, for the tests of the conditional rules.
func apply(t *testing.T, c *casework.Case, role casework.Role, a casework.Action, payload map[string]any) (*casework.Event, error) {
	t.Helper()
	return casework.Apply(c, actor(role), casework.Request{Action: a, Version: c.Version, Payload: rawPayload(t, payload)}, envAt(later))
}

func TestApplySignOff(t *testing.T) {
	for _, tc := range []struct {
		result string
		want   casework.Status
	}{
		{"completed", casework.Completed},
		{"terminated", casework.Terminated},
	} {
		t.Run("sign_off_gives_"+tc.result, func(t *testing.T) {
			c := caseAt(t, casework.InService)
			mustApply(t, c, specialist, casework.ActionProposeClose, map[string]any{"result": tc.result, "explanation": "说明"}, monday)
			if got, want := c.Status, casework.Closing; got != want {
				t.Fatalf("after propose_close status = %s, want %s", got, want)
			}
			ev := mustApply(t, c, head, casework.ActionSignOff, map[string]any{"opinion": "同意"}, monday)
			if got := c.Status; got != tc.want {
				t.Errorf("status = %s, want %s", got, tc.want)
			}
			if ev.Status != tc.want || ev.FromStatus != casework.Closing {
				t.Errorf("event %s → %s, want closing → %s", ev.FromStatus, ev.Status, tc.want)
			}
			if got := ev.PublicPayload()["result"]; got != tc.result {
				t.Errorf("public payload result = %v, want %s", got, tc.result)
			}
			cl := c.Registration.Closure
			if cl.Result != tc.result || cl.Opinion != "同意" || cl.Head != actor(head).Name || cl.SignedAt == nil {
				t.Errorf("closure = %+v", cl)
			}
		})
	}

	t.Run("reopen_returns_to_service", func(t *testing.T) {
		c := caseAt(t, casework.Closing)
		mustApply(t, c, head, casework.ActionReopen, map[string]any{"reason": "材料不全"}, monday)
		if got, want := c.Status, casework.InService; got != want {
			t.Errorf("status = %s, want %s", got, want)
		}
	})
}

func TestApplyDeliver(t *testing.T) {
	for _, tc := range []struct {
		name    string
		payload map[string]any
		want    casework.Status
		field   string // non-empty: refused with 422 on this field
	}{
		{"mail_goes_to_delivering", map[string]any{"method": "mail", "tracking_no": "SF123456"}, casework.Delivering, ""},
		{"mail_requires_tracking_no", map[string]any{"method": "mail", "signed_by": "张三"}, "", "tracking_no"},
		{"mail_blank_tracking_no", map[string]any{"method": "mail", "tracking_no": "  "}, "", "tracking_no"},
		{"in_person_goes_to_delivered", map[string]any{"method": "in_person", "signed_by": "张三"}, casework.Delivered, ""},
		{"in_person_requires_signed_by", map[string]any{"method": "in_person", "tracking_no": "SF1"}, "", "signed_by"},
		{"requires_method", map[string]any{"tracking_no": "SF1"}, "", "method"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := caseAt(t, casework.Completed)
			before := deepCopy(c)
			ev, err := apply(t, c, specialist, casework.ActionDeliver, tc.payload)
			if tc.field != "" {
				wantField(t, err, tc.field)
				assertUnchanged(t, c, before)
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v (%v)", err, errs.FieldsOf(err))
			}
			if c.Status != tc.want || ev.Status != tc.want {
				t.Errorf("status = %s (event %s), want %s", c.Status, ev.Status, tc.want)
			}
			d := c.Registration.Delivery
			if d.Method != tc.payload["method"] || d.At == nil {
				t.Errorf("delivery = %+v", d)
			}
			if confirmed := d.ConfirmedAt != nil; confirmed != (tc.want == casework.Delivered) {
				t.Errorf("confirmed = %v for %s", confirmed, tc.want)
			}
		})
	}

	for _, role := range []casework.Role{enterprise, specialist} {
		t.Run("mail_then_confirm_receipt_as_"+string(role), func(t *testing.T) {
			c := caseAt(t, casework.Delivering)
			ev := mustApply(t, c, role, casework.ActionConfirmReceipt, nil, monday)
			if c.Status != casework.Delivered || !ev.Public {
				t.Errorf("status = %s public = %v, want delivered, public", c.Status, ev.Public)
			}
			if d := c.Registration.Delivery; d.ConfirmedAt == nil || d.ConfirmedBy != actor(role).Name {
				t.Errorf("delivery = %+v", d)
			}
		})
	}
}

func TestApplyStartHandover(t *testing.T) {
	for _, tc := range []struct {
		name        string
		serviceType string
		handover    []string
		ok          bool
	}{
		{"agency_requires_handover", "agency", nil, false},
		{"agency_blank_handover", "agency", []string{" "}, false},
		{"agency_with_handover", "agency", []string{"营业执照复印件", "授权委托书"}, true},
		{"assist_without_handover", "assist", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCase(t)
			mustApply(t, c, clerk, casework.ActionAccept, map[string]any{"service_type": tc.serviceType}, monday)
			mustApply(t, c, clerk, casework.ActionPassReview, nil, monday)
			mustApply(t, c, head, casework.ActionAssign, nil, monday)
			if got := c.ServiceType; got != tc.serviceType {
				t.Fatalf("service type = %q, want %q", got, tc.serviceType)
			}
			before := deepCopy(c)
			p := map[string]any{}
			if tc.handover != nil {
				p["handover"] = tc.handover
			}
			_, err := apply(t, c, specialist, casework.ActionStart, p)
			if !tc.ok {
				wantField(t, err, "handover")
				assertUnchanged(t, c, before)
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v (%v)", err, errs.FieldsOf(err))
			}
			as := c.Registration.Assignment
			if c.Status != casework.InService || as.StartedAt == nil || as.Receiver != actor(specialist).Name {
				t.Errorf("status %s, assignment %+v", c.Status, as)
			}
			if want := tc.handover; !slices.Equal(as.Handover, want) {
				t.Errorf("handover = %v, want %v", as.Handover, want)
			}
		})
	}
}

func TestApplySpecialist(t *testing.T) {
	for _, tc := range []struct {
		name   string
		action casework.Action
		from   casework.Status
		id     int64
		ok     bool
	}{
		{"assign_unknown_specialist", casework.ActionAssign, casework.MeetingReview, unknownID, false},
		{"assign_known_specialist", casework.ActionAssign, casework.MeetingReview, specialistB, true},
		{"reassign_unknown_specialist", casework.ActionReassign, casework.Assigned, unknownID, false},
		{"reassign_same_specialist", casework.ActionReassign, casework.Assigned, specialistA, false},
		{"reassign_other_specialist", casework.ActionReassign, casework.Assigned, specialistB, true},
		{"reassign_in_service_unknown", casework.ActionReassign, casework.InService, unknownID, false},
		{"reassign_in_service", casework.ActionReassign, casework.InService, specialistB, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := caseAt(t, tc.from)
			before := deepCopy(c)
			p := validPayload(row(t, tc.action), c)
			p["specialist_id"] = tc.id
			ev, err := apply(t, c, head, tc.action, p)
			if !tc.ok {
				wantField(t, err, "specialist_id")
				assertUnchanged(t, c, before)
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v (%v)", err, errs.FieldsOf(err))
			}
			if c.SpecialistID != tc.id || c.Specialist != staff[tc.id] || c.Registration.Assignment.Specialist != staff[tc.id] {
				t.Errorf("specialist = %d %q / %q, want %d %q", c.SpecialistID, c.Specialist, c.Registration.Assignment.Specialist, tc.id, staff[tc.id])
			}
			if got := ev.PublicPayload()["specialist"]; got != staff[tc.id] {
				t.Errorf("public payload specialist = %v, want %q", got, staff[tc.id])
			}
		})
	}
}

func TestApplyRecordPublicFlag(t *testing.T) {
	for _, tc := range []struct {
		name    string
		from    casework.Status
		role    casework.Role
		payload map[string]any
		public  bool
	}{
		{"public_true", casework.InService, specialist, map[string]any{"note": "已向住建局递交材料", "public": true}, true},
		{"public_false", casework.InService, specialist, map[string]any{"note": "内部：部门负责人出差", "public": false}, false},
		{"public_absent_is_internal", casework.InService, liaison, map[string]any{"note": "内部备注"}, false},
		{"while_suspended", casework.Suspended, liaison, map[string]any{"note": "等待企业补件", "public": true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := caseAt(t, tc.from)
			ev := mustApply(t, c, tc.role, casework.ActionRecord, tc.payload, monday)
			if ev.Public != tc.public {
				t.Errorf("public = %v, want %v", ev.Public, tc.public)
			}
			if c.Status != tc.from || ev.Status != tc.from || ev.FromStatus != tc.from {
				t.Errorf("status %s (event %s → %s), want unchanged %s", c.Status, ev.FromStatus, ev.Status, tc.from)
			}
			if got := ev.PublicPayload()["note"]; got != tc.payload["note"] {
				t.Errorf("public payload note = %v", got)
			}
		})
	}
}

// PublicPayload shows the enterprise only the fields meant for it.
func TestEventPublicPayload(t *testing.T) {
	t.Run("assign_hides_opinion", func(t *testing.T) {
		c := caseAt(t, casework.MeetingReview)
		ev := mustApply(t, c, head, casework.ActionAssign, map[string]any{
			"opinion": "内部意见：企业资料存疑", "specialist_id": specialistA, "meeting_at": "2026-03-02 09:30", "materials": []string{"申请表"},
		}, monday)
		if ev.Payload["opinion"] != "内部意见：企业资料存疑" {
			t.Fatalf("payload lacks opinion: %v", ev.Payload)
		}
		got := ev.PublicPayload()
		want := map[string]any{"specialist": staff[specialistA]}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("public payload = %v, want %v", got, want)
		}
		mt := c.Registration.Review.MeetingAt
		if mt == nil || !mt.Equal(time.Date(2026, 3, 2, 9, 30, 0, 0, casework.ChinaTime)) {
			t.Errorf("meeting_at = %v", mt)
		}
	})
	t.Run("accept_shows_service_and_deadline", func(t *testing.T) {
		c := newCase(t)
		ev := mustApply(t, c, clerk, casework.ActionAccept, map[string]any{"service_type": "agency", "scope": "key_project", "promised_days": 5}, monday)
		got := ev.PublicPayload()
		want := map[string]any{"service_type": "agency", "scope": "key_project", "promised_days": 5, "deadline": "2026-03-09"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("public payload = %v, want %v", got, want)
		}
	})
	// issue 12 (2): the enterprise sees why its case was closed and what
	// the head decided.
	t.Run("sign_off_shows_result_explanation_and_opinion", func(t *testing.T) {
		c := caseAt(t, casework.InService)
		mustApply(t, c, specialist, casework.ActionProposeClose, map[string]any{"result": "terminated", "explanation": "项目用地条件变更，无法继续"}, monday)
		ev := mustApply(t, c, head, casework.ActionSignOff, map[string]any{"opinion": "同意终止"}, monday)
		want := map[string]any{"result": "terminated", "explanation": "项目用地条件变更，无法继续", "opinion": "同意终止"}
		if got := ev.PublicPayload(); !reflect.DeepEqual(got, want) {
			t.Errorf("public payload = %v, want %v", got, want)
		}
		if c.Status != casework.Terminated {
			t.Errorf("status = %s", c.Status)
		}
	})
	t.Run("suspend_hides_remaining_days", func(t *testing.T) {
		c := caseAt(t, casework.InService)
		ev := mustApply(t, c, specialist, casework.ActionSuspend, map[string]any{"reason": "等待规划调整"}, monday)
		got := ev.PublicPayload()
		want := map[string]any{"reason": "等待规划调整"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("public payload = %v, want %v", got, want)
		}
	})
	t.Run("internal_actions_have_no_public_fields", func(t *testing.T) {
		for _, a := range []casework.Action{casework.ActionPassReview, casework.ActionCoordinate} {
			r := row(t, a)
			for _, f := range r.Fields {
				if f.Public {
					t.Errorf("%s is internal but its field %s is marked public", a, f.Name)
				}
			}
		}
	})
}

// The 工作登记表 sections are filled as the case moves.
func TestApplyRegistration(t *testing.T) {
	c := caseAt(t, casework.InService)
	mustApply(t, c, specialist, casework.ActionCoordinate, map[string]any{
		"level": "center", "matter": "消防审验与规划核实并联", "departments": []string{"住建局", "消防救援支队"}, "outcome": "同意并联",
	}, monday)
	before := deepCopy(c)
	mustApply(t, c, specialist, casework.ActionCoordinate, map[string]any{"level": "city", "matter": "市级协调"}, monday)
	if got := len(c.Registration.Coordination); got != 2 {
		t.Fatalf("coordination lines = %d, want 2", got)
	}
	if got := before.Registration.Coordination; len(got) != 1 {
		t.Errorf("the copy taken before the second coordinate changed: %v", got)
	}
	first := c.Registration.Coordination[0]
	if first.Level != "center" || !slices.Equal(first.Departments, []string{"住建局", "消防救援支队"}) || first.By != actor(specialist).Name {
		t.Errorf("coordination = %+v", first)
	}
	rv := c.Registration.Review
	if rv.Content == "" || len(rv.Materials) == 0 || rv.Handler != actor(clerk).Name || rv.Head != actor(head).Name {
		t.Errorf("review = %+v", rv)
	}

	// issue 12 (7): 提交 and 归档 are two steps with their own time and person.
	a := caseAt(t, casework.Delivered)
	mustApply(t, a, specialist, casework.ActionSubmitArchive, map[string]any{"materials": []string{"服务申请表", "工作登记表"}}, monday)
	ar := a.Registration.Archive
	if ar.SubmittedBy != actor(specialist).Name || ar.SubmittedAt == nil || !ar.SubmittedAt.Equal(monday) || ar.At != nil ||
		!slices.Equal(ar.Materials, []string{"服务申请表", "工作登记表"}) || a.Status != casework.Archiving {
		t.Errorf("after submit_archive: archive = %+v, status %s", ar, a.Status)
	}
	mustApply(t, a, clerk, casework.ActionArchive, map[string]any{}, later)
	ar = a.Registration.Archive
	if ar.By != actor(clerk).Name || ar.At == nil || !ar.At.Equal(later) || !ar.SubmittedAt.Equal(monday) || a.Status != casework.Archived {
		t.Errorf("after archive: archive = %+v, status %s", ar, a.Status)
	}
}

// TestSupplementReturnsWhereTheCaseWas: materials asked for before the
// window accepted the application bring it back to the window (it must still
// be accepted); asked for during review, back to review.
func TestSupplementReturnsWhereTheCaseWas(t *testing.T) {
	before := caseAt(t, casework.Submitted)
	mustApply(t, before, clerk, casework.ActionRequestInfo, map[string]any{"reason": "缺少营业执照"}, monday)
	mustApply(t, before, enterprise, casework.ActionSupplement, nil, monday)
	if before.Status != casework.Submitted {
		t.Fatalf("supplement before acceptance → %s, want submitted", before.Status)
	}
	mustApply(t, before, clerk, casework.ActionAccept, map[string]any{"service_type": "assist"}, monday)

	during := caseAt(t, casework.Reviewing)
	mustApply(t, during, clerk, casework.ActionRequestInfo, map[string]any{"reason": "缺少营业执照"}, monday)
	mustApply(t, during, enterprise, casework.ActionSupplement, nil, monday)
	if during.Status != casework.Reviewing {
		t.Fatalf("supplement during review → %s, want reviewing", during.Status)
	}
}
