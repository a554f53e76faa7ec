package mpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"sunshine/app/audit"
	"sunshine/app/wechat"
)

// pushes runs fn with the simulator pushing to this instance and returns
// the raw requests it sent.
func (e *env) pushes(fn func()) []*http.Request {
	pushMu.Lock()
	defer pushMu.Unlock()
	var sent []*http.Request
	sim.SetPushTarget(func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		kept := r.Clone(ctx)
		kept.Body = io.NopCloser(bytes.NewReader(b))
		sent = append(sent, kept)
		r.Body = io.NopCloser(bytes.NewReader(b))
		return e.app.Test(r, -1)
	})
	defer sim.SetPushTarget(nil)
	fn()
	return sent
}

// replay sends a copy of a captured push again.
func (e *env) replay(r *http.Request) *resp {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	req := httptest.NewRequest("POST", r.URL.RequestURI(), bytes.NewReader(b))
	req.Header.Set("Content-Type", r.Header.Get("Content-Type"))
	return e.send(req)
}

func signedQuery(ts time.Time, nonce string, extra ...string) url.Values {
	c := wxCfg.WithSimulatorDefaults()
	t := strconv.FormatInt(ts.Unix(), 10)
	q := url.Values{"timestamp": {t}, "nonce": {nonce}, "signature": {wechat.Signature(c.PushToken, t, nonce)}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

func TestPushEcho(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	q := signedQuery(time.Now(), "12345", "echostr", "hello-wechat")
	r := must(t, e.call("GET", "/wechat/push?"+q.Encode(), "", nil), 200)
	if string(r.Body) != "hello-wechat" {
		t.Fatalf("echo %q", r.Body)
	}
	// The echo spends its nonce: a captured verification is not answered twice.
	must(t, e.call("GET", "/wechat/push?"+q.Encode(), "", nil), 409)
	q.Set("signature", "0000")
	must(t, e.call("GET", "/wechat/push?"+q.Encode(), "", nil), 401)
	stale := signedQuery(time.Now().Add(-10*time.Minute), "12345", "echostr", "x")
	must(t, e.call("GET", "/wechat/push?"+stale.Encode(), "", nil), 401)
	must(t, e.call("GET", "/wechat/push?"+signedQuery(time.Now(), "1").Encode(), "", nil), 400)
}

func TestPushVerification(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login("push")
	sent := e.pushes(func() {
		if err := sim.Grant(u.OpenID, []string{"sim-tmpl-progress"}); err != nil {
			t.Fatalf("grant: %v", err)
		}
	})
	if len(sent) != 1 || sent[0].URL.Query().Get("encrypt_type") != "aes" {
		t.Fatalf("pushes %v", sent)
	}
	balance := func() int {
		n, err := e.notify.Credits().Balance(ctx, u.OpenID, "sim-tmpl-progress")
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if balance() != 1 {
		t.Fatalf("credits %d after one popup", balance())
	}

	t.Run("replayed_nonce_is_409", func(t *testing.T) {
		r := must(t, e.replay(sent[0]), 409)
		if r.errCode() != "conflict" || balance() != 1 {
			t.Fatalf("replay: %s, credits %d", r.Body, balance())
		}
	})
	t.Run("plain_push_in_safe_mode_is_401", func(t *testing.T) {
		// A captured plain-mode triplet carrying an invented event: the body
		// is not covered, so it is refused and grants nothing.
		forged := `{"ToUserName":"gh_sim","FromUserName":"` + u.OpenID + `","CreateTime":1,"MsgType":"event","Event":"subscribe_msg_popup_event","List":{"TemplateId":"sim-tmpl-progress","SubscribeStatusString":"accept","PopupScene":"0"}}`
		q := signedQuery(time.Now(), "8080808")
		req := httptest.NewRequest("POST", "/wechat/push?"+q.Encode(), bytes.NewReader([]byte(forged)))
		req.Header.Set("Content-Type", "application/json")
		must(t, e.send(req), 401)
		if balance() != 1 {
			t.Fatalf("credits %d after a forged plain push", balance())
		}
	})
	t.Run("bad_signature_is_401", func(t *testing.T) {
		r := sent[0].Clone(ctx)
		q := r.URL.Query()
		q.Set("nonce", "777777")
		r.URL.RawQuery = q.Encode()
		must(t, e.replay(r), 401)
	})
	t.Run("stale_timestamp_is_401", func(t *testing.T) {
		c := wxCfg.WithSimulatorDefaults()
		plain := []byte(`{"ToUserName":"gh_sim","FromUserName":"` + u.OpenID + `","CreateTime":1,"MsgType":"event","Event":"subscribe_msg_popup_event","List":{"TemplateId":"sim-tmpl-progress","SubscribeStatusString":"accept","PopupScene":"0"}}`)
		enc, err := wechat.EncryptMessage(c.PushEncodingAESKey, c.MiniProgram.AppID, plain)
		if err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-6 * time.Minute)
		ts := strconv.FormatInt(old.Unix(), 10)
		q := signedQuery(old, "424242", "encrypt_type", "aes", "msg_signature", wechat.Signature(c.PushToken, ts, "424242", enc))
		body, _ := json.Marshal(map[string]string{"ToUserName": "gh_sim", "Encrypt": enc})
		must(t, e.call("POST", "/wechat/push?"+q.Encode(), "", body), 401)
		if balance() != 1 {
			t.Fatalf("a stale push granted credits")
		}
	})
	t.Run("tampered_body_is_401", func(t *testing.T) {
		r := sent[0].Clone(ctx)
		r.Body = io.NopCloser(bytes.NewReader([]byte(`{"ToUserName":"gh_sim","Encrypt":"AAAA"}`)))
		must(t, e.replay(r), 401)
	})
	t.Run("same_push_with_a_new_nonce_is_handled_once", func(t *testing.T) {
		raw := []byte(`{"ToUserName":"gh_sim","FromUserName":"` + u.OpenID + `","CreateTime":1767225600,"MsgType":"event","Event":"subscribe_msg_popup_event","List":[{"TemplateId":"sim-tmpl-delivery","SubscribeStatusString":"accept","PopupScene":"0"}]}`)
		e.pushes(func() {
			for i := 0; i < 2; i++ {
				if err := sim.Push(ctx, raw); err != nil {
					t.Fatalf("push %d: %v", i, err)
				}
			}
		})
		if n, _ := e.notify.Credits().Balance(ctx, u.OpenID, "sim-tmpl-delivery"); n != 1 {
			t.Fatalf("credits %d after one push delivered twice", n)
		}
	})
	t.Run("change_and_sent_events_are_recorded", func(t *testing.T) {
		change := []byte(`<xml><ToUserName><![CDATA[gh_sim]]></ToUserName><FromUserName><![CDATA[` + u.OpenID + `]]></FromUserName><CreateTime>1767225601</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe_msg_change_event]]></Event><SubscribeMsgChangeEvent><List><TemplateId><![CDATA[sim-tmpl-rating]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString></List></SubscribeMsgChangeEvent></xml>`)
		sent := []byte(`{"ToUserName":"gh_sim","FromUserName":"` + u.OpenID + `","CreateTime":1767225602,"MsgType":"event","Event":"subscribe_msg_sent_event","List":{"TemplateId":"sim-tmpl-progress","MsgID":"1700","ErrorCode":"0","ErrorStatus":"success"}}`)
		e.pushes(func() {
			for _, b := range [][]byte{change, sent} {
				if err := sim.Push(ctx, b); err != nil {
					t.Fatalf("push: %v", err)
				}
			}
		})
		recs, err := e.db.Audit().Find(ctx, audit.Query{ObjectType: "wechat_user", ObjectID: u.OpenID})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]string{}
		for _, r := range recs {
			seen[r.Action] = r.Detail
		}
		if seen["wechat.subscribe_msg_change_event"] != "accepted= rejected=sim-tmpl-rating" ||
			seen["wechat.subscribe_msg_sent_event"] != "sent=sim-tmpl-progress:0:success" {
			t.Fatalf("recorded %v", seen)
		}
	})
}
