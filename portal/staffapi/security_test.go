package staffapi_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"sunshine/app/accounts"
	"sunshine/app/audit"
)

type stepJSON struct {
	Next           string   `json:"next"`
	SecondFactor   string   `json:"second_factor"`
	PasswordChange bool     `json:"password_change"`
	Challenge      string   `json:"challenge"`
	Token          string   `json:"token"`
	RecoveryCodes  []string `json:"recovery_codes"`
	Secret         string   `json:"secret"`
	OTPAuthURL     string   `json:"otpauth_url"`
}

// privileged is the production policy: admin, auditor and head enrol.
var privileged = map[string]string{"SUNSHINE_STAFF_2FA": "privileged"}

// passwordStep logs in with the password and returns the answer.
func (f *staffFixture) passwordStep(name, password string) stepJSON {
	f.t.Helper()
	var out stepJSON
	f.call("POST", "/api/staff/v1/login", "", map[string]any{"username": f.username(name), "password": password}, 200, &out)
	return out
}

// enrol walks a required enrolment and returns the secret and the
// recovery codes.
func (f *staffFixture) enrol(name string) (string, []string) {
	f.t.Helper()
	st := f.passwordStep(name, staffPassword)
	if st.SecondFactor != "enrol" || st.Token != "" || st.Challenge == "" {
		f.t.Fatalf("%s: first login = %+v, want the enrol step and no session", name, st)
	}
	var e stepJSON
	f.call("POST", "/api/staff/v1/login/enrol", "", map[string]any{"challenge": st.Challenge}, 200, &e)
	code, err := totp.GenerateCode(e.Secret, f.clk.now())
	if err != nil {
		f.t.Fatal(err)
	}
	var done stepJSON
	f.call("POST", "/api/staff/v1/login/enrol/confirm", "", map[string]any{"challenge": st.Challenge, "code": code}, 200, &done)
	if done.Token == "" || len(done.RecoveryCodes) != accounts.RecoveryCodeCount {
		f.t.Fatalf("%s: enrol confirm = %+v", name, done)
	}
	return e.Secret, done.RecoveryCodes
}

// TestTOTPLogin: with the privileged policy the head must enrol before any
// session (QR code, otpauth URL, a first code, ten recovery codes shown
// once); the next login asks for a code; a code is good once; a clerk logs
// in in one step.
func TestTOTPLogin(t *testing.T) {
	f := newStaffFixtureWith(t, privileged)
	st := f.passwordStep("head", staffPassword)
	if st.SecondFactor != "enrol" || st.Next != "enrol" || st.Token != "" {
		t.Fatalf("head's first login = %+v", st)
	}
	// Another step's route refuses this challenge; a forged one is refused.
	f.fail("POST", "/api/staff/v1/login/totp", "", map[string]any{"challenge": st.Challenge, "code": "123456"}, 400)
	f.fail("POST", "/api/staff/v1/login/enrol", "", map[string]any{"challenge": "forged"}, 401)
	var e stepJSON
	f.call("POST", "/api/staff/v1/login/enrol", "", map[string]any{"challenge": st.Challenge}, 200, &e)
	if !strings.HasPrefix(e.OTPAuthURL, "otpauth://totp/") || !strings.Contains(e.OTPAuthURL, e.Secret) || len(e.Secret) < 16 {
		t.Fatalf("enrolment = %+v", e)
	}
	status, png := f.do("POST", "/api/staff/v1/login/enrol/qr.png", "", map[string]any{"challenge": st.Challenge})
	if status != 200 || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("QR code: %d, %d bytes", status, len(png))
	}
	// The secret is stored encrypted, not in clear.
	f.fail("POST", "/api/staff/v1/login/enrol/confirm", "", map[string]any{"challenge": st.Challenge, "code": "000000"}, 401)
	code, _ := totp.GenerateCode(e.Secret, f.clk.now())
	var done stepJSON
	f.call("POST", "/api/staff/v1/login/enrol/confirm", "", map[string]any{"challenge": st.Challenge, "code": code}, 200, &done)
	if done.Token == "" || len(done.RecoveryCodes) != 10 {
		t.Fatalf("confirm = %+v", done)
	}
	u, err := f.db.Staff().StaffByID(context.Background(), f.users["head"].ID)
	if err != nil || !u.TOTPEnabled() || strings.Contains(u.TOTPSecret, e.Secret) {
		t.Fatalf("stored: enabled=%v secret in clear=%v (%v)", u.TOTPEnabled(), strings.Contains(u.TOTPSecret, e.Secret), err)
	}
	var me struct {
		SecondFactor bool `json:"second_factor"`
	}
	f.call("GET", "/api/staff/v1/me", done.Token, nil, 200, &me)
	if !me.SecondFactor {
		t.Error("me: second_factor false after enrolment")
	}
	// The challenge is spent.
	f.fail("POST", "/api/staff/v1/login/enrol/confirm", "", map[string]any{"challenge": st.Challenge, "code": code}, 401)

	// Next login: the code step. The code of the enrolment is spent.
	st = f.passwordStep("head", staffPassword)
	if st.SecondFactor != "totp" || st.Token != "" {
		t.Fatalf("second login = %+v", st)
	}
	f.fail("POST", "/api/staff/v1/login/totp", "", map[string]any{"challenge": st.Challenge, "code": code}, 401)
	f.clk.add(30 * time.Second)
	code, _ = totp.GenerateCode(e.Secret, f.clk.now())
	var in stepJSON
	f.call("POST", "/api/staff/v1/login/totp", "", map[string]any{"challenge": st.Challenge, "code": code}, 200, &in)
	if in.Token == "" {
		t.Fatalf("code login = %+v", in)
	}
	// The clerk is not required to have a second factor.
	if st := f.passwordStep("clerk", staffPassword); st.Token == "" {
		t.Fatalf("clerk login = %+v, want a session", st)
	}
}

