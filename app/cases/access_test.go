package cases_test

import (
	"slices"
	"testing"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// listIDs lists every case v may see.
func (f *fixture) listIDs(v cases.Viewer, flt cases.Filter) ([]int64, error) {
	flt.Limit = 100
	got, err := f.svc.List(ctx, v, flt)
	ids := make([]int64, len(got))
	for i := range got {
		ids[i] = got[i].ID
	}
	return ids, err
}

// TestVisibility checks the object-level rule of SPEC §2 on Get, Act and
// List: who sees which case, and what the others get.
func TestVisibility(t *testing.T) {
	f := newFixture(t)
	served := f.inService(f.submit(f.ent), 10)                              // 李四's case, enterprise 11, specialist A
	window := f.submitForm(f.clerk, formOf(windowCreditCode))               // window intake: no enterprise, no specialist
	otherEnt := f.submitForm(member(31, 12, true), formOf(otherCreditCode)) // enterprise 12

	colleague := member(22, 11, true)   // verified member of enterprise 11
	unverified := member(23, 11, false) // claimed the credit code, not verified yet
	stranger := member(24, 12, true)    // verified member of enterprise 12
	own := member(f.ent.ID, 0, false)   // 李四 before joining any enterprise
	housing := f.liaison                // 自然资源局
	housing.Department = "住房和城乡建设局"
	noDept := f.liaison
	noDept.Department = ""

	// A matter for 自然资源局 makes the case visible to that liaison only; a
	// matter with an empty department must not open it to liaisons without one.
	if err := f.db.W.Exec(`INSERT INTO department_matters (case_id, department, name, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)`,
		served.ID, "自然资源局", "建设用地规划许可", "open", monday, monday,
		served.ID, "", "未分配部门", "open", monday, monday).Error; err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		who  cases.Viewer
		sees []*casework.Case
		code errs.Code // for the cases it does not see (forbidden: none at all)
	}{
		{"clerk_sees_all", f.clerk, []*casework.Case{served, window, otherEnt}, ""},
		{"head_sees_all", f.head, []*casework.Case{served, window, otherEnt}, ""},
		{"specialist_sees_own", f.specA, []*casework.Case{served}, errs.NotFound},
		{"other_specialist", f.specB, nil, errs.NotFound},
		{"liaison_with_matter", f.liaison, []*casework.Case{served}, errs.NotFound},
		{"liaison_other_department", housing, nil, errs.NotFound},
		{"liaison_without_department", noDept, nil, errs.NotFound},
		{"submitter_verified", f.ent, []*casework.Case{served}, errs.NotFound},
		{"submitter_without_enterprise", own, []*casework.Case{served}, errs.NotFound},
		{"verified_colleague", colleague, []*casework.Case{served}, errs.NotFound},
		{"unverified_colleague", unverified, nil, errs.NotFound},
		{"other_enterprise", stranger, []*casework.Case{otherEnt}, errs.NotFound},
		{"supervisor", f.supervisor, nil, errs.Forbidden},
		{"admin", f.admin, nil, errs.Forbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []int64
			for _, c := range []*casework.Case{otherEnt, window, served} { // newest first
				if slices.Contains(tc.sees, c) {
					want = append(want, c.ID)
				}
			}
			for _, c := range []*casework.Case{served, window, otherEnt} {
				d, err := f.svc.Get(ctx, tc.who, c.ID)
				switch {
				case slices.Contains(tc.sees, c):
					if err != nil || d.Case.ID != c.ID {
						t.Errorf("Get %s: %v, want the case", c.Number, err)
					}
				default:
					wantCode(t, err, tc.code)
					// An action the role may take, so that only visibility refuses it.
					act, payload := casework.ActionRecord, map[string]any{"note": "越权"}
					if tc.who.Role == casework.RoleEnterprise {
						act, payload = casework.ActionWithdraw, map[string]any{"reason": "越权"}
					}
					if _, err := f.act(tc.who, c.ID, act, c.Version, payload); !errs.Is(err, tc.code) {
						t.Errorf("Act on %s: %v, want %s", c.Number, err, tc.code)
					}
				}
			}
			ids, err := f.listIDs(tc.who, cases.Filter{})
			if tc.code == errs.Forbidden {
				wantCode(t, err, errs.Forbidden)
				return
			}
			if err != nil || !slices.Equal(ids, want) {
				t.Errorf("List = %v, %v; want %v", ids, err, want)
			}
		})
	}
	// Nothing was changed by the refused attempts, and they were audited.
	if got := f.get(served.ID).Case.Version; got != served.Version {
		t.Errorf("refused actions moved the version to %d", got)
	}
	if n := f.audits(served.ID, "case.read", audit.Denied); n == 0 {
		t.Error("hidden reads were not audited")
	}
	// A nonexistent id answers exactly like a hidden one.
	_, err := f.svc.Get(ctx, f.specB, 999999)
	wantCode(t, err, errs.NotFound)
	_, hidden := f.svc.Get(ctx, f.specB, served.ID)
	if errs.MessageOf(err) != errs.MessageOf(hidden) {
		t.Errorf("missing %q and hidden %q answer differently", errs.MessageOf(err), errs.MessageOf(hidden))
	}
}
