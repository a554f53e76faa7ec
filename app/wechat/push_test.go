package wechat

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

func sha1Sorted(parts ...string) string {
	p := slices.Clone(parts)
	sort.Strings(p)
	sum := sha1.Sum([]byte(strings.Join(p, "")))
	return hex.EncodeToString(sum[:])
}

func TestGrantDeliversSignedPopupPush(t *testing.T) {
	for _, format := range []string{"json", "xml"} {
		for _, safe := range []bool{true, false} {
			name := format + "/plain"
			if safe {
				name = format + "/safe"
			}
			t.Run(name, func(t *testing.T) {
				e := newEnv(t, func(c *Config) {
					if !safe {
						c.PushEncodingAESKey = ""
						c.PushToken = "plain-token"
					}
				})
				if err := e.sim.SetPushFormat(format); err != nil {
					t.Fatal(err)
				}
				user := e.login(t, "frank").OpenID
				if err := e.sim.Grant(user, []string{tmplAccepted, tmplDelivered}); err != nil {
					t.Fatalf("Grant: %v", err)
				}
				events, reqs := e.sink.snapshot()
				if len(events) != 1 || len(reqs) != 1 {
					t.Fatalf("events = %d, requests = %d; want 1", len(events), len(reqs))
				}
				ev := events[0]
				if ev.Event != EventSubscribePopup || ev.FromUserName != user || ev.MsgType != "event" ||
					!slices.Equal(ev.Accepted(), []string{tmplAccepted, tmplDelivered}) || time.Since(ev.CreateTime) > time.Minute {
					t.Fatalf("event = %+v", ev)
				}
				q := reqs[0].query
				token := e.cfg.PushToken
				if q.Get("signature") != sha1Sorted(token, q.Get("timestamp"), q.Get("nonce")) {
					t.Fatalf("signature is not sha1(sort(token, timestamp, nonce))")
				}
				if safe {
					var env envelope
					if err := unmarshalAny(reqs[0].body, &env); err != nil || env.Encrypt == "" || bytes.Contains(reqs[0].body, []byte(user)) {
						t.Fatalf("safe-mode body not encrypted: %s", reqs[0].body)
					}
					if q.Get("encrypt_type") != "aes" || q.Get("msg_signature") != sha1Sorted(token, q.Get("timestamp"), q.Get("nonce"), env.Encrypt) {
						t.Fatalf("bad msg_signature")
					}
				}

				// The same request again is a replay.
				replay := httptest.NewRequest(http.MethodPost, "/wechat/push?"+q.Encode(), bytes.NewReader(reqs[0].body))
				rec := httptest.NewRecorder()
				e.sink.ServeHTTP(rec, replay)
				if rec.Code != http.StatusConflict {
					t.Fatalf("replay answered %d, want 409", rec.Code)
				}
				// A forged signature is refused.
				q.Set("nonce", "1234567890")
				forged := httptest.NewRequest(http.MethodPost, "/wechat/push?"+q.Encode(), bytes.NewReader(reqs[0].body))
				rec = httptest.NewRecorder()
				e.sink.ServeHTTP(rec, forged)
				if rec.Code != http.StatusUnauthorized {
					t.Fatalf("forged push answered %d, want 401", rec.Code)
				}
			})
		}
	}
}

func TestGrantReportsRefusedPush(t *testing.T) {
	e := newEnv(t, nil)
	user := e.login(t, "gina").OpenID
	e.sim.SetPushTarget(HandlerTarget(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "nope", http.StatusUnauthorized)
	})))
	if err := e.sim.Grant(user, []string{tmplAccepted}); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("Grant = %v, want the push failure", err)
	}
	if e.sim.Credits(user, tmplAccepted) != 1 {
		t.Fatalf("credit not granted when the push failed")
	}
	if err := e.sim.Grant(user, []string{"not-configured"}); err == nil {
		t.Fatalf("Grant accepted an unconfigured template")
	}
	if err := e.sim.Grant("someone", nil); err == nil {
		t.Fatalf("Grant accepted a non-simulator openid")
	}
}

