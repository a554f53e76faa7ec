package wechat

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// noSecrets fails when an error text carries a token or a secret.
func noSecrets(t *testing.T, err error) {
	t.Helper()
	text := fmt.Sprintf("%v %+v", err, err)
	for _, bad := range []string{"simtok_", "access_token=", SimMiniProgramSecret, SimOfficialAccountSecret, SimWorkSecret} {
		if strings.Contains(text, bad) && !strings.Contains(text, "access_token=***") {
			t.Fatalf("error leaks %q: %s", bad, text)
		}
	}
}

func TestTokenRejectedIsRetriedOnce(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	user := e.login(t, "dave").OpenID
	if err := e.sim.Grant(user, nil); err != nil { // every configured template
		t.Fatalf("Grant: %v", err)
	}
	if e.sim.Credits(user, tmplAccepted) != 1 || e.sim.Credits(user, tmplDelivered) != 1 {
		t.Fatalf("Grant(nil) did not credit every configured template")
	}
	send := func(tmpl string) error {
		return e.client.SendSubscribe(ctx, SubscribeMessage{ToUser: user, TemplateID: tmpl, Data: map[string]string{"thing1": "测试"}})
	}
	if err := send(tmplAccepted); err != nil {
		t.Fatalf("first send: %v", err)
	}

	e.sim.InvalidateTokens() // 40001 on the next call
	before := e.sim.Calls(EndpointSubscribeSend)
	if err := send(tmplDelivered); err != nil {
		t.Fatalf("send after invalidation: %v", err)
	}
	if got := e.sim.Calls(EndpointSubscribeSend) - before; got != 2 {
		t.Fatalf("subscribe/send calls = %d, want 2 (rejected + retried)", got)
	}
	if n := e.sim.Calls(EndpointStableToken); n != 2 {
		t.Fatalf("stable_token calls = %d, want 2", n)
	}

	e.sim.Advance(2*time.Hour + time.Second) // 42001 on the next call
	if _, err := e.client.PhoneNumber(ctx, "sim-phone-13700137000"); err != nil {
		t.Fatalf("PhoneNumber after expiry: %v", err)
	}
	if n := e.sim.Calls(EndpointStableToken); n != 3 {
		t.Fatalf("stable_token calls = %d, want 3", n)
	}

	e.sim.AddWorkUsers("wangwu")
	if err := e.client.SendWorkText(ctx, "wangwu", "提醒"); err != nil {
		t.Fatalf("work send: %v", err)
	}
	e.sim.InvalidateTokens() // 40014 on Work WeChat
	if err := e.client.SendWorkText(ctx, "wangwu", "提醒"); err != nil {
		t.Fatalf("work send after invalidation: %v", err)
	}
	if n := e.sim.Calls(EndpointWorkToken); n != 2 {
		t.Fatalf("work gettoken calls = %d, want 2", n)
	}

	// Only one retry: a token rejected twice is reported.
	e.sim.Inject(Fault{Endpoint: EndpointPhoneNumber, ErrCode: CodeInvalidCredential, Times: 2})
	_, err := e.client.PhoneNumber(ctx, "sim-phone-13700137000")
	wantCode(t, err, CodeInvalidCredential)
}

func TestShortLivedTokenIsNotCached(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	if _, err := e.client.PhoneNumber(ctx, "sim-phone-13800000001"); err != nil {
		t.Fatal(err)
	}
	key := e.client.tokenKeys[chanMini]
	e.sim.Advance(7200*time.Second - 100*time.Second) // WeChat now answers expires_in≈100
	if err := e.client.cache.Delete(key); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.PhoneNumber(ctx, "sim-phone-13800000001"); err != nil {
		t.Fatalf("PhoneNumber with a short-lived token: %v", err)
	}
	if n, err := e.rdb.Exists(ctx, e.cfg.keyPrefix()+"token:"+key).Result(); err != nil || n != 0 {
		t.Fatalf("a token with expires_in-300 <= 0 was cached (exists=%d, err=%v)", n, err)
	}
}

