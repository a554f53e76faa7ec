package wechat

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/redis/go-redis/v9"
)

// simCall sends one request to a simulator over its own HTTP client and
// decodes the JSON answer.
func simCall(t *testing.T, s *Simulator, method, url string, body any) map[string]any {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func errcode(m map[string]any) int {
	n, _ := m["errcode"].(float64)
	return int(n)
}

func newShared(t *testing.T, rdb redis.UniversalClient, cfg Config, prefix string) *Simulator {
	t.Helper()
	s, err := NewSharedSimulator(cfg, rdb, prefix)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSharedSimulatorIsOneWeChat: two simulators on one Redis (two
// instances) behave as one WeChat, and a third (a restart) remembers.
func TestSharedSimulatorIsOneWeChat(t *testing.T) {
	rdb, keyPrefix := newRedis(t)
	prefix := keyPrefix + "{wxsim}:" // under the test's prefix: cleaned up at the end
	cfg := testConfig(keyPrefix).WithSimulatorDefaults()
	a, b := newShared(t, rdb, cfg, prefix), newShared(t, rdb, cfg, prefix)
	if !a.Shared() {
		t.Fatal("not shared")
	}
	mp := "https://" + APIHost + "/sns/jscode2session?grant_type=authorization_code&appid=" + cfg.MiniProgram.AppID +
		"&secret=" + cfg.MiniProgram.AppSecret + "&js_code="
	if r := simCall(t, a, "GET", mp+"sim-alice", nil); r["openid"] != "sim-openid-alice" {
		t.Fatalf("login through a = %v", r)
	}
	if r := simCall(t, b, "GET", mp+"sim-alice", nil); errcode(r) != CodeCodeUsed {
		t.Fatalf("the code spent through a, again through b = %v, want %d", r, CodeCodeUsed)
	}

	// A token issued by a works on b; a follower added on a is known to b.
	tok := simCall(t, a, "GET", "https://"+APIHost+"/cgi-bin/token?grant_type=client_credential&appid="+
		cfg.OfficialAccount.AppID+"&secret="+cfg.OfficialAccount.AppSecret, nil)["access_token"].(string)
	openid := a.AddFollower("bob")
	send := map[string]any{"touser": openid, "template_id": "tmpl-oa", "data": map[string]any{"first": map[string]any{"value": "您好"}}}
	if r := simCall(t, b, "POST", "https://"+APIHost+"/cgi-bin/message/template/send?access_token="+tok, send); errcode(r) != 0 {
		t.Fatalf("template send through b = %v", r)
	}
	for name, s := range map[string]*Simulator{"a": a, "b": b, "restarted": newShared(t, rdb, cfg, prefix)} {
		msgs := s.Messages(openid)
		if len(msgs) != 1 || msgs[0].Channel != ChannelTemplate || msgs[0].Data["first"] != "您好" {
			t.Fatalf("messages read through %s = %+v", name, msgs)
		}
	}

	// Credits granted on b are spent on a, once.
	if err := b.Grant("sim-openid-carol", []string{tmplAccepted}); err != nil {
		t.Fatal(err)
	}
	if n := a.Credits("sim-openid-carol", tmplAccepted); n != 1 {
		t.Fatalf("credits seen by a = %d", n)
	}
	mtok := simCall(t, b, "POST", "https://"+APIHost+"/cgi-bin/stable_token", map[string]any{"grant_type": "client_credential",
		"appid": cfg.MiniProgram.AppID, "secret": cfg.MiniProgram.AppSecret})["access_token"].(string)
	sub := map[string]any{"touser": "sim-openid-carol", "template_id": tmplAccepted, "data": map[string]any{"thing1": map[string]any{"value": "受理"}}}
	if r := simCall(t, a, "POST", "https://"+APIHost+"/cgi-bin/message/subscribe/send?access_token="+mtok, sub); errcode(r) != 0 {
		t.Fatalf("subscribe send through a = %v", r)
	}
	if r := simCall(t, b, "POST", "https://"+APIHost+"/cgi-bin/message/subscribe/send?access_token="+mtok, sub); errcode(r) != CodeNoCredit {
		t.Fatalf("second send through b = %v, want %d", r, CodeNoCredit)
	}
	// The stable token is the same for every instance; invalidating on one
	// invalidates it for all.
	again := simCall(t, a, "POST", "https://"+APIHost+"/cgi-bin/stable_token", map[string]any{"grant_type": "client_credential",
		"appid": cfg.MiniProgram.AppID, "secret": cfg.MiniProgram.AppSecret})["access_token"]
	if again != mtok {
		t.Fatalf("stable token through a = %v, want %s", again, mtok)
	}
	b.InvalidateTokens()
	if r := simCall(t, a, "POST", "https://"+APIHost+"/cgi-bin/message/subscribe/send?access_token="+mtok, sub); errcode(r) != CodeInvalidCredential {
		t.Fatalf("invalidated token through a = %v", r)
	}
	if got := len(a.Messages("")); got != 2 {
		t.Fatalf("log = %d messages, want 2", got)
	}
}

func TestSharedSimulatorNeedsHashTag(t *testing.T) {
	rdb, _ := newRedis(t)
	if _, err := NewSharedSimulator(testConfig(""), rdb, "wxsim:"); err == nil {
		t.Fatal("a prefix without a hash tag was accepted")
	}
}
