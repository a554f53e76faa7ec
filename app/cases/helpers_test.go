package cases_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"sunshine/app/accounts"
	"sunshine/app/calendar"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/casework/caseworktest"
	"sunshine/app/errs"
	"sunshine/app/storage"
	"sunshine/app/storage/storagetest"
)

// The fixtures of the service tests: a real database (SQLite, or MariaDB
// with TEST_MYSQL_DSN), the calendar kept in it, an injected clock and the
// people of SPEC §2.

var ctx = context.Background()

// clock is the injected service clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func cst(m time.Month, d, h int) time.Time {
	return time.Date(2026, m, d, h, 0, 0, 0, casework.ChinaTime)
}

// monday is 2026-03-02 09:00 China time, far from any holiday.
var monday = cst(3, 2, 9)

// fixture is one service instance on a database.
type fixture struct {
	t     testing.TB
	db    *storage.DB
	svc   *cases.Service
	clock *clock
	// people
	clerk, head, specA, specB, liaison, supervisor, admin cases.Viewer
	ent                                                   cases.Viewer // 李四, verified member of enterprise 11
}

// newFixture opens a fresh database with the staff and the calendar in it.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	db := storagetest.Open(t)
	seed(t, db)
	return instance(t, db)
}

// seed stores the shipped holiday calendars and the two specialists.
func seed(t testing.TB, db *storage.DB) {
	t.Helper()
	if err := db.Holidays().SeedIfEmpty(ctx); err != nil {
		t.Fatalf("seed holidays: %v", err)
	}
	// Enterprises 11 and 12 of the test viewers: a verified member submits
	// with their own enterprise's credit code only.
	for _, e := range []struct {
		id   int64
		code string
	}{{11, validCreditCode}, {12, otherCreditCode}} {
		if err := db.W.Exec(`INSERT INTO enterprises (id, name, credit_code, address, nature, admin_id, created_at, updated_at)
			VALUES (?, ?, ?, '', '', 0, ?, ?)`, e.id, "企业"+e.code[:4], e.code, monday, monday).Error; err != nil {
			t.Fatalf("seed enterprise: %v", err)
		}
	}
	for _, u := range []string{"wang", "li"} {
		s := &accounts.Staff{Username: u, PasswordHash: "x", Role: casework.RoleSpecialist,
			Name: map[string]string{"wang": "王专员", "li": "李专员"}[u], CreatedAt: monday, UpdatedAt: monday}
		if err := db.Staff().CreateStaff(ctx, s); err != nil {
			t.Fatalf("create specialist: %v", err)
		}
	}
}

// instance builds a service on db as one running instance does: the
// calendar read from the database, its own clock.
func instance(t testing.TB, db *storage.DB) *fixture {
	t.Helper()
	days, err := db.Holidays().All(ctx)
	if err != nil {
		t.Fatalf("read holidays: %v", err)
	}
	spec, err := db.Staff().ListStaff(ctx, casework.RoleSpecialist)
	if err != nil || len(spec) != 2 {
		t.Fatalf("specialists = %v, %v; want 2", spec, err)
	}
	clk := &clock{t: monday}
	staff := func(id int64, r casework.Role, name string) cases.Viewer {
		return cases.Viewer{Actor: casework.Actor{ID: id, Role: r, Name: name}}
	}
	f := &fixture{
		t: t, db: db, clock: clk,
		svc:        cases.New(db.Cases(), calendar.New(days, nil), clk.Now, nil),
		clerk:      staff(1001, casework.RoleClerk, "窗口甲"),
		head:       staff(1002, casework.RoleHead, "中心负责人甲"),
		specA:      staff(spec[0].ID, casework.RoleSpecialist, spec[0].Name),
		specB:      staff(spec[1].ID, casework.RoleSpecialist, spec[1].Name),
		liaison:    staff(1005, casework.RoleLiaison, "联络员甲"),
		supervisor: staff(1006, casework.RoleSupervisor, "督查员甲"),
		admin:      staff(1007, casework.RoleAdmin, "管理员甲"),
		ent:        member(21, 11, true),
	}
	f.liaison.Department = "自然资源局"
	return f
}

// member is an enterprise user of enterprise ent (0: none).
func member(id, ent int64, verified bool) cases.Viewer {
	return cases.Viewer{Actor: casework.Actor{ID: id, Role: casework.RoleEnterprise, Name: "企业用户"},
		EnterpriseID: ent, Verified: verified}
}

// validCreditCode is the worked example of GB 32100-2015 (enterprise 11).
const validCreditCode = "91350100M000100Y43"

// otherCreditCode is enterprise 12's; windowCreditCode is registered by nobody.
var (
	otherCreditCode  = casework.CreditCodeWithCheck("91441700MA0000012")
	windowCreditCode = casework.CreditCodeWithCheck("91441700MA0000013")
)

