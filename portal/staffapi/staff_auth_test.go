package staffapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sunshine/app/audit"
)

func (f *staffFixture) login(username, password string) (int, apiError) {
	f.t.Helper()
	var e apiError
	status, raw := f.do("POST", "/api/staff/v1/login", "", map[string]any{"username": username, "password": password})
	if status != 200 {
		if err := jsonUnmarshal(raw, &e); err != nil {
			f.t.Fatalf("login answer %s: %v", raw, err)
		}
	}
	return status, e
}

func TestLoginAnswersTokenAndUser(t *testing.T) {
	f := newStaffFixture(t)
	var res struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
		User      struct {
			ID       int64  `json:"id"`
			Role     string `json:"role"`
			Phone    string `json:"phone"`
			Password string `json:"password_hash"`
		} `json:"user"`
	}
	f.call("POST", "/api/staff/v1/login", "", map[string]any{"username": f.username("clerk"), "password": staffPassword}, 200, &res)
	if len(res.Token) < 40 || res.User.ID != f.users["clerk"].ID || res.User.Role != "clerk" {
		t.Fatalf("login answer %+v", res)
	}
	if want := f.clk.now().Add(30 * time.Minute); !res.ExpiresAt.Equal(want) {
		t.Errorf("expires_at = %v, want %v (idle timeout)", res.ExpiresAt, want)
	}
	if res.User.Phone != "139****5678" || res.User.Password != "" {
		t.Errorf("user shows phone %q hash %q", res.User.Phone, res.User.Password)
	}
	var me struct {
		ID int64 `json:"id"`
	}
	f.call("GET", "/api/staff/v1/me", res.Token, nil, 200, &me)
	if me.ID != res.User.ID {
		t.Errorf("me = %d", me.ID)
	}
	f.call("POST", "/api/staff/v1/logout", res.Token, nil, 204, nil)
	if e := f.fail("GET", "/api/staff/v1/me", res.Token, nil, 401); e.Error.Code != "unauthenticated" {
		t.Errorf("after logout: %+v", e)
	}
}

func TestMissingOrBadTokenIs401(t *testing.T) {
	f := newStaffFixture(t)
	for _, tok := range []string{"", "not-a-token", strings.Repeat("x", 43)} {
		e := f.fail("GET", "/api/staff/v1/cases", tok, nil, 401)
		if e.Error.Code != "unauthenticated" {
			t.Errorf("token %q: %+v", tok, e)
		}
	}
	// A route that does not exist still asks for a login first.
	f.fail("GET", "/api/staff/v1/nothing-here", "", nil, 401)
}