func TestPushVerifierChecks(t *testing.T) {
	rdb, prefix := newRedis(t)
	cfg := testConfig(prefix)
	v := NewPushVerifier(cfg, rdb)
	now := time.Unix(1_800_000_000, 0)
	v.Now = func() time.Time { return now }
	ctx := context.Background()
	plain := []byte(`{"ToUserName":"gh_x","FromUserName":"sim-openid-h","CreateTime":"1800000000","MsgType":"event","Event":"subscribe_msg_change_event","List":[{"TemplateId":"t1","SubscribeStatusString":"reject"}]}`)
	sign := func(ts time.Time, nonce string) (PushQuery, []byte) {
		tsStr := strconv.FormatInt(ts.Unix(), 10)
		enc, err := EncryptMessage(v.EncodingAESKey, v.AppID, plain)
		if err != nil {
			t.Fatal(err)
		}
		return PushQuery{Signature: Signature(v.Token, tsStr, nonce), Timestamp: tsStr, Nonce: nonce,
			EncryptType: "aes", MsgSignature: Signature(v.Token, tsStr, nonce, enc)}, []byte(`{"Encrypt":"` + enc + `"}`)
	}

	q, body := sign(now.Add(-4*time.Minute), "111")
	ev, err := v.Open(ctx, q, body)
	if err != nil || ev.Event != EventSubscribeChange || !slices.Equal(ev.Rejected(), []string{"t1"}) || ev.CreateTime.Unix() != 1_800_000_000 {
		t.Fatalf("Open = %+v, %v", ev, err)
	}
	if _, err := v.Open(ctx, q, body); !errors.Is(err, ErrReplayed) {
		t.Fatalf("replay: %v, want ErrReplayed", err)
	}
	if err := v.Forget(ctx, q); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Open(ctx, q, body); err != nil {
		t.Fatalf("after Forget: %v", err)
	}
	q, body = sign(now.Add(-6*time.Minute), "222")
	if _, err := v.Open(ctx, q, body); !errors.Is(err, ErrStaleTimestamp) {
		t.Fatalf("old push: %v, want ErrStaleTimestamp", err)
	}
	q, body = sign(now.Add(6*time.Minute), "333")
	if _, err := v.Open(ctx, q, body); !errors.Is(err, ErrStaleTimestamp) {
		t.Fatalf("future push: %v, want ErrStaleTimestamp", err)
	}
	q, body = sign(now, "444")
	q.MsgSignature = q.Signature
	if _, err := v.Open(ctx, q, body); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("wrong msg_signature: %v", err)
	}
	other := *v
	other.AppID = "wx-someone-else"
	q, body = sign(now, "555")
	if _, err := other.Open(ctx, q, body); !errors.Is(err, ErrBadPush) {
		t.Fatalf("message for another app: %v, want ErrBadPush", err)
	}

	ts := strconv.FormatInt(now.Unix(), 10)
	echoQ := PushQuery{Signature: Signature(v.Token, ts, "666"), Timestamp: ts, Nonce: "666", EchoStr: "abc123"}
	echo, err := v.Echo(ctx, echoQ)
	if err != nil || echo != "abc123" {
		t.Fatalf("Echo = %q, %v", echo, err)
	}
	if _, err := v.Echo(ctx, echoQ); !errors.Is(err, ErrReplayed) {
		t.Fatalf("Echo replayed: %v, want ErrReplayed (the echo spends its nonce)", err)
	}
	if _, err := v.Echo(ctx, PushQuery{Signature: "00", Timestamp: ts, Nonce: "666", EchoStr: "abc"}); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("Echo with a bad signature: %v", err)
	}
	if !VerifySignature("tok", "1", "2", sha1Sorted("tok", "1", "2")) || VerifySignature("tok", "1", "2", "") {
		t.Fatalf("VerifySignature disagrees with sha1(sort(...))")
	}
	vals, _ := url.ParseQuery("signature=s&timestamp=1&nonce=2&encrypt_type=aes&msg_signature=m&echostr=e")
	if got := ParsePushQuery(vals); got != (PushQuery{"s", "1", "2", "e", "aes", "m"}) {
		t.Fatalf("ParsePushQuery = %+v", got)
	}
}