// TestRecoveryCodesOneUse: a recovery code completes a login once.
func TestRecoveryCodesOneUse(t *testing.T) {
	f := newStaffFixtureWith(t, privileged)
	_, codes := f.enrol("admin")
	st := f.passwordStep("admin", staffPassword)
	var in stepJSON
	f.call("POST", "/api/staff/v1/login/totp", "", map[string]any{"challenge": st.Challenge,
		"recovery_code": strings.ToUpper(codes[3])}, 200, &in)
	if in.Token == "" {
		t.Fatalf("recovery login = %+v", in)
	}
	st = f.passwordStep("admin", staffPassword)
	f.fail("POST", "/api/staff/v1/login/totp", "", map[string]any{"challenge": st.Challenge, "recovery_code": codes[3]}, 401)
	f.call("POST", "/api/staff/v1/login/totp", "", map[string]any{"challenge": st.Challenge, "recovery_code": codes[4]}, 200, &in)
	recs, _ := f.db.Audit().Find(context.Background(), audit.Query{Action: "staff.recovery_code"})
	if len(recs) != 2 {
		t.Errorf("recovery code uses audited = %d, want 2", len(recs))
	}
}

// TestWrongCodesLockTheAccount: wrong codes count like wrong passwords;
// once locked, even the right code is refused.
func TestWrongCodesLockTheAccount(t *testing.T) {
	f := newStaffFixtureWith(t, privileged)
	secret, _ := f.enrol("head")
	st := f.passwordStep("head", staffPassword)
	for i := 0; i < 4; i++ {
		f.fail("POST", "/api/staff/v1/login/totp", "", map[string]any{"challenge": st.Challenge, "code": "000000"}, 401)
	}
	e := f.fail("POST", "/api/staff/v1/login/totp", "", map[string]any{"challenge": st.Challenge, "code": "000000"}, 429)
	if e.Error.Code != "account_locked" {
		t.Fatalf("fifth wrong code: %+v", e)
	}
	f.clk.add(30 * time.Second)
	code, _ := totp.GenerateCode(secret, f.clk.now())
	f.fail("POST", "/api/staff/v1/login/totp", "", map[string]any{"challenge": st.Challenge, "code": code}, 429)
	if status, _ := f.login(f.username("head"), staffPassword); status != 429 {
		t.Fatalf("password login while locked: %d", status)
	}
}

// TestPasswordChangeAfterReset: after an admin's reset the next login sets
// a new password (weak and common ones refused) before any session.
func TestPasswordChangeAfterReset(t *testing.T) {
	f := newStaffFixture(t)
	f.call("POST", userPath(f.users["clerk"].ID, "/password"), f.token("admin"), map[string]any{"password": "Reset-by-admin1"}, 204, nil)
	st := f.passwordStep("clerk", "Reset-by-admin1")
	if !st.PasswordChange || st.Next != "password" || st.Token != "" {
		t.Fatalf("login after reset = %+v", st)
	}
	for _, bad := range []string{"short1", "password123", "Reset-by-admin1"} {
		e := f.fail("POST", "/api/staff/v1/login/password", "", map[string]any{"challenge": st.Challenge, "new_password": bad}, 422)
		if e.Error.Fields["new_password"] == "" {
			t.Errorf("%q: %+v", bad, e)
		}
	}
	var in stepJSON
	f.call("POST", "/api/staff/v1/login/password", "", map[string]any{"challenge": st.Challenge, "new_password": "My-own-passw0rd"}, 200, &in)
	if in.Token == "" {
		t.Fatalf("after the change = %+v", in)
	}
	if st := f.passwordStep("clerk", "My-own-passw0rd"); st.Token == "" {
		t.Fatalf("next login = %+v, want one step", st)
	}
}

