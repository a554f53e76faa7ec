package staffapi_test

import (
	"slices"
	"testing"

	"sunshine/app/casework"
)

// staffUsers maps each staff role to the fixture user who plays it: the
// specialist is the one assigned, the liaison's department has a matter on
// the case, so that only the role decides.
var staffUsers = map[casework.Role]string{
	casework.RoleClerk: "clerk", casework.RoleSpecialist: "specA", casework.RoleHead: "head",
	casework.RoleLiaison: "liaison", casework.RoleSupervisor: "supervisor", casework.RoleAdmin: "admin",
	casework.RoleAuditor: "auditor",
}

// fromStatus picks a status the action may start from that the staff API
// can reach (withdrawn needs the enterprise).
func fromStatus(t *testing.T, tr *casework.Transition) casework.Status {
	for _, s := range tr.From {
		if _, ok := pathTo[s]; ok {
			return s
		}
	}
	t.Fatalf("%s: no reachable from-status", tr.Action)
	return ""
}

// TestRoleActionMatrix takes every workflow action as every staff role on
// a real case in the right status: the roles of the table get 200 and the
// moved case, every other role 403 and an unchanged case.
func TestRoleActionMatrix(t *testing.T) {
	f := newStaffFixture(t)
	for i := range casework.Table {
		tr := &casework.Table[i]
		t.Run(string(tr.Action), func(t *testing.T) {
			from := fromStatus(t, tr)
			fresh := func() caseJSON {
				c := f.caseAt(from)
				f.addMatter(c.ID, f.users["liaison"].Department)
				return c
			}
			c := fresh()
			var allowed []casework.Role
			for _, role := range casework.StaffRoles {
				if tr.Allows(role) {
					allowed = append(allowed, role)
					continue
				}
				body := f.validPayload(tr.Action, c)
				body["version"] = c.Version
				e := f.fail("POST", casePath(c.ID, "/actions/"+string(tr.Action)), f.token(staffUsers[role]), body, 403)
				if e.Error.Code != "forbidden" {
					t.Errorf("%s: code %q, want forbidden", role, e.Error.Code)
				}
				if got := f.get("clerk", c.ID); got.Version != c.Version || got.Status != c.Status {
					t.Errorf("%s: refused action moved the case to %s v%d", role, got.Status, got.Version)
				}
			}
			if len(allowed) == 0 && !slices.Contains(tr.Roles, casework.RoleEnterprise) {
				t.Fatalf("%s: no role may take it", tr.Action)
			}
			for n, role := range allowed {
				if n > 0 {
					c = fresh()
				}
				got := f.act(staffUsers[role], c, tr.Action, nil)
				if got.Version != c.Version+1 {
					t.Errorf("%s by %s: version %d, want %d", tr.Action, role, got.Version, c.Version+1)
				}
				if tr.To != "" && got.Status != string(tr.To) {
					t.Errorf("%s by %s: status %s, want %s", tr.Action, role, got.Status, tr.To)
				}
				last := got.Timeline[len(got.Timeline)-1]
				if last.Action != string(tr.Action) || last.Actor["role"] != string(role) {
					t.Errorf("%s by %s: last event %+v", tr.Action, role, last)
				}
			}
		})
	}
}

// TestMatrixCoversTheTable guards the matrix against a table row it cannot
// reach.
func TestMatrixCoversTheTable(t *testing.T) {
	for _, tr := range casework.Table {
		reachable := false
		for _, s := range tr.From {
			_, ok := pathTo[s]
			reachable = reachable || ok
		}
		if !reachable {
			t.Errorf("action %s starts from %v, none reachable by the staff API", tr.Action, tr.From)
		}
	}
	if len(staffUsers) != len(casework.StaffRoles) {
		t.Errorf("staffUsers covers %d roles, want %d", len(staffUsers), len(casework.StaffRoles))
	}
}