func TestParsePushEvent(t *testing.T) {
	tests := []struct {
		name, body string
		check      func(*PushEvent) bool
	}{
		{"popup_json_object", `{"ToUserName":"gh_1","FromUserName":"o1","CreateTime":1620973045,"MsgType":"event","Event":"subscribe_msg_popup_event","List":{"TemplateId":"t1","SubscribeStatusString":"accept","PopupScene":"0"}}`,
			func(e *PushEvent) bool {
				return len(e.Popup) == 1 && e.Popup[0] == SubscribePopupItem{"t1", "accept", "0"}
			}},
		{"popup_json_array", `{"MsgType":"event","Event":"subscribe_msg_popup_event","List":[{"TemplateId":"t1","SubscribeStatusString":"accept","PopupScene":2},{"TemplateId":"t2","SubscribeStatusString":"reject","PopupScene":2}]}`,
			func(e *PushEvent) bool {
				return slices.Equal(e.Accepted(), []string{"t1"}) && slices.Equal(e.Rejected(), []string{"t2"}) && e.Popup[1].PopupScene == "2"
			}},
		{"popup_xml", `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1610969440</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent><List><TemplateId><![CDATA[t1]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent></xml>`,
			func(e *PushEvent) bool {
				return e.FromUserName == "o1" && e.CreateTime.Unix() == 1610969440 && len(e.Popup) == 1 && e.Popup[0] == SubscribePopupItem{"t1", "accept", "2"}
			}},
		{"change_xml", `<xml><MsgType>event</MsgType><Event>subscribe_msg_change_event</Event><SubscribeMsgChangeEvent><List><TemplateId>t3</TemplateId><SubscribeStatusString>reject</SubscribeStatusString></List></SubscribeMsgChangeEvent></xml>`,
			func(e *PushEvent) bool {
				return len(e.Change) == 1 && e.Change[0] == SubscribeChangeItem{"t3", "reject"}
			}},
		{"sent_json", `{"MsgType":"event","Event":"subscribe_msg_sent_event","List":{"TemplateId":"t4","MsgID":"1700827132819554304","ErrorCode":"10004","ErrorStatus":"success"}}`,
			func(e *PushEvent) bool {
				return len(e.Sent) == 1 && e.Sent[0] == SubscribeSentItem{"t4", "1700827132819554304", 10004, "success"}
			}},
		{"sent_xml", `<xml><MsgType>event</MsgType><Event>subscribe_msg_sent_event</Event><SubscribeMsgSentEvent><List><TemplateId>t5</TemplateId><MsgID>42</MsgID><ErrorCode>0</ErrorCode><ErrorStatus>success</ErrorStatus></List></SubscribeMsgSentEvent></xml>`,
			func(e *PushEvent) bool {
				return len(e.Sent) == 1 && e.Sent[0] == SubscribeSentItem{"t5", "42", 0, "success"}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ParsePushEvent([]byte(tt.body))
			if err != nil || !tt.check(ev) {
				t.Fatalf("ParsePushEvent = %+v, %v", ev, err)
			}
		})
	}
	if _, err := ParsePushEvent([]byte(`not json`)); !errors.Is(err, ErrBadPush) {
		t.Fatalf("garbage: %v, want ErrBadPush", err)
	}
}

