package casework_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"sunshine/app/calendar"
	"sunshine/app/casework"
	"sunshine/app/casework/caseworktest"
	"sunshine/app/errs"
)

// Shared fixtures of the casework tests: a real calendar, a fake staff
// directory, a valid application form, payloads generated from the table and
// cases driven to any status through casework.Apply itself.

// days is the real working-day calendar with the published 2025/2026 data.
var days = calendar.New(calendar.Seed(), nil)

// directory is a fake staff directory: id → name of an active specialist.
type directory map[int64]string

func (d directory) Specialist(id int64) (string, bool) { n, ok := d[id]; return n, ok }

const (
	specialistA = int64(7)
	specialistB = int64(8)
	unknownID   = int64(999)
)

var staff = directory{specialistA: "王专员", specialistB: "李专员"}

// monday is 2026-03-02 09:00 China time: no holiday within weeks.
var monday = time.Date(2026, 3, 2, 9, 0, 0, 0, casework.ChinaTime)

// later is an hour after monday: refused actions are tried at a time the
// case has not seen, so a stray UpdatedAt would show.
var later = monday.Add(time.Hour)

func cst(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, casework.ChinaTime)
}

func envAt(now time.Time) casework.Env { return casework.Env{Now: now, Days: days, Directory: staff} }

// allRoles is every role an actor may have: the staff roles plus the
// enterprise and the hotline system.
var allRoles = append(append([]casework.Role{}, casework.StaffRoles...), casework.RoleEnterprise, casework.RoleHotline)

func actor(r casework.Role) casework.Actor {
	return casework.Actor{ID: int64(100 + slices.Index(allRoles, r)), Role: r, Name: r.Label() + "甲"}
}

func rawPayload(t testing.TB, m map[string]any) map[string]json.RawMessage {
	t.Helper()
	if m == nil {
		return nil
	}
	out := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("marshal %s: %v", k, err)
		}
		out[k] = b
	}
	return out
}

func row(t testing.TB, a casework.Action) *casework.Transition {
	t.Helper()
	r, ok := casework.Lookup(a)
	if !ok {
		t.Fatalf("no row for action %q", a)
	}
	return r
}

// validPayload fills every field of the row with a valid value (the shared kit).
func validPayload(r *casework.Transition, c *casework.Case) map[string]any {
	return caseworktest.Payload(r, c.SpecialistID, caseworktest.IDs{SpecialistA: specialistA, SpecialistB: specialistB, Attachment: 5})
}

type step struct {
	action  casework.Action
	payload map[string]any // nil: validPayload
}

// pathTo says how a case reaches each status from submitted (the shared kit).
var pathTo = func() map[casework.Status][]step {
	out := map[casework.Status][]step{}
	for _, s := range casework.Statuses {
		path, _ := caseworktest.PathTo(s)
		for _, st := range path {
			out[s] = append(out[s], step{st.Action, st.Payload})
		}
		if out[s] == nil {
			out[s] = []step{}
		}
	}
	return out
}()

// newCase submits validForm as an enterprise on monday.
func newCase(t testing.TB) *casework.Case {
	t.Helper()
	c, _, err := casework.NewCase(validForm(), casework.ChannelMiniProgram, actor(casework.RoleEnterprise), casework.FormFull, monday)
	if err != nil {
		t.Fatalf("NewCase: %v (%v)", err, errs.FieldsOf(err))
	}
	c.ID = 42
	return c
}

// caseAt returns a case driven to status s through casework.Apply.
func caseAt(t testing.TB, s casework.Status) *casework.Case {
	t.Helper()
	path, ok := pathTo[s]
	if !ok {
		t.Fatalf("no path to status %q: add one to pathTo", s)
	}
	c := newCase(t)
	for _, st := range path {
		mustApply(t, c, row(t, st.action).Roles[0], st.action, st.payload, monday)
	}
	if c.Status != s {
		t.Fatalf("path to %s ended in %s", s, c.Status)
	}
	return c
}

// mustApply applies an action (validPayload when payload is nil) and fails
// the test on error.
func mustApply(t testing.TB, c *casework.Case, r casework.Role, a casework.Action, payload map[string]any, now time.Time) *casework.Event {
	t.Helper()
	if payload == nil {
		payload = validPayload(row(t, a), c)
	}
	ev, err := casework.Apply(c, actor(r), casework.Request{Action: a, Version: c.Version, Payload: rawPayload(t, payload)}, envAt(now))
	if err != nil {
		t.Fatalf("%s as %s from %s: %v (fields %v)", a, r, c.Status, err, errs.FieldsOf(err))
	}
	return ev
}

// deepCopy copies x, following pointers, slices, maps and interfaces, so
// that a later comparison sees any change made through shared memory.
func deepCopy[T any](x T) T {
	src := reflect.ValueOf(&x).Elem()
	dst := reflect.New(src.Type()).Elem()
	copyValue(dst, src)
	return dst.Interface().(T)
}

func copyValue(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if !src.IsNil() {
			p := reflect.New(src.Type().Elem())
			copyValue(p.Elem(), src.Elem())
			dst.Set(p)
		}
	case reflect.Slice:
		if !src.IsNil() {
			s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
			for i := range src.Len() {
				copyValue(s.Index(i), src.Index(i))
			}
			dst.Set(s)
		}
	case reflect.Map:
		if !src.IsNil() {
			m := reflect.MakeMapWithSize(src.Type(), src.Len())
			for it := src.MapRange(); it.Next(); {
				v := reflect.New(src.Type().Elem()).Elem()
				copyValue(v, it.Value())
				m.SetMapIndex(it.Key(), v)
			}
			dst.Set(m)
		}
	case reflect.Interface:
		if !src.IsNil() {
			v := reflect.New(src.Elem().Type()).Elem()
			copyValue(v, src.Elem())
			dst.Set(v)
		}
	case reflect.Struct:
		dst.Set(src) // unexported fields (time.Time) are immutable values
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				copyValue(dst.Field(i), src.Field(i))
			}
		}
	default:
		dst.Set(src)
	}
}

// assertUnchanged fails when c differs from before.
func assertUnchanged(t testing.TB, c, before *casework.Case) {
	t.Helper()
	if !reflect.DeepEqual(c, before) {
		t.Errorf("refused action changed the case:\n got %+v\nwant %+v", *c, *before)
	}
}

// wantCode fails unless err carries code.
func wantCode(t testing.TB, err error, code errs.Code) {
	t.Helper()
	if got := errs.CodeOf(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// wantField fails unless err is unprocessable with a message for field.
func wantField(t testing.TB, err error, field string) {
	t.Helper()
	wantCode(t, err, errs.Unprocessable)
	if msg := errs.FieldsOf(err)[field]; msg == "" {
		t.Fatalf("no message for field %q; fields = %v", field, errs.FieldsOf(err))
	}
}

// validCreditCode is the worked example of GB 32100-2015, checked by hand.
const validCreditCode = caseworktest.CreditCode

func validForm() casework.Form { return caseworktest.Form() }