// formOf is the valid form with another credit code.
func formOf(code string) casework.Form {
	f := validForm()
	f.Enterprise.CreditCode = code
	return f
}

func validForm() casework.Form {
	f := caseworktest.Form()
	f.Entrustment.ServiceType = "assist"
	return f
}

// submit files validForm as v (an enterprise user, or a clerk at the window).
func (f *fixture) submit(v cases.Viewer) *casework.Case {
	f.t.Helper()
	return f.submitForm(v, validForm())
}

func (f *fixture) submitForm(v cases.Viewer, form casework.Form) *casework.Case {
	f.t.Helper()
	in := cases.SubmitInput{Form: form, Channel: casework.ChannelMiniProgram, Mode: casework.FormFull}
	if v.Role != casework.RoleEnterprise {
		in.Channel, in.Mode = casework.ChannelWindow, casework.FormIntake
	}
	c, err := f.svc.Submit(ctx, v, in)
	if err != nil {
		f.t.Fatalf("submit as %s: %v (%v)", v.Role, err, errs.FieldsOf(err))
	}
	return c
}

func raw(t testing.TB, p map[string]any) map[string]json.RawMessage {
	t.Helper()
	out := make(map[string]json.RawMessage, len(p))
	for k, v := range p {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out[k] = b
	}
	return out
}

// act asks for an action at the given version.
func (f *fixture) act(v cases.Viewer, id int64, a casework.Action, version int, p map[string]any) (*casework.Case, error) {
	return f.svc.Act(ctx, v, id, casework.Request{Action: a, Version: version, Payload: raw(f.t, p)})
}

// must applies an action at the case's version and fails the test on error.
func (f *fixture) must(v cases.Viewer, c *casework.Case, a casework.Action, p map[string]any) *casework.Case {
	f.t.Helper()
	got, err := f.act(v, c.ID, a, c.Version, p)
	if err != nil {
		f.t.Fatalf("%s as %s from %s: %v (%v)", a, v.Role, c.Status, err, errs.FieldsOf(err))
	}
	return got
}

// inService takes a new case from submitted to in_service, assigned to specA.
func (f *fixture) inService(c *casework.Case, promised int) *casework.Case {
	f.t.Helper()
	c = f.must(f.clerk, c, casework.ActionAccept, map[string]any{"service_type": "assist", "promised_days": promised})
	c = f.must(f.clerk, c, casework.ActionPassReview, map[string]any{"content": "材料齐全", "materials": []string{"营业执照"}})
	c = f.must(f.head, c, casework.ActionAssign, map[string]any{"opinion": "同意交办", "specialist_id": f.specA.ID})
	return f.must(f.specA, c, casework.ActionStart, map[string]any{})
}

// archived takes an in_service case through delivery in person to archived.
func (f *fixture) archived(c *casework.Case) *casework.Case {
	f.t.Helper()
	c = f.must(f.specA, c, casework.ActionProposeClose, map[string]any{"result": "completed", "explanation": "已取得许可证"})
	c = f.must(f.head, c, casework.ActionSignOff, map[string]any{"opinion": "同意办结"})
	c = f.must(f.specA, c, casework.ActionDeliver, map[string]any{"method": "in_person", "signed_by": "李四"})
	c = f.must(f.specA, c, casework.ActionSubmitArchive, map[string]any{"materials": []string{"申请表", "登记表"}})
	return f.must(f.head, c, casework.ActionArchive, map[string]any{})
}

// count runs a COUNT(*) query.
func (f *fixture) count(q string, args ...any) int64 {
	f.t.Helper()
	var n int64
	if err := f.db.R.Raw(q, args...).Scan(&n).Error; err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (f *fixture) events(id int64) int64 {
	return f.count("SELECT COUNT(*) FROM case_events WHERE case_id = ?", id)
}

// audits counts the audit records of a case, optionally of one action and result.
func (f *fixture) audits(id int64, action, result string) int64 {
	q, args := "SELECT COUNT(*) FROM audit_records WHERE object_type = 'case' AND object_id = ?", []any{itoa(id)}
	if action != "" {
		q, args = q+" AND action = ?", append(args, action)
	}
	if result != "" {
		q, args = q+" AND result = ?", append(args, result)
	}
	return f.count(q, args...)
}

func itoa(id int64) string { b, _ := json.Marshal(id); return string(b) }

// get reads a case as the clerk (who sees every case).
func (f *fixture) get(id int64) *cases.Detail {
	f.t.Helper()
	d, err := f.svc.Get(ctx, f.head, id)
	if err != nil {
		f.t.Fatalf("get %d: %v", id, err)
	}
	return d
}

func wantCode(t testing.TB, err error, code errs.Code) {
	t.Helper()
	if got := errs.CodeOf(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}