// TestChangeOwnPassword: the current password is required; the change ends
// the sessions.
func TestChangeOwnPassword(t *testing.T) {
	f := newStaffFixture(t)
	tok := f.token("specA")
	f.fail("POST", "/api/staff/v1/me/password", tok, map[string]any{"current_password": "wrong-passw0rd", "new_password": "Brand-new-passw0rd"}, 401)
	f.fail("POST", "/api/staff/v1/me/password", tok, map[string]any{"current_password": staffPassword, "new_password": "qwerty123456"}, 422)
	f.call("POST", "/api/staff/v1/me/password", tok, map[string]any{"current_password": staffPassword, "new_password": "Brand-new-passw0rd"}, 204, nil)
	f.fail("GET", "/api/staff/v1/me", tok, nil, 401)
	if status, _ := f.login(f.username("specA"), staffPassword); status != 401 {
		t.Fatalf("old password: %d", status)
	}
	if st := f.passwordStep("specA", "Brand-new-passw0rd"); st.Token == "" {
		t.Fatalf("new password login = %+v", st)
	}
}

// TestVoluntaryEnrolment: a clerk (not required) enrols from the session;
// afterwards their login asks for the code too.
func TestVoluntaryEnrolment(t *testing.T) {
	f := newStaffFixture(t)
	tok := f.token("clerk")
	var e stepJSON
	f.call("POST", "/api/staff/v1/me/totp", tok, nil, 200, &e)
	status, png := f.do("GET", "/api/staff/v1/me/totp/qr.png", tok, nil)
	if status != 200 || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("QR: %d", status)
	}
	code, _ := totp.GenerateCode(e.Secret, f.clk.now())
	var rc stepJSON
	f.call("POST", "/api/staff/v1/me/totp/confirm", tok, map[string]any{"code": code}, 200, &rc)
	if len(rc.RecoveryCodes) != 10 {
		t.Fatalf("recovery codes = %v", rc.RecoveryCodes)
	}
	if st := f.passwordStep("clerk", staffPassword); st.SecondFactor != "totp" {
		t.Fatalf("login after enrolment = %+v", st)
	}
	// The admin resets it (lost phone): one step again.
	f.call("POST", userPath(f.users["clerk"].ID, "/totp/reset"), f.token("admin"), nil, 204, nil)
	if st := f.passwordStep("clerk", staffPassword); st.Token == "" {
		t.Fatalf("login after reset = %+v", st)
	}
	f.fail("POST", userPath(f.users["auditor"].ID, "/totp/reset"), f.token("admin"), nil, 403)
}

// TestAuditorExport: the auditor exports the log as CSV; the export is
// audited; the admin cannot export.
func TestAuditorExport(t *testing.T) {
	f := newStaffFixture(t)
	f.submit()
	status, raw := f.do("GET", "/api/staff/v1/audit/export.csv?action=case.submit", f.token("auditor"), nil)
	if status != 200 || !strings.HasPrefix(string(raw), "\ufeffid,seq,at,") || !strings.Contains(string(raw), "case.submit") {
		t.Fatalf("export: %d %s", status, raw)
	}
	f.fail("GET", "/api/staff/v1/audit/export.csv", f.token("admin"), nil, 403)
	recs, _ := f.db.Audit().Find(context.Background(), audit.Query{Action: "audit.export"})
	if len(recs) != 2 || recs[1].Result != "ok" || recs[0].Result != "denied" {
		t.Fatalf("export records = %+v", recs)
	}
}

// TestPrivilegedAccountsOnlyAtTheCommandLine: 三员分立 — the API admin
// creates neither admins nor auditors, grants neither role, cannot reset
// the auditor's password, and nobody changes their own role.
func TestPrivilegedAccountsOnlyAtTheCommandLine(t *testing.T) {
	f := newStaffFixture(t)
	admin := f.token("admin")
	for _, role := range []string{"admin", "auditor"} {
		f.fail("POST", "/api/staff/v1/users", admin, map[string]any{"username": "p" + role + "." + f.suffix,
			"password": "Start12345x", "role": role, "name": "x"}, 403)
		f.fail("PUT", userPath(f.users["clerk"].ID, "/role"), admin, map[string]any{"role": role}, 403)
	}
	f.fail("PUT", userPath(f.users["auditor"].ID, "/role"), admin, map[string]any{"role": "clerk"}, 403)
	f.fail("POST", userPath(f.users["auditor"].ID, "/password"), admin, map[string]any{"password": "Taken-over-1"}, 403)
	f.fail("PUT", userPath(f.users["admin"].ID, "/role"), admin, map[string]any{"role": "clerk"}, 409)
}
