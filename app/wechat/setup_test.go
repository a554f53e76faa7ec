package wechat

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestSimulatorRefusedInProduction(t *testing.T) {
	rdb, _ := newRedis(t)
	prod := Config{Env: EnvProduction, Mode: ModeSimulator}
	if _, err := NewSimulator(prod); err == nil {
		t.Fatalf("NewSimulator accepted a production config")
	}
	if _, err := NewSimulator(Config{Env: EnvDevelopment, Mode: ModeLive}); err == nil {
		t.Fatalf("NewSimulator accepted live mode")
	}
	sim, err := NewSimulator(Config{Mode: ModeSimulator})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewClient(prod, rdb, WithSimulator(sim)); err == nil {
		t.Fatalf("NewClient accepted the simulator in production")
	}
	if _, err := NewClient(Config{Mode: ModeSimulator}, rdb); err == nil {
		t.Fatalf("NewClient in simulator mode without a simulator")
	}
	live := Config{Env: EnvProduction, Mode: ModeLive, MiniProgram: AppCredentials{"wx1", "s1"}, PushToken: "t"}
	if _, err := NewClient(live, rdb, WithSimulator(sim)); err == nil {
		t.Fatalf("NewClient accepted a simulator in live mode")
	}
	if err := (Config{Mode: ModeLive}).Validate(); err == nil {
		t.Fatalf("live mode without credentials validated")
	}
	if err := live.Validate(); err != nil {
		t.Fatalf("valid live config: %v", err)
	}
}

func TestConfigStringMasksSecrets(t *testing.T) {
	c := Config{Mode: ModeSimulator}.WithSimulatorDefaults()
	s := c.String()
	for _, secret := range []string{c.MiniProgram.AppSecret, c.OfficialAccount.AppSecret, c.Work.Secret, c.PushToken, c.PushEncodingAESKey} {
		if strings.Contains(s, secret) {
			t.Fatalf("Config.String leaks %q: %s", secret, s)
		}
	}
	if !strings.Contains(s, c.MiniProgram.AppID) {
		t.Fatalf("Config.String hides the AppID: %s", s)
	}
}

func TestSimulatorRefusesOtherHosts(t *testing.T) {
	sim, err := NewSimulator(Config{Mode: ModeSimulator})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := sim.HTTPClient().Get("https://example.com/")
	if err == nil {
		resp.Body.Close()
		t.Fatalf("the simulator transport reached a non-WeChat host")
	}
	resp, err = sim.HTTPClient().Get("https://api.weixin.qq.com/cgi-bin/nothing")
	if err != nil || resp.StatusCode != 404 {
		t.Fatalf("unknown endpoint: %v, %v", resp, err)
	}
	resp.Body.Close()
}

func TestRedisCache(t *testing.T) {
	rdb, prefix := newRedis(t)
	c := NewRedisCache(rdb, prefix, nil)
	ctx := context.Background()

	if c.Get("k") != nil || c.IsExist("k") {
		t.Fatalf("missing key is present")
	}
	if err := c.Set("k", "v1", time.Minute); err != nil {
		t.Fatal(err)
	}
	if got := c.Get("k"); got != "v1" || !c.IsExist("k") {
		t.Fatalf("Get = %v", got)
	}
	if ttl := rdb.TTL(ctx, prefix+"k").Val(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("TTL = %v, want (0, 1m]", ttl)
	}
	for _, ttl := range []time.Duration{0, -300 * time.Second} {
		if err := c.Set("k", "v2", ttl); err != nil {
			t.Fatal(err)
		}
		if c.Get("k") != nil {
			t.Fatalf("ttl %v: a value was kept", ttl)
		}
		if n := rdb.Exists(ctx, prefix+"k").Val(); n != 0 {
			t.Fatalf("ttl %v: key stored without expiry", ttl)
		}
	}
	if err := c.Set("k", 42, time.Minute); err == nil {
		t.Fatalf("non-string value accepted")
	}
	_ = c.Set("k", "v3", time.Minute)
	if err := c.Delete("k"); err != nil || c.Get("k") != nil {
		t.Fatalf("Delete: %v", err)
	}
}

func TestErrorsCarryNoSecrets(t *testing.T) {
	raw := []error{
		errString("http get error : uri=https://api.weixin.qq.com/sns/jscode2session?appid=wx&secret=S3CR3T&js_code=abc&grant_type=authorization_code , statusCode=502"),
		errString("template msg send error : errcode=43004 , errmsg=require subscribe"),
		errString("get stable access_token error : errcode=-1 , errormsg=system error"),
	}
	want := []struct{ code, status int }{{0, 502}, {43004, 0}, {-1, 0}}
	for i, r := range raw {
		err := wrapErr("op", r)
		e := err.(*Error)
		if e.Code != want[i].code || e.HTTPStatus != want[i].status || strings.Contains(err.Error(), "S3CR3T") {
			t.Fatalf("wrapErr(%q) = %+v", r, e)
		}
	}
	if !IsTemporary(wrapErr("op", raw[0])) || !IsTemporary(wrapErr("op", raw[2])) || IsTemporary(wrapErr("op", raw[1])) {
		t.Fatalf("IsTemporary wrong")
	}
}

type errString string

func (e errString) Error() string { return string(e) }
