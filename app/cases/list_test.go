package cases_test

import (
	"slices"
	"strings"
	"testing"

	"sunshine/app/cases"
	"sunshine/app/casework"
)

// TestListFilters covers status, overdue (with the service clock as today),
// the search box and the specialist's scope.
func TestListFilters(t *testing.T) {
	f := newFixture(t)
	fresh := f.submit(f.ent) // submitted: no deadline
	f.clock.Set(cst(3, 2, 9))
	late := f.inService(f.submit(f.ent), 3)   // deadline 03-05
	paused := f.inService(f.submit(f.ent), 3) // deadline 03-05, then suspended
	paused = f.must(f.specA, paused, casework.ActionSuspend, map[string]any{"reason": "等待企业补件"})
	onTime := f.inService(f.submit(f.ent), 20) // deadline 03-30
	other := validForm()
	other.Enterprise.Name, other.Project.Name = "海陵岛渔业合作社", "渔港冷链仓储"
	other.Enterprise.CreditCode = casework.CreditCodeWithCheck("93441700MA4X5Y6W7")
	fishery := f.submitForm(member(41, 0, false), other)
	if late.Deadline != "2026-03-05" || paused.Deadline != "2026-03-05" || onTime.Deadline != "2026-03-30" {
		t.Fatalf("deadlines %s %s %s", late.Deadline, paused.Deadline, onTime.Deadline)
	}

	list := func(flt cases.Filter) []int64 {
		t.Helper()
		ids, err := f.listIDs(f.clerk, flt)
		if err != nil {
			t.Fatalf("List(%+v): %v", flt, err)
		}
		return ids
	}
	ids := func(cs ...*casework.Case) []int64 {
		out := make([]int64, len(cs))
		for i, c := range cs {
			out[i] = c.ID
		}
		slices.Sort(out)
		slices.Reverse(out)
		return out
	}
	for _, tc := range []struct {
		name string
		day  int // today is this day of March 2026 (0: unchanged)
		flt  cases.Filter
		want []int64
	}{
		{"all_newest_first", 0, cases.Filter{}, ids(fresh, late, paused, onTime, fishery)},
		{"status_submitted", 0, cases.Filter{Statuses: []casework.Status{casework.Submitted}}, ids(fresh, fishery)},
		{"status_suspended", 0, cases.Filter{Statuses: []casework.Status{casework.Suspended}}, ids(paused)},
		{"two_statuses", 0, cases.Filter{Statuses: []casework.Status{casework.InService, casework.Suspended}}, ids(late, paused, onTime)},
		{"overdue_on_the_deadline_day", 5, cases.Filter{Overdue: true}, nil},
		{"overdue_the_day_after", 6, cases.Filter{Overdue: true}, ids(late)},
		{"overdue_later_but_suspended_not", 31, cases.Filter{Overdue: true}, ids(late, onTime)},
		{"q_number", 0, cases.Filter{Q: late.Number}, ids(late)},
		{"q_number_lower_case", 0, cases.Filter{Q: strings.ToLower(late.Number)}, ids(late)},
		{"q_credit_code", 0, cases.Filter{Q: other.Enterprise.CreditCode}, ids(fishery)},
		{"q_enterprise_name_part", 0, cases.Filter{Q: "海陵岛"}, ids(fishery)},
		{"q_project_name_part", 0, cases.Filter{Q: "冷链"}, ids(fishery)},
		{"q_percent_is_literal", 0, cases.Filter{Q: "%"}, nil},
		{"q_underscore_is_literal", 0, cases.Filter{Q: "_"}, nil},
		{"q_with_status", 0, cases.Filter{Q: "阳光科技", Statuses: []casework.Status{casework.Submitted}}, ids(fresh)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.day != 0 {
				f.clock.Set(cst(3, tc.day, 10))
			}
			if got := list(tc.flt); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("specialist_scope", func(t *testing.T) {
		got, err := f.listIDs(f.specA, cases.Filter{})
		if want := ids(late, paused, onTime); err != nil || !slices.Equal(got, want) {
			t.Errorf("specialist A = %v, %v; want %v", got, err, want)
		}
		if got, err := f.listIDs(f.specB, cases.Filter{}); err != nil || len(got) != 0 {
			t.Errorf("specialist B = %v, %v; want none", got, err)
		}
	})
}

// TestListPagination walks the cursor through 23 cases with pages of 7:
// every case once, in order, whatever the page size.
func TestListPagination(t *testing.T) {
	f := newFixture(t)
	var all []int64
	for i := range 23 {
		if i%3 == 0 { // window intake for an enterprise nobody registered
			all = append(all, f.submitForm(f.clerk, formOf(windowCreditCode)).ID)
			continue
		}
		all = append(all, f.submit(f.ent).ID)
	}
	slices.Reverse(all)
	for _, size := range []int{1, 7, 23, 50} {
		var got []int64
		var before int64
		for pages := 0; ; pages++ {
			if pages > len(all)+1 {
				t.Fatalf("page size %d: cursor does not end", size)
			}
			page, err := f.svc.List(ctx, f.clerk, cases.Filter{Before: before, Limit: size})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) > size {
				t.Fatalf("page of %d for limit %d", len(page), size)
			}
			if len(page) == 0 {
				break
			}
			for _, c := range page {
				got = append(got, c.ID)
			}
			before = page[len(page)-1].ID
		}
		if !slices.Equal(got, all) {
			t.Errorf("page size %d: walked %v, want %v", size, got, all)
		}
	}
	// The cursor works together with a scope: the enterprise's own cases.
	var got []int64
	for before := int64(0); ; {
		page, err := f.svc.List(ctx, f.ent, cases.Filter{Before: before, Limit: 4})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, c := range page {
			if c.SubmitterID != f.ent.ID {
				t.Fatalf("enterprise list has case %d of submitter %d", c.ID, c.SubmitterID)
			}
			got = append(got, c.ID)
		}
		before = page[len(page)-1].ID
	}
	if len(got) != 15 || !slices.IsSortedFunc(got, func(a, b int64) int { return int(b - a) }) || len(slices.Compact(slices.Clone(got))) != 15 {
		t.Errorf("enterprise walk = %v, want its 15 cases once each, newest first", got)
	}
}
