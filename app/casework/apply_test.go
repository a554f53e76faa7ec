package casework_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"sunshine/app/casework"
	"sunshine/app/errs"
)

// TestApply runs every row of casework.Table both ways. The lists of rows,
// statuses, roles and required fields come from the table itself, so a new
// row is covered without touching this test; the expected outcome comes
// from the transcription of SPEC §3 in table_spec_test.go.
func TestApply(t *testing.T) {
	for i := range casework.Table {
		r := &casework.Table[i]
		sr := specFor(t, r.Action)
		a := string(r.Action)

		for _, from := range r.From {
			for _, role := range r.Roles {
				t.Run(fmt.Sprintf("%s/allowed_from_%s_as_%s", a, from, role), func(t *testing.T) {
					c := caseAt(t, from)
					version := c.Version
					payload := validPayload(r, c)
					ev, err := casework.Apply(c, actor(role), casework.Request{Action: r.Action, Version: version, Payload: rawPayload(t, payload)}, envAt(later))
					if err != nil {
						t.Fatalf("Apply: %v (fields %v)", err, errs.FieldsOf(err))
					}
					want := from
					if len(sr.to) > 0 {
						want = sr.to[0] // validPayload picks the first option: completed, mail
					}
					if got := c.Status; got != want {
						t.Errorf("status = %s, want %s", got, want)
					}
					if got, want := c.Version, version+1; got != want {
						t.Errorf("version = %d, want %d", got, want)
					}
					if !c.UpdatedAt.Equal(later) {
						t.Errorf("updated_at = %v, want %v", c.UpdatedAt, later)
					}
					if ev == nil {
						t.Fatal("no event")
					}
					wantPublic := sr.public
					if r.PublicFlag != "" {
						wantPublic = true // validPayload sets every bool to true
					}
					got := [...]any{ev.CaseID, ev.Action, ev.FromStatus, ev.Status, ev.Public, ev.ActorID, ev.ActorRole, ev.ActorName, ev.At.Equal(later)}
					wantEv := [...]any{c.ID, r.Action, from, want, wantPublic, actor(role).ID, role, actor(role).Name, true}
					if got != wantEv {
						t.Errorf("event = %v, want %v", got, wantEv)
					}
					for k := range payload {
						if _, ok := ev.Payload[k]; !ok {
							t.Errorf("event payload lacks %q: %v", k, ev.Payload)
						}
					}
				})
			}
		}

		for _, s := range casework.Statuses {
			if r.AllowedFrom(s) {
				continue
			}
			t.Run(fmt.Sprintf("%s/refused_in_%s", a, s), func(t *testing.T) {
				c := caseAt(t, s)
				before := deepCopy(c)
				_, err := casework.Apply(c, actor(r.Roles[0]), casework.Request{Action: r.Action, Version: c.Version, Payload: rawPayload(t, validPayload(r, c))}, envAt(later))
				wantCode(t, err, errs.Conflict)
				if msg := errs.MessageOf(err); !strings.Contains(msg, s.Label()) {
					t.Errorf("message %q does not name the status %q", msg, s.Label())
				}
				assertUnchanged(t, c, before)
			})
		}

		for _, role := range allRoles {
			if r.Allows(role) {
				continue
			}
			t.Run(fmt.Sprintf("%s/requires_%s/as_%s", a, roleList(r.Roles), role), func(t *testing.T) {
				c := caseAt(t, r.From[0])
				before := deepCopy(c)
				_, err := casework.Apply(c, actor(role), casework.Request{Action: r.Action, Version: c.Version, Payload: rawPayload(t, validPayload(r, c))}, envAt(later))
				wantCode(t, err, errs.Forbidden)
				assertUnchanged(t, c, before)
			})
		}

		for _, f := range r.Fields {
			if !f.Required {
				continue
			}
			type blank struct {
				name  string
				value any
			}
			blanks := []blank{{"absent", nil}, {"null", nil}}
			switch f.Kind {
			case casework.KText, casework.KLongText, casework.KEnum:
				blanks = append(blanks, blank{"empty", ""}, blank{"spaces", "   "})
			case casework.KList:
				blanks = append(blanks, blank{"empty_list", []string{}}, blank{"blank_entries", []string{" ", ""}})
			}
			for _, b := range blanks {
				t.Run(fmt.Sprintf("%s/requires_%s/%s", a, f.Name, b.name), func(t *testing.T) {
					c := caseAt(t, r.From[0])
					before := deepCopy(c)
					p := validPayload(r, c)
					if b.name == "absent" {
						delete(p, f.Name)
					} else {
						p[f.Name] = b.value
					}
					_, err := casework.Apply(c, actor(r.Roles[0]), casework.Request{Action: r.Action, Version: c.Version, Payload: rawPayload(t, p)}, envAt(later))
					wantField(t, err, f.Name)
					if got := errs.FieldsOf(err); len(got) != 1 {
						t.Errorf("fields = %v, want only %s", got, f.Name)
					}
					assertUnchanged(t, c, before)
				})
			}
		}

		t.Run(a+"/required_fields_match_spec", func(t *testing.T) {
			for _, name := range sr.fields {
				if !strings.HasSuffix(name, "*") {
					continue
				}
				name = strings.TrimSuffix(name, "*")
				if !slices.ContainsFunc(r.Fields, func(f casework.Field) bool { return f.Name == name && f.Required }) {
					t.Errorf("SPEC requires %s, the table does not", name)
				}
			}
		})

		t.Run(a+"/unknown_field", func(t *testing.T) {
			c := caseAt(t, r.From[0])
			before := deepCopy(c)
			p := validPayload(r, c)
			p["status"] = "archived" // no mass assignment through the payload
			_, err := casework.Apply(c, actor(r.Roles[0]), casework.Request{Action: r.Action, Version: c.Version, Payload: rawPayload(t, p)}, envAt(later))
			wantField(t, err, "status")
			assertUnchanged(t, c, before)
		})

		for _, delta := range []int{-1, 1} {
			t.Run(fmt.Sprintf("%s/stale_version_%+d", a, delta), func(t *testing.T) {
				c := caseAt(t, r.From[0])
				before := deepCopy(c)
				_, err := casework.Apply(c, actor(r.Roles[0]), casework.Request{Action: r.Action, Version: c.Version + delta, Payload: rawPayload(t, validPayload(r, c))}, envAt(later))
				wantCode(t, err, errs.Conflict)
				assertUnchanged(t, c, before)
			})
		}

		for _, role := range allRoles {
			t.Run(fmt.Sprintf("%s/archived_is_read_only_for_%s", a, role), func(t *testing.T) {
				c := caseAt(t, casework.Archived)
				before := deepCopy(c)
				_, err := casework.Apply(c, actor(role), casework.Request{Action: r.Action, Version: c.Version, Payload: rawPayload(t, validPayload(r, c))}, envAt(later))
				wantCode(t, err, errs.Conflict)
				if msg := errs.MessageOf(err); !strings.Contains(msg, casework.Archived.Label()) {
					t.Errorf("message %q does not name the status %q", msg, casework.Archived.Label())
				}
				assertUnchanged(t, c, before)
			})
		}
	}
}

