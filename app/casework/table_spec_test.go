package casework_test

import (
	"slices"
	"strings"
	"testing"

	"sunshine/app/casework"
)

// specRow is one row of the workflow table of SPEC §3, transcribed by hand.
// to is nil when the status stays the same; two entries mean the payload
// decides. A field name ending in * is required.
type specRow struct {
	action casework.Action
	from   []casework.Status
	to     []casework.Status
	roles  []casework.Role
	fields []string
	enums  map[string][]string
	public bool // on the enterprise's timeline (record: decided per event)
}

const (
	enterprise = casework.RoleEnterprise
	clerk      = casework.RoleClerk
	specialist = casework.RoleSpecialist
	head       = casework.RoleHead
	liaison    = casework.RoleLiaison
)

type sts = []casework.Status

// spec is SPEC §3 "Statuses and actions". The public column is the team's
// reading of "internal notes are never shown to the enterprise": 初审,
// 退回初审, 协调, 提请办结 and 退回继续办理 are internal steps.
var spec = []specRow{
	{casework.ActionAccept, sts{casework.Submitted}, sts{casework.Reviewing}, []casework.Role{clerk},
		[]string{"service_type*", "scope", "promised_days"},
		map[string][]string{"service_type": {"assist", "agency"}, "scope": {"coordination", "key_project"}}, true},
	{casework.ActionRequestInfo, sts{casework.Submitted, casework.Reviewing}, sts{casework.NeedsInfo}, []casework.Role{clerk},
		[]string{"reason*", "items"}, nil, true},
	{casework.ActionSupplement, sts{casework.NeedsInfo}, sts{casework.Submitted, casework.Reviewing}, []casework.Role{enterprise, clerk},
		[]string{"note", "attachments"}, nil, true},
	{casework.ActionReject, sts{casework.Submitted, casework.Reviewing, casework.NeedsInfo}, sts{casework.Rejected}, []casework.Role{clerk, head},
		[]string{"reason*"}, nil, true},
	// issue 12 (6): withdraw from every open stage, after assignment too.
	{casework.ActionWithdraw, sts{casework.Submitted, casework.NeedsInfo, casework.Reviewing, casework.MeetingReview,
		casework.Assigned, casework.InService, casework.Suspended, casework.Closing}, sts{casework.Withdrawn}, []casework.Role{enterprise},
		[]string{"reason"}, nil, true},
	{casework.ActionPassReview, sts{casework.Reviewing}, sts{casework.MeetingReview}, []casework.Role{clerk},
		[]string{"content*", "materials*", "opinion"}, nil, false},
	{casework.ActionReturnReview, sts{casework.MeetingReview}, sts{casework.Reviewing}, []casework.Role{head},
		[]string{"reason*"}, nil, false},
	{casework.ActionAssign, sts{casework.MeetingReview}, sts{casework.Assigned}, []casework.Role{head},
		[]string{"opinion*", "meeting_at", "specialist_id*", "materials"}, nil, true},
	{casework.ActionStart, sts{casework.Assigned}, sts{casework.InService}, []casework.Role{specialist},
		[]string{"handover"}, nil, true},
	{casework.ActionRecord, sts{casework.InService, casework.Suspended}, nil, []casework.Role{specialist, liaison},
		[]string{"note*", "public"}, nil, false},
	{casework.ActionCoordinate, sts{casework.InService}, nil, []casework.Role{specialist},
		[]string{"level*", "matter*", "departments", "meeting_at", "outcome"},
		map[string][]string{"level": {"department", "center", "city"}}, false},
	{casework.ActionSuspend, sts{casework.InService}, sts{casework.Suspended}, []casework.Role{specialist},
		[]string{"reason*"}, nil, true},
	{casework.ActionResume, sts{casework.Suspended}, sts{casework.InService}, []casework.Role{specialist},
		[]string{"reason*"}, nil, true},
	{casework.ActionExtend, sts{casework.InService, casework.Suspended}, nil, []casework.Role{head},
		[]string{"days*", "reason*"}, nil, true},
	// issue 12 (1): reassign from every status after assignment that is not final.
	{casework.ActionReassign, sts{casework.Assigned, casework.InService, casework.Suspended, casework.Closing,
		casework.Completed, casework.Terminated, casework.Withdrawn, casework.Delivering, casework.Delivered, casework.Archiving},
		nil, []casework.Role{head},
		[]string{"specialist_id*", "reason*"}, nil, true},
	{casework.ActionProposeClose, sts{casework.InService}, sts{casework.Closing}, []casework.Role{specialist},
		[]string{"result*", "explanation*"}, map[string][]string{"result": {"completed", "terminated", "other"}}, false}, // issue 12 (7): 其他
	{casework.ActionSignOff, sts{casework.Closing}, sts{casework.Completed, casework.Terminated}, []casework.Role{head},
		[]string{"opinion*"}, nil, true},
	{casework.ActionReopen, sts{casework.Closing}, sts{casework.InService}, []casework.Role{head},
		[]string{"reason*"}, nil, false},
	// issue 12 (2, 6): deliver also returns the materials after termination or withdrawal.
	{casework.ActionDeliver, sts{casework.Completed, casework.Terminated, casework.Withdrawn}, sts{casework.Delivering, casework.Delivered}, []casework.Role{specialist},
		[]string{"method*", "tracking_no", "signed_by"}, map[string][]string{"method": {"mail", "in_person"}}, true},
	// issue 12 (4): a specialist recording receipt gives the tracking proof.
	{casework.ActionConfirmReceipt, sts{casework.Delivering}, sts{casework.Delivered}, []casework.Role{enterprise, specialist},
		[]string{"proof", "attachment_id"}, nil, true},
	// issue 12 (7): 提交 by the specialist, then 归档 by a clerk or the head.
	{casework.ActionSubmitArchive, sts{casework.Delivered, casework.Terminated, casework.Rejected, casework.Withdrawn}, sts{casework.Archiving},
		[]casework.Role{specialist}, []string{"materials*"}, nil, true},
	{casework.ActionArchive, sts{casework.Archiving}, sts{casework.Archived},
		[]casework.Role{clerk, head}, []string{"materials", "archived_by"}, nil, true},
}