func TestFailureInjectionAndRecovery(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.HTTPTimeout = 300 * time.Millisecond })
	ctx := context.Background()
	user := e.login(t, "erin").OpenID
	if err := e.sim.Grant(user, []string{tmplAccepted}); err != nil {
		t.Fatal(err)
	}
	msg := SubscribeMessage{ToUser: user, TemplateID: tmplAccepted, Data: map[string]string{"thing1": "办结通知"}}

	e.sim.Inject(Fault{Endpoint: EndpointSubscribeSend, ErrCode: CodeSystemBusy, Times: 2})
	for i := 0; i < 2; i++ {
		err := e.client.SendSubscribe(ctx, msg)
		wantCode(t, err, CodeSystemBusy)
		if !IsTemporary(err) {
			t.Fatalf("-1 is not temporary")
		}
	}
	if e.sim.Credits(user, tmplAccepted) != 1 {
		t.Fatalf("a failed send spent the credit")
	}

	e.sim.Inject(Fault{HTTPStatus: 500}) // every endpoint, next call
	err := e.client.SendSubscribe(ctx, msg)
	var we *Error
	if !errors.As(err, &we) || we.HTTPStatus != 500 || !IsTemporary(err) {
		t.Fatalf("HTTP 500: err = %v", err)
	}
	noSecrets(t, err)

	e.sim.Inject(Fault{Endpoint: EndpointSubscribeSend, Delay: 2 * time.Second})
	start := time.Now()
	err = e.client.SendSubscribe(ctx, msg)
	if !errors.As(err, &we) || !we.Timeout || !IsTemporary(err) {
		t.Fatalf("slow WeChat: err = %v, want a temporary timeout", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("timeout took %v, want about 300ms", d)
	}
	noSecrets(t, err)

	e.sim.Inject(Fault{ErrCode: CodeSystemBusy, For: 150 * time.Millisecond})
	wantCode(t, e.client.SendSubscribe(ctx, msg), CodeSystemBusy)
	wantCode(t, e.client.SendSubscribe(ctx, msg), CodeSystemBusy)
	time.Sleep(200 * time.Millisecond)

	if err := e.client.SendSubscribe(ctx, msg); err != nil {
		t.Fatalf("after the outage: %v", err)
	}
	if got := e.sim.Messages(user); len(got) != 1 {
		t.Fatalf("messages = %d, want exactly 1 delivery", len(got))
	}

	e.sim.Inject(Fault{Endpoint: EndpointStableToken, ErrCode: CodeSystemBusy})
	e.sim.InvalidateTokens()
	_, err = e.client.PhoneNumber(ctx, "sim-phone-13800000002")
	wantCode(t, err, CodeSystemBusy) // the token endpoint's errcode, parsed from the SDK's text
	noSecrets(t, err)
	if _, err := e.client.PhoneNumber(ctx, "sim-phone-13800000002"); err != nil {
		t.Fatalf("after the token outage: %v", err)
	}
}

func TestConcurrentInstances(t *testing.T) {
	e := newEnv(t, nil)
	other, err := NewClient(e.cfg, e.rdb, WithSimulator(e.sim)) // a second instance, same Redis
	if err != nil {
		t.Fatal(err)
	}
	clients := []*Client{e.client, other}
	ctx := context.Background()
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := clients[i%2]
			s, err := c.Code2Session(ctx, fmt.Sprintf("sim-u%d", i))
			if err == nil {
				err = e.sim.Grant(s.OpenID, []string{tmplAccepted})
			}
			if err == nil {
				err = c.SendSubscribe(ctx, SubscribeMessage{ToUser: s.OpenID, TemplateID: tmplAccepted,
					Data: map[string]string{"thing1": fmt.Sprintf("案件%d", i)}})
			}
			if err == nil {
				_, err = c.PhoneNumber(ctx, fmt.Sprintf("sim-phone-138%08d", i))
			}
			if err != nil {
				errs <- fmt.Errorf("worker %d: %w", i, err)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i := 0; i < n; i++ {
		openid := fmt.Sprintf("sim-openid-u%d", i)
		if got := e.sim.Messages(openid); len(got) != 1 || got[0].Data["thing1"] != fmt.Sprintf("案件%d", i) {
			t.Fatalf("messages for %s = %+v", openid, got)
		}
	}
	if c := e.sim.Calls(EndpointStableToken); c < 1 || c > 2 {
		t.Fatalf("stable_token calls = %d, want 1..2 (one per instance at most)", c)
	}
	if events, _ := e.sink.snapshot(); len(events) != n {
		t.Fatalf("push events = %d, want %d", len(events), n)
	}
}