func TestEncryptDecryptRoundTrip(t *testing.T) {
	msg := []byte("<xml><Content>阳光代办</Content></xml>")
	for n := 0; n < 70; n += 13 { // lengths around the 32-byte padding boundary
		plain := append(bytes.Repeat([]byte("x"), n), msg...)
		enc, err := EncryptMessage(SimPushEncodingAESKey, "wxapp", plain)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecryptMessage(SimPushEncodingAESKey, "wxapp", enc)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("round trip (%d): %q, %v", n, got, err)
		}
	}
	if _, err := EncryptMessage("short", "wxapp", msg); err == nil {
		t.Fatalf("a bad EncodingAESKey was accepted")
	}
}

// TestPushBodyAlwaysSigned: a captured (signature, timestamp, nonce) triplet
// cannot carry another body. With safe mode configured a plain push is
// refused; in plain mode (simulator only) the body must carry its own
// msg_signature.
func TestPushBodyAlwaysSigned(t *testing.T) {
	rdb, prefix := newRedis(t)
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	event := []byte(`{"ToUserName":"gh_x","FromUserName":"sim-openid-h","CreateTime":1800000000,"MsgType":"event","Event":"subscribe_msg_popup_event","List":{"TemplateId":"t1","SubscribeStatusString":"accept","PopupScene":"0"}}`)
	forged := []byte(`{"ToUserName":"gh_x","FromUserName":"sim-openid-evil","CreateTime":1800000000,"MsgType":"event","Event":"subscribe_msg_popup_event","List":{"TemplateId":"t1","SubscribeStatusString":"accept","PopupScene":"0"}}`)

	safe := NewPushVerifier(testConfig(prefix), rdb)
	safe.Now = func() time.Time { return now }
	if safe.EncodingAESKey == "" {
		t.Fatal("test config is not in safe mode")
	}
	q := PushQuery{Signature: Signature(safe.Token, ts, "701"), Timestamp: ts, Nonce: "701"}
	if _, err := safe.Open(ctx, q, event); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("plain push with safe mode configured: %v, want ErrBadSignature", err)
	}

	plainCfg := testConfig(prefix + "plain:")
	plainCfg.PushToken = "plain-token" // an explicit token without a key: plain mode
	plain := NewPushVerifier(plainCfg, rdb)
	plain.Now = func() time.Time { return now }
	sign := func(nonce string, body []byte) PushQuery {
		return PushQuery{Signature: Signature(plain.Token, ts, nonce), Timestamp: ts, Nonce: nonce,
			MsgSignature: Signature(plain.Token, ts, nonce, string(body))}
	}
	q = sign("702", event)
	q.MsgSignature = ""
	if _, err := plain.Open(ctx, q, event); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("plain push without a body signature: %v, want ErrBadSignature", err)
	}
	if _, err := plain.Open(ctx, sign("703", event), forged); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("captured triplet with an invented body: %v, want ErrBadSignature", err)
	}
	ev, err := plain.Open(ctx, sign("704", event), event)
	if err != nil || ev.FromUserName != "sim-openid-h" {
		t.Fatalf("signed plain push: %+v, %v", ev, err)
	}
}

// TestSimulatorSignsPlainPushes: the simulator in plain mode signs the body,
// so its pushes pass the verifier.
func TestSimulatorSignsPlainPushes(t *testing.T) {
	rdb, prefix := newRedis(t)
	cfg := testConfig(prefix)
	cfg.PushToken = "plain-token" // an explicit token without a key: plain mode
	sim, err := NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sink := &pushSink{verifier: NewPushVerifier(cfg, rdb)}
	sim.SetPushTarget(HandlerTarget(sink))
	if err := sim.Push(context.Background(), []byte(`{"ToUserName":"gh","FromUserName":"sim-openid-p","CreateTime":1,"MsgType":"event","Event":"subscribe_msg_change_event","List":[]}`)); err != nil {
		t.Fatalf("plain-mode simulator push refused: %v", err)
	}
}
