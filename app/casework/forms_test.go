package casework_test

import (
	"slices"
	"testing"

	"sunshine/app/casework"
)

// The action table as data carries every row and field of casework.Table,
// with a form kind for every field and the targets of SPEC §3.
func TestActionsAsData(t *testing.T) {
	got := casework.Actions()
	if len(got) != len(casework.Table) {
		t.Fatalf("%d actions, table has %d", len(got), len(casework.Table))
	}
	for i, a := range got {
		r := casework.Table[i]
		sr := specFor(t, r.Action)
		if a.Action != r.Action || a.Label != r.Label || !sameSet(a.From, r.From) || !sameSet(a.Roles, r.Roles) {
			t.Errorf("%s: %+v", r.Action, a)
		}
		if !sameSet(a.To, sr.to) {
			t.Errorf("%s: to = %v, want %v", r.Action, a.To, sr.to)
		}
		if len(a.Fields) != len(r.Fields) {
			t.Fatalf("%s: %d fields, want %d", r.Action, len(a.Fields), len(r.Fields))
		}
		for j, f := range a.Fields {
			if f.Kind == "" || f.Name != r.Fields[j].Name || f.Label == "" || f.Required != r.Fields[j].Required {
				t.Errorf("%s.%s: %+v", r.Action, r.Fields[j].Name, f)
			}
			if (f.Kind == casework.FormSelect) != (len(f.Options) > 0) {
				t.Errorf("%s.%s: kind %s with %d options", r.Action, f.Name, f.Kind, len(f.Options))
			}
		}
	}
	i := slices.IndexFunc(got, func(a casework.ActionSpec) bool { return a.Action == casework.ActionProposeClose })
	res := got[i].Fields[0]
	if res.Options[2].Value != "other" || res.Options[2].Label != "其他" {
		t.Errorf("propose_close result options = %+v", res.Options)
	}
	j := slices.IndexFunc(got, func(a casework.ActionSpec) bool { return a.Action == casework.ActionAssign })
	if k := got[j].Fields[2]; k.Name != "specialist_id" || k.Kind != casework.FormStaff {
		t.Errorf("assign specialist field = %+v", k)
	}
}
