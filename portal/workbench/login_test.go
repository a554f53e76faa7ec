package workbench_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

var (
	secretRe    = regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`)
	challengeRe = regexp.MustCompile(`name="challenge" value="([^"]+)"`)
	tokenRe     = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
)

// TestSecondFactorLogin: with the second factor required of the head, the
// first login enrols (QR and key, a first code, recovery codes shown once),
// the next asks for a code; no cookie session exists before the last step.
func TestSecondFactorLogin(t *testing.T) {
	e := newEnvWith(t, map[string]string{"SUNSHINE_STAFF_2FA": "privileged"})
	b := e.browser()
	st, page := b.post("/staff/login", "/staff/login", url.Values{"username": {e.users["head"].Username}, "password": {password}})
	secret := secretRe.FindStringSubmatch(page)
	if st != 200 || secret == nil {
		t.Fatalf("first login of the head: %d, want the enrolment page", st)
	}
	if st, _, _ := b.do("GET", "/staff", nil); st != 303 {
		t.Fatalf("before the second factor: GET /staff = %d, want the redirect to the login", st)
	}
	step := func(page string, form url.Values) (int, string) {
		t.Helper()
		form.Set("_csrf", tokenRe.FindStringSubmatch(page)[1])
		form.Set("challenge", challengeRe.FindStringSubmatch(page)[1])
		st, body, h := b.do("POST", "/staff/login/step", form)
		if st == 303 {
			return b.get(h.Get("Location"))
		}
		return st, body
	}
	st, body := step(page, url.Values{"step": {"enrol"}, "code": {"000000"}})
	if st == 200 || !strings.Contains(body, "totp-secret") {
		t.Fatalf("a wrong first code: %d, want the enrolment page again with the message", st)
	}
	code, _ := totp.GenerateCode(secret[1], e.clk.Now())
	st, body = step(body, url.Values{"step": {"enrol"}, "code": {code}})
	if st != 200 || !strings.Contains(body, "恢复码") {
		t.Fatalf("enrolment: %d", st)
	}
	if _, home := b.get("/staff"); !strings.Contains(home, "例会审核") {
		t.Fatal("after the enrolment the head is not signed in")
	}

	e.clk.mu.Lock()
	e.clk.t = e.clk.t.Add(time.Minute) // the next code
	e.clk.mu.Unlock()
	b = e.browser()
	_, page = b.post("/staff/login", "/staff/login", url.Values{"username": {e.users["head"].Username}, "password": {password}})
	if !strings.Contains(page, `value="totp"`) {
		t.Fatal("second login: no code step")
	}
	code, _ = totp.GenerateCode(secret[1], e.clk.Now())
	if st, body := step(page, url.Values{"step": {"totp"}, "code": {code}}); st != 200 || !strings.Contains(body, "例会审核") {
		t.Fatalf("code step: %d", st)
	}
}
