package wechat

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// PushTarget receives the simulator's pushes, as WeChat would POST them to
// /wechat/push. A Fiber app can be used directly:
//
//	sim.SetPushTarget(func(r *http.Request) (*http.Response, error) { return app.Test(r, -1) })
type PushTarget func(*http.Request) (*http.Response, error)

// HandlerTarget delivers pushes to an http.Handler in process.
func HandlerTarget(h http.Handler) PushTarget {
	return func(r *http.Request) (*http.Response, error) {
		in := r.Clone(r.Context())
		in.RequestURI = r.URL.RequestURI()
		in.RemoteAddr = "127.0.0.1:0"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, in)
		return rec.Result(), nil
	}
}

// URLTarget delivers pushes over HTTP to endpoint, e.g. http://127.0.0.1:8080/wechat/push.
func URLTarget(endpoint string, client *http.Client) PushTarget {
	u, err := url.Parse(endpoint)
	return func(r *http.Request) (*http.Response, error) {
		if err != nil {
			return nil, err
		}
		r.URL.Scheme, r.URL.Host, r.URL.Path, r.Host = u.Scheme, u.Host, u.Path, u.Host
		return client.Do(r)
	}
}

// SetPushTarget sets where pushes go; nil disables them.
func (s *Simulator) SetPushTarget(t PushTarget) {
	s.mu.Lock()
	s.pushTarget = t
	s.mu.Unlock()
}

// SetPushFormat chooses the push data format set in the mini-program console: "json" (default) or "xml".
func (s *Simulator) SetPushFormat(format string) error {
	if format != "json" && format != "xml" {
		return fmt.Errorf("wechat simulator: push format %q (want json or xml)", format)
	}
	s.mu.Lock()
	s.pushXML = format == "xml"
	s.mu.Unlock()
	return nil
}

// Grant plays the user tapping "allow" in the subscribe popup: one credit per
// template (every configured template when templateIDs is empty), then the
// signed subscribe_msg_popup_event push to the push target. Credits stay
// granted when the push fails, as on WeChat, and the push error is returned.
func (s *Simulator) Grant(openid string, templateIDs []string) error {
	if !strings.HasPrefix(openid, "sim-openid-") {
		return fmt.Errorf("wechat simulator: %q is not a simulator openid", openid)
	}
	ids := templateIDs
	if len(ids) == 0 {
		ids = s.cfg.SubscribeTemplates
	}
	if len(ids) == 0 {
		return errors.New("wechat simulator: no subscribe templates configured")
	}
	for _, id := range ids {
		if id == "" || len(s.cfg.SubscribeTemplates) > 0 && !slices.Contains(s.cfg.SubscribeTemplates, id) {
			return fmt.Errorf("wechat simulator: template %q is not configured", id)
		}
	}
	items := make([]pushItem, len(ids))
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.httpTimeout())
	defer cancel()
	for i, id := range ids {
		if err := s.state.addCredit(ctx, openid, id); err != nil {
			return fmt.Errorf("wechat simulator: grant: %w", err)
		}
		items[i] = pushItem{TemplateID: id, Status: "accept", PopupScene: "0"}
	}
	s.mu.Lock()
	asXML := s.pushXML
	s.mu.Unlock()

	return s.Push(ctx, popupBody(openid, items, asXML))
}

// popupBody renders a subscribe_msg_popup_event; like WeChat, a JSON "List"
// is an object when it holds one item.
func popupBody(openid string, items []pushItem, asXML bool) []byte {
	now := time.Now().Unix()
	if asXML {
		var b strings.Builder
		b.WriteString("<xml>")
		writeCDATA(&b, "ToUserName", SimOriginalID)
		writeCDATA(&b, "FromUserName", openid)
		fmt.Fprintf(&b, "<CreateTime>%d</CreateTime>", now)
		writeCDATA(&b, "MsgType", "event")
		writeCDATA(&b, "Event", EventSubscribePopup)
		b.WriteString("<SubscribeMsgPopupEvent>")
		for _, it := range items {
			b.WriteString(pushXMLItem(it))
		}
		b.WriteString("</SubscribeMsgPopupEvent></xml>")
		return []byte(b.String())
	}
	list := make([]map[string]string, len(items))
	for i, it := range items {
		list[i] = map[string]string{"TemplateId": it.TemplateID, "SubscribeStatusString": it.Status,
			"PopupScene": string(it.PopupScene)}
	}
	var l any = list
	if len(list) == 1 {
		l = list[0]
	}
	b, _ := json.Marshal(map[string]any{"ToUserName": SimOriginalID, "FromUserName": openid,
		"CreateTime": now, "MsgType": "event", "Event": EventSubscribePopup, "List": l})
	return b
}

// Push signs plain (a JSON or XML event body) as WeChat does — encrypted in
// safe mode when an EncodingAESKey is configured — and POSTs it to the push
// target. In plain mode it also signs the body (msg_signature over the raw
// body), which PushVerifier requires. Without a target it does nothing.
func (s *Simulator) Push(ctx context.Context, plain []byte) error {
	s.mu.Lock()
	target := s.pushTarget
	s.mu.Unlock()
	if target == nil {
		return nil
	}
	asXML := len(plain) > 0 && plain[0] == '<'
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	n, _ := rand.Int(rand.Reader, big.NewInt(9e9))
	nonce := strconv.FormatInt(n.Int64()+1e9, 10)
	q := url.Values{"timestamp": {ts}, "nonce": {nonce}, "signature": {Signature(s.cfg.PushToken, ts, nonce)}}
	body := plain
	if key := s.cfg.PushEncodingAESKey; key != "" {
		enc, err := EncryptMessage(key, s.cfg.MiniProgram.AppID, plain)
		if err != nil {
			return err
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", Signature(s.cfg.PushToken, ts, nonce, enc))
		if asXML {
			var b strings.Builder
			b.WriteString("<xml>")
			writeCDATA(&b, "ToUserName", SimOriginalID)
			writeCDATA(&b, "Encrypt", enc)
			b.WriteString("</xml>")
			body = []byte(b.String())
		} else {
			body, _ = json.Marshal(envelope{ToUserName: SimOriginalID, Encrypt: enc})
		}
	} else {
		q.Set("msg_signature", Signature(s.cfg.PushToken, ts, nonce, string(plain)))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://localhost/wechat/push?"+q.Encode(), strings.NewReader(string(body)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if asXML {
		req.Header.Set("Content-Type", "text/xml")
	}
	resp, err := target(req)
	if err != nil {
		return fmt.Errorf("wechat simulator: push: %w", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("wechat simulator: push answered %d: %s", resp.StatusCode, strings.TrimSpace(string(answer)))
	}
	return nil
}