func specFor(t testing.TB, a casework.Action) specRow {
	t.Helper()
	for _, s := range spec {
		if s.action == a {
			return s
		}
	}
	t.Fatalf("action %q of casework.Table is not in SPEC §3", a)
	return specRow{}
}

func sameSet[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func TestTableMatchesSpec(t *testing.T) {
	if got, want := len(casework.Table), len(spec); got != want {
		t.Errorf("casework.Table has %d rows, SPEC §3 has %d", got, want)
	}
	seen := map[casework.Action]bool{}
	for _, r := range casework.Table {
		if seen[r.Action] {
			t.Errorf("action %q appears twice", r.Action)
		}
		seen[r.Action] = true
	}
	for _, s := range spec {
		t.Run(string(s.action), func(t *testing.T) {
			r, ok := casework.Lookup(s.action)
			if !ok {
				t.Fatalf("SPEC action %q missing from casework.Table", s.action)
			}
			if !sameSet(r.From, s.from) {
				t.Errorf("from = %v, want %v", r.From, s.from)
			}
			if !sameSet(r.Roles, s.roles) {
				t.Errorf("roles = %v, want %v", r.Roles, s.roles)
			}
			switch len(s.to) {
			case 0:
				if r.To != "" || r.Target != nil {
					t.Errorf("to = %q (target %v), want the same status", r.To, r.Target != nil)
				}
			case 1:
				if r.To != s.to[0] || r.Target != nil {
					t.Errorf("to = %q (target %v), want %q", r.To, r.Target != nil, s.to[0])
				}
			default:
				if r.To != "" || r.Target == nil {
					t.Errorf("to = %q (target %v), want decided by payload among %v", r.To, r.Target != nil, s.to)
				}
			}
			var got []string
			for _, f := range r.Fields {
				name := f.Name
				if f.Required {
					name += "*"
				}
				got = append(got, name)
				if want, ok := s.enums[f.Name]; ok {
					var vals []string
					for _, o := range f.Enum {
						vals = append(vals, o.Value)
					}
					if f.Kind != casework.KEnum || !sameSet(vals, want) {
						t.Errorf("field %s: kind %v options %v, want enum %v", f.Name, f.Kind, vals, want)
					}
				}
			}
			if !sameSet(got, s.fields) {
				t.Errorf("fields = %v, want %v", got, s.fields)
			}
			if s.action == casework.ActionRecord {
				if r.PublicFlag != "public" {
					t.Errorf("record: PublicFlag = %q, want \"public\"", r.PublicFlag)
				}
			} else if r.Public != s.public || r.PublicFlag != "" {
				t.Errorf("public = %v (flag %q), want %v", r.Public, r.PublicFlag, s.public)
			}
			if r.Label == "" || r.Action.Label() != r.Label || strings.Contains(r.Label, "_") {
				t.Errorf("label = %q / %q, want a Chinese name", r.Label, r.Action.Label())
			}
		})
	}
}

// An archived case is read-only: no row may start from archived, and every
// status other than archived has a way forward or is terminal by design.
func TestTableInvariants(t *testing.T) {
	for _, r := range casework.Table {
		if r.AllowedFrom(casework.Archived) {
			t.Errorf("%s may start from archived", r.Action)
		}
		for _, s := range r.From {
			if !s.Valid() {
				t.Errorf("%s: unknown from-status %q", r.Action, s)
			}
		}
		if r.To != "" && !r.To.Valid() {
			t.Errorf("%s: unknown to-status %q", r.Action, r.To)
		}
		for _, role := range r.Roles {
			if !slices.Contains(allRoles, role) {
				t.Errorf("%s: unknown role %q", r.Action, role)
			}
		}
	}
	// Every status except archived can be left by some action.
	for _, s := range casework.Statuses {
		if s == casework.Archived {
			continue
		}
		if !slices.ContainsFunc(casework.Table, func(r casework.Transition) bool { return r.AllowedFrom(s) }) {
			t.Errorf("status %s is a dead end", s)
		}
	}
}

func TestAvailable(t *testing.T) {
	for _, s := range casework.Statuses {
		// An assigned case holding no materials: no guard refuses.
		c := &casework.Case{Status: s, SpecialistID: 7}
		for _, role := range allRoles {
			var want []casework.Action
			for _, sr := range spec {
				if slices.Contains(sr.from, s) && slices.Contains(sr.roles, role) {
					want = append(want, sr.action)
				}
			}
			if got := casework.Available(c, role); !sameSet(got, want) {
				t.Errorf("Available(%s, %s) = %v, want %v", s, role, got, want)
			}
		}
	}
}

func TestStatusesAndRolesHaveLabels(t *testing.T) {
	labels := map[string]casework.Status{}
	for _, s := range casework.Statuses {
		l := s.Label()
		if l == string(s) || l == "" {
			t.Errorf("status %s has no Chinese label", s)
		}
		if prev, dup := labels[l]; dup {
			t.Errorf("statuses %s and %s share the label %q", prev, s, l)
		}
		labels[l] = s
	}
	if got, want := len(casework.Statuses), 16; got != want { // issue 12 (7): archiving
		t.Errorf("%d statuses, want %d (SPEC §3)", got, want)
	}
	for _, r := range allRoles {
		if r.Label() == string(r) {
			t.Errorf("role %s has no Chinese label", r)
		}
	}
}