func TestApplyUnknownAction(t *testing.T) {
	for _, a := range []casework.Action{"fly", casework.ActionSubmit, casework.ActionRate, ""} {
		t.Run(string(a), func(t *testing.T) {
			c := caseAt(t, casework.InService)
			before := deepCopy(c)
			_, err := casework.Apply(c, actor(head), casework.Request{Action: a, Version: c.Version}, envAt(later))
			wantCode(t, err, errs.Invalid)
			assertUnchanged(t, c, before)
		})
	}
}

// Values of the wrong type or out of range are 422 on that field, and the
// case stays as it was.
func TestApplyInvalidValues(t *testing.T) {
	for _, tc := range []struct {
		name   string
		action casework.Action
		from   casework.Status
		field  string
		value  string // raw JSON
	}{
		{"accept_service_type_not_an_option", casework.ActionAccept, casework.Submitted, "service_type", `"both"`},
		{"accept_scope_not_an_option", casework.ActionAccept, casework.Submitted, "scope", `"everything"`},
		{"accept_promised_days_zero", casework.ActionAccept, casework.Submitted, "promised_days", `0`},
		{"accept_promised_days_too_many", casework.ActionAccept, casework.Submitted, "promised_days", `366`},
		{"accept_promised_days_fraction", casework.ActionAccept, casework.Submitted, "promised_days", `2.5`},
		{"accept_promised_days_text", casework.ActionAccept, casework.Submitted, "promised_days", `"three"`},
		{"reject_reason_not_text", casework.ActionReject, casework.Submitted, "reason", `{"a":1}`},
		{"reject_reason_too_long", casework.ActionReject, casework.Submitted, "reason", `"` + strings.Repeat("长", 2001) + `"`},
		{"pass_review_materials_not_a_list", casework.ActionPassReview, casework.Reviewing, "materials", `42`},
		{"pass_review_too_many_materials", casework.ActionPassReview, casework.Reviewing, "materials", mustJSON(slices.Repeat([]string{"件"}, 51))},
		{"pass_review_material_too_long", casework.ActionPassReview, casework.Reviewing, "materials", mustJSON([]string{strings.Repeat("长", 201)})},
		{"assign_meeting_at_bad_time", casework.ActionAssign, casework.MeetingReview, "meeting_at", `"下周一"`},
		{"assign_specialist_id_zero", casework.ActionAssign, casework.MeetingReview, "specialist_id", `0`},
		{"assign_specialist_id_negative", casework.ActionAssign, casework.MeetingReview, "specialist_id", `-7`},
		{"record_public_not_bool", casework.ActionRecord, casework.InService, "public", `"yes"`},
		{"coordinate_level_not_an_option", casework.ActionCoordinate, casework.InService, "level", `"province"`},
		{"extend_days_zero", casework.ActionExtend, casework.InService, "days", `0`},
		{"propose_close_result_not_an_option", casework.ActionProposeClose, casework.InService, "result", `"done"`},
		{"deliver_method_not_an_option", casework.ActionDeliver, casework.Completed, "method", `"fax"`},
		{"deliver_tracking_no_too_long", casework.ActionDeliver, casework.Completed, "tracking_no", `"` + strings.Repeat("1", 201) + `"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := caseAt(t, tc.from)
			before := deepCopy(c)
			raw := rawPayload(t, validPayload(row(t, tc.action), c))
			raw[tc.field] = json.RawMessage(tc.value)
			_, err := casework.Apply(c, actor(row(t, tc.action).Roles[0]), casework.Request{Action: tc.action, Version: c.Version, Payload: raw}, envAt(later))
			wantField(t, err, tc.field)
			assertUnchanged(t, c, before)
		})
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func roleList(roles []casework.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Join(names, "_or_")
}
