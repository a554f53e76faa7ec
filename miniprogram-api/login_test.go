package mpapi_test

import (
	"strings"
	"testing"
	"time"

	"sunshine/app/wechat"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name := "login-" + randomName()
	r := must(t, e.call("POST", "/api/mp/v1/login", "", map[string]string{"code": "sim-" + name}), 200)
	var out struct {
		Token     string
		ExpiresAt time.Time `json:"expires_at"`
		User      struct {
			ID         int64
			Membership string
			Enterprise any
		}
	}
	r.decode(t, &out)
	if out.Token == "" || out.User.ID == 0 || out.User.Membership != "none" || out.User.Enterprise != nil {
		t.Fatalf("login answer %s", r.Body)
	}
	// idle 30 days from the (injected) login time.
	if want := monday.Add(30 * 24 * time.Hour); !out.ExpiresAt.Equal(want) {
		t.Fatalf("expires_at %v, want %v", out.ExpiresAt, want)
	}
	for _, secret := range []string{"session_key", "openid", "unionid", "sim-openid-"} {
		if strings.Contains(string(r.Body), secret) {
			t.Fatalf("login answer leaks %q: %s", secret, r.Body)
		}
	}
	must(t, e.call("GET", "/api/mp/v1/me", out.Token, nil), 200)

	t.Run("reused_code_is_wx_code_invalid", func(t *testing.T) {
		r := must(t, e.call("POST", "/api/mp/v1/login", "", map[string]string{"code": "sim-" + name}), 401)
		if r.errCode() != "wx_code_invalid" {
			t.Fatalf("code %q: %s", r.errCode(), r.Body)
		}
	})
	t.Run("unknown_code_is_wx_code_invalid", func(t *testing.T) {
		r := must(t, e.call("POST", "/api/mp/v1/login", "", map[string]string{"code": "not-a-sim-code"}), 401)
		if r.errCode() != "wx_code_invalid" {
			t.Fatalf("code %q", r.errCode())
		}
	})
	t.Run("missing_code_is_422", func(t *testing.T) {
		r := must(t, e.call("POST", "/api/mp/v1/login", "", map[string]string{}), 422)
		if !strings.Contains(string(r.Body), `"code"`) {
			t.Fatalf("no field message: %s", r.Body)
		}
	})
	t.Run("unknown_field_is_422", func(t *testing.T) {
		must(t, e.call("POST", "/api/mp/v1/login", "", map[string]string{"code": "sim-x", "openid": "y"}), 422)
	})
	t.Run("no_token_is_401", func(t *testing.T) {
		must(t, e.call("GET", "/api/mp/v1/me", "", nil), 401)
		must(t, e.call("GET", "/api/mp/v1/me", "forged-token", nil), 401)
	})
	t.Run("logout_ends_the_session", func(t *testing.T) {
		u := e.login("bye")
		must(t, e.call("POST", "/api/mp/v1/logout", u.Token, nil), 204)
		must(t, e.call("GET", "/api/mp/v1/me", u.Token, nil), 401)
	})
	t.Run("idle_and_absolute_timeouts", func(t *testing.T) {
		u := e.login("idle")
		e.clock.Add(29 * 24 * time.Hour)
		must(t, e.call("GET", "/api/mp/v1/me", u.Token, nil), 200) // activity renews the idle timeout
		e.clock.Add(29 * 24 * time.Hour)
		must(t, e.call("GET", "/api/mp/v1/me", u.Token, nil), 200)
		e.clock.Add(31 * 24 * time.Hour) // idle for 31 days
		must(t, e.call("GET", "/api/mp/v1/me", u.Token, nil), 401)
		v := e.login("abs")
		for i := 0; i < 4; i++ {
			e.clock.Add(25 * 24 * time.Hour)
			if i < 3 {
				must(t, e.call("GET", "/api/mp/v1/me", v.Token, nil), 200)
			}
		}
		must(t, e.call("GET", "/api/mp/v1/me", v.Token, nil), 401) // 100 days after login
	})
}

// TestLoginWeChatFailures injects WeChat failures; it is not parallel, so
// the simulator's faults meet only its own calls.
func TestLoginWeChatFailures(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		fault  wechat.Fault
		status int
		code   string
	}{
		{wechat.Fault{Endpoint: wechat.EndpointCode2Session, ErrCode: 45011}, 503, "unavailable"},
		{wechat.Fault{Endpoint: wechat.EndpointCode2Session, ErrCode: -1}, 503, "unavailable"},
		{wechat.Fault{Endpoint: wechat.EndpointCode2Session, HTTPStatus: 500}, 503, "unavailable"},
		{wechat.Fault{Endpoint: wechat.EndpointCode2Session, ErrCode: 40226}, 403, "forbidden"},
		{wechat.Fault{Endpoint: wechat.EndpointCode2Session, ErrCode: 40163}, 401, "wx_code_invalid"},
	} {
		sim.Inject(tc.fault)
		r := e.call("POST", "/api/mp/v1/login", "", map[string]string{"code": "sim-fault-" + randomName()})
		if r.Status != tc.status || r.errCode() != tc.code {
			t.Errorf("fault %+v: %d %s, want %d %s", tc.fault, r.Status, r.Body, tc.status, tc.code)
		}
		if tc.status == 503 && r.Header.Get("Retry-After") == "" {
			t.Errorf("fault %+v: 503 without Retry-After", tc.fault)
		}
	}
	sim.ClearFaults()
	// After the outage the same kind of code works again.
	e.login("after")
}

func TestPhone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login("phone")
	r := must(t, e.call("POST", "/api/mp/v1/phone", u.Token, map[string]string{"code": "sim-phone-13912345678"}), 200)
	var me struct{ Phone string }
	r.decode(t, &me)
	if me.Phone != "139****5678" {
		t.Fatalf("phone %q, want masked 139****5678", me.Phone)
	}
	m, err := e.db.Members().Member(ctx, u.ID)
	if err != nil || m.Phone != "13912345678" {
		t.Fatalf("stored phone %q, %v", m.Phone, err)
	}
	r = must(t, e.call("POST", "/api/mp/v1/phone", u.Token, map[string]string{"code": "bogus"}), 422)
	if !strings.Contains(string(r.Body), `"code"`) {
		t.Fatalf("no field message: %s", r.Body)
	}
	if m, _ := e.db.Members().Member(ctx, u.ID); m.Phone != "13912345678" {
		t.Fatalf("a bad code changed the phone to %q", m.Phone)
	}
	must(t, e.call("POST", "/api/mp/v1/phone", "", map[string]string{"code": "sim-phone-13912345678"}), 401)
}