// TestLockout: five failures within 15 minutes lock the account for 30
// minutes, even for the right password; an unknown user gets the same
// answer as a wrong password; both outcomes are audited.
func TestLockout(t *testing.T) {
	f := newStaffFixture(t)
	name := f.username("clerk")
	_, unknown := f.login("nobody."+f.suffix, "whatever1")
	for i := 1; i <= 4; i++ {
		status, e := f.login(name, "wrong-password1")
		if status != 401 || e.Error.Code != "unauthenticated" {
			t.Fatalf("failure %d: %d %+v", i, status, e)
		}
		if e.Error.Message != unknown.Error.Message {
			t.Fatalf("wrong password says %q, unknown user %q", e.Error.Message, unknown.Error.Message)
		}
		f.clk.add(time.Minute)
	}
	status, e := f.login(name, "wrong-password1")
	if status != 429 || e.Error.Code != "account_locked" {
		t.Fatalf("fifth failure: %d %+v", status, e)
	}
	f.clk.add(29 * time.Minute)
	if status, e := f.login(name, staffPassword); status != 429 || e.Error.Code != "account_locked" {
		t.Fatalf("right password while locked: %d %+v", status, e)
	}
	f.clk.add(2 * time.Minute)
	if status, e := f.login(name, staffPassword); status != 200 {
		t.Fatalf("after the lock: %d %+v", status, e)
	}
	// Another account is not affected by the lock.
	if status, _ := f.login(f.username("head"), staffPassword); status != 200 {
		t.Fatalf("head refused: %d", status)
	}
	recs, err := f.db.Audit().Find(context.Background(), audit.Query{Action: "staff.login", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	results := map[string]int{}
	for _, r := range recs {
		results[r.Result]++
		if r.IP != f.ip {
			t.Errorf("audit ip %q, want %q", r.IP, f.ip)
		}
	}
	if results[audit.OK] != 2 || results[audit.Failed] != 6 || results[audit.Denied] < 2 {
		t.Errorf("login audit results = %v", results)
	}
}

// TestFailuresOutsideTheWindowDoNotLock: failures spread over more than 15
// minutes never reach five in one window.
func TestFailuresOutsideTheWindowDoNotLock(t *testing.T) {
	f := newStaffFixture(t)
	name := f.username("clerk")
	for i := 0; i < 8; i++ {
		if status, e := f.login(name, "wrong-password1"); status != 401 {
			t.Fatalf("failure %d: %d %+v", i, status, e)
		}
		f.clk.add(4 * time.Minute)
	}
	if status, _ := f.login(name, staffPassword); status != 200 {
		t.Fatalf("right password refused: %d", status)
	}
}

// TestAddressLimit: twenty failures from one address within 15 minutes
// block it, whichever accounts they were on.
func TestAddressLimit(t *testing.T) {
	f := newStaffFixture(t)
	for i := 0; i < 5; i++ {
		u := f.addUser("ipvictim"+string(rune('a'+i)), "clerk", "")
		for j := 0; j < 4; j++ {
			if status, e := f.login(u.Username, "wrong-password1"); status != 401 {
				t.Fatalf("failure %d/%d: %d %+v", i, j, status, e)
			}
		}
	}
	status, e := f.login(f.username("head"), staffPassword)
	if status != 429 || e.Error.Code != "too_many" {
		t.Fatalf("21st attempt: %d %+v", status, e)
	}
	f.clk.add(16 * time.Minute)
	if status, e := f.login(f.username("head"), staffPassword); status != 200 {
		t.Fatalf("after the window: %d %+v", status, e)
	}
}

func TestDisabledUserCannotLogIn(t *testing.T) {
	f := newStaffFixture(t)
	tok := f.token("clerk")
	f.call("POST", userPath(f.users["clerk"].ID, "/disable"), f.token("admin"), nil, 200, nil)
	// The token of the disabled user is refused on the very next request.
	f.fail("GET", "/api/staff/v1/me", tok, nil, 401)
	status, e := f.login(f.username("clerk"), staffPassword)
	if status != 403 || e.Error.Code != "forbidden" {
		t.Fatalf("disabled login: %d %+v", status, e)
	}
	// With a wrong password the answer stays the generic one.
	if status, e := f.login(f.username("clerk"), "wrong-password1"); status != 401 || e.Error.Message != "用户名或密码错误" {
		t.Fatalf("disabled, wrong password: %d %+v", status, e)
	}
	f.call("POST", userPath(f.users["clerk"].ID, "/enable"), f.token("admin"), nil, 200, nil)
	if status, _ := f.login(f.username("clerk"), staffPassword); status != 200 {
		t.Fatalf("enabled again: %d", status)
	}
}

func TestIdleTimeout(t *testing.T) {
	f := newStaffFixture(t)
	tok := f.token("clerk")
	f.clk.add(29 * time.Minute)
	f.call("GET", "/api/staff/v1/me", tok, nil, 200, nil)
	f.clk.add(29 * time.Minute) // the request at 29 min moved the idle window
	f.call("GET", "/api/staff/v1/me", tok, nil, 200, nil)
	f.clk.add(31 * time.Minute)
	f.fail("GET", "/api/staff/v1/me", tok, nil, 401)
}

func TestAbsoluteTimeout(t *testing.T) {
	f := newStaffFixture(t)
	tok := f.token("clerk")
	for i := 0; i < 28; i++ { // a request every 25 minutes for 11 h 40 min
		f.clk.add(25 * time.Minute)
		f.call("GET", "/api/staff/v1/me", tok, nil, 200, nil)
	}
	f.clk.add(25 * time.Minute) // 12 h 05 min after login
	f.fail("GET", "/api/staff/v1/me", tok, nil, 401)
}

func TestRoleChangeEndsSessions(t *testing.T) {
	f := newStaffFixture(t)
	tok := f.token("specB")
	other := f.token("specA")
	f.call("PUT", userPath(f.users["specB"].ID, "/role"), f.token("admin"), map[string]any{"role": "clerk"}, 200, nil)
	f.fail("GET", "/api/staff/v1/me", tok, nil, 401)
	f.call("GET", "/api/staff/v1/me", other, nil, 200, nil) // other users keep theirs
	delete(f.tokens, "specB")
	var me struct {
		Role string `json:"role"`
	}
	f.call("GET", "/api/staff/v1/me", f.token("specB"), nil, 200, &me)
	if me.Role != "clerk" {
		t.Errorf("role after change = %q", me.Role)
	}
}

func TestPasswordResetEndsSessionsAndLiftsLock(t *testing.T) {
	f := newStaffFixture(t)
	tok := f.token("clerk")
	for i := 0; i < 5; i++ {
		f.login(f.username("clerk"), "wrong-password1")
	}
	if status, _ := f.login(f.username("clerk"), staffPassword); status != 429 {
		t.Fatalf("not locked: %d", status)
	}
	f.call("POST", userPath(f.users["clerk"].ID, "/password"), f.token("admin"), map[string]any{"password": "NewPassw0rd9"}, 204, nil)
	f.fail("GET", "/api/staff/v1/me", tok, nil, 401)
	if status, _ := f.login(f.username("clerk"), staffPassword); status != 401 {
		t.Fatalf("old password: %d", status)
	}
	if status, e := f.login(f.username("clerk"), "NewPassw0rd9"); status != 200 {
		t.Fatalf("new password: %d %+v", status, e)
	}
}

func TestLoginBadInput(t *testing.T) {
	f := newStaffFixture(t)
	e := f.fail("POST", "/api/staff/v1/login", "", map[string]any{"username": "", "password": ""}, 422)
	if e.Error.Fields["username"] == "" || e.Error.Fields["password"] == "" {
		t.Errorf("fields = %v", e.Error.Fields)
	}
	e = f.fail("POST", "/api/staff/v1/login", "", map[string]any{"username": "a", "password": "b", "remember": true}, 422)
	if e.Error.Fields["remember"] == "" {
		t.Errorf("unknown field not named: %+v", e)
	}
	f.fail("POST", "/api/staff/v1/login", "", `{"username":`, 400)
	status, _ := f.do("POST", "/api/staff/v1/login", "", nil)
	if status != 415 {
		t.Errorf("no content type: %d", status)
	}
}
