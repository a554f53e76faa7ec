package staffapi_test

import (
	"context"
	"fmt"
	"testing"

	"sunshine/app/audit"
)

type deptJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Disabled bool   `json:"disabled"`
	Matters  *int   `json:"matters"`
	Liaisons *int   `json:"liaisons"`
	InUse    *bool  `json:"in_use"`
}

func (f *staffFixture) departments(who string) map[string]deptJSON {
	f.t.Helper()
	var list struct {
		Items []deptJSON `json:"items"`
	}
	f.call("GET", "/api/staff/v1/departments", f.token(who), nil, 200, &list)
	out := map[string]deptJSON{}
	for _, d := range list.Items {
		out[d.Name] = d
	}
	return out
}

func TestDepartmentsAdmin(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	var tax deptJSON
	f.call("POST", "/api/staff/v1/departments", f.token("admin"), map[string]any{"name": " 市税务局 "}, 201, &tax)
	if tax.Name != "市税务局" || tax.ID == 0 || tax.InUse == nil || *tax.InUse {
		t.Fatalf("created %+v", tax)
	}
	// The fixture's liaison belongs to 市自然资源局: listing it makes it administrable.
	var land deptJSON
	f.call("POST", "/api/staff/v1/departments", f.token("admin"), map[string]any{"name": "市自然资源局"}, 201, &land)

	// Every staff role reads the active departments, without the use counts.
	spec := f.departments("specA")
	if len(spec) != 2 || spec["市税务局"].ID != tax.ID || spec["市税务局"].Matters != nil {
		t.Fatalf("specialist's list = %+v", spec)
	}
	if known, err := f.db.Matters().KnownDepartment(ctx, "市税务局"); err != nil || !known {
		t.Fatalf("a listed department is not known to matters: %v %v", known, err)
	}

	// Refusals change nothing.
	f.fail("POST", "/api/staff/v1/departments", f.token("admin"), map[string]any{"name": "市税务局"}, 409)
	if e := f.fail("POST", "/api/staff/v1/departments", f.token("admin"), map[string]any{"name": "  "}, 422); e.Error.Fields["name"] == "" {
		t.Fatalf("empty name: %+v", e)
	}
	f.fail("POST", "/api/staff/v1/departments", f.token("admin"), map[string]any{"name": "x", "disabled": true}, 422)
	for _, who := range []string{"head", "clerk", "specA", "liaison", "supervisor"} {
		f.fail("POST", "/api/staff/v1/departments", f.token(who), map[string]any{"name": "市公安局"}, 403)
		f.fail("PUT", fmt.Sprintf("/api/staff/v1/departments/%d", tax.ID), f.token(who), map[string]any{"name": "市公安局"}, 403)
		f.fail("POST", fmt.Sprintf("/api/staff/v1/departments/%d/disable", tax.ID), f.token(who), nil, 403)
		f.fail("DELETE", fmt.Sprintf("/api/staff/v1/departments/%d", tax.ID), f.token(who), nil, 403)
	}
	f.fail("PUT", "/api/staff/v1/departments/999999999", f.token("admin"), map[string]any{"name": "市公安局"}, 404)
	f.fail("PUT", fmt.Sprintf("/api/staff/v1/departments/%d", tax.ID), f.token("admin"), map[string]any{"name": "市自然资源局"}, 409)
	if got := f.departments("admin"); len(got) != 2 || got["市税务局"].ID != tax.ID {
		t.Fatalf("after refusals: %+v", got)
	}

	// Renaming follows into the matters and the liaison accounts.
	c := f.caseAt("in_service")
	f.addMatter(c.ID, "市自然资源局")
	var renamed deptJSON
	f.call("PUT", fmt.Sprintf("/api/staff/v1/departments/%d", land.ID), f.token("admin"), map[string]any{"name": "市自然资源和规划局"}, 200, &renamed)
	if renamed.Name != "市自然资源和规划局" || *renamed.Matters != 1 || *renamed.Liaisons != 1 {
		t.Fatalf("renamed %+v", renamed)
	}
	u, err := f.db.Staff().StaffByID(ctx, f.users["liaison"].ID)
	if err != nil || u.Department != "市自然资源和规划局" {
		t.Fatalf("liaison department = %q, %v", u.Department, err)
	}
	var liaisonView caseJSON
	f.call("GET", casePath(c.ID, ""), f.token("liaison"), nil, 200, &liaisonView)

	// In use: disable, never delete; a disabled department takes no new matter.
	f.fail("DELETE", fmt.Sprintf("/api/staff/v1/departments/%d", land.ID), f.token("admin"), nil, 409)
	var off deptJSON
	f.call("POST", fmt.Sprintf("/api/staff/v1/departments/%d/disable", land.ID), f.token("admin"), nil, 200, &off)
	if !off.Disabled {
		t.Fatal("not disabled")
	}
	if _, ok := f.departments("specA")["市自然资源和规划局"]; ok {
		t.Fatal("a disabled department is offered to specialists")
	}
	if known, err := f.db.Matters().KnownDepartment(ctx, "市自然资源和规划局"); err != nil || known {
		t.Fatalf("a disabled department is still known to matters (its liaison notwithstanding): %v %v", known, err)
	}
	f.call("POST", fmt.Sprintf("/api/staff/v1/departments/%d/enable", land.ID), f.token("admin"), nil, 200, &off)
	if known, _ := f.db.Matters().KnownDepartment(ctx, "市自然资源和规划局"); !known || off.Disabled {
		t.Fatal("enabling did not bring the department back")
	}
	// Unused: deleted.
	f.call("DELETE", fmt.Sprintf("/api/staff/v1/departments/%d", tax.ID), f.token("admin"), nil, 204, nil)
	if _, ok := f.departments("admin")["市税务局"]; ok {
		t.Fatal("deleted department still listed")
	}
	for action, want := range map[string]int{"department.create": 2, "department.rename": 1, "department.disable": 1,
		"department.enable": 1, "department.delete": 1} {
		recs, err := f.db.Audit().Find(ctx, audit.Query{Action: action, Result: audit.OK})
		if err != nil || len(recs) != want {
			t.Errorf("%s audited %d times, want %d (%v)", action, len(recs), want, err)
		}
	}
	if recs, _ := f.db.Audit().Find(ctx, audit.Query{Action: "department.create", Result: audit.Denied}); len(recs) != 5 {
		t.Errorf("denied creates audited %d times, want 5", len(recs))
	}
}
