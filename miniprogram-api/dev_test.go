package mpapi_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"sunshine/app/casework"
	mpapi "sunshine/miniprogram-api"
)

func TestDevSimulatorPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login("dev")
	code := creditCode(51)
	must(t, e.bind(u, code, "模拟器测试公司", ""), 200)

	pushMu.Lock()
	sim.SetPushTarget(func(r *http.Request) (*http.Response, error) { return e.app.Test(r, -1) })
	r := e.call("POST", "/dev/wechat/subscribe", "", map[string]any{"openid": u.OpenID})
	bad := e.call("POST", "/dev/wechat/subscribe", "", map[string]any{"openid": "someone", "template_ids": []string{"nope"}})
	form := httptest.NewRequest("POST", "/dev/wechat/subscribe", strings.NewReader(url.Values{
		"openid": {u.OpenID}, "template_ids": {"sim-tmpl-delivery"}}.Encode()))
	form.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	fr := e.send(form)
	sim.SetPushTarget(nil)
	pushMu.Unlock()

	must(t, r, 200)
	if f := errFields(must(t, bad, 422)); f["openid"] == "" || f["template_ids"] == "" {
		t.Fatalf("bad subscribe fields %v", f)
	}
	if fr.Status != 303 || !strings.Contains(fr.Header.Get("Location"), url.QueryEscape(u.OpenID)) {
		t.Fatalf("form post: %d %v", fr.Status, fr.Header)
	}
	// Both the simulator and the service counted the grants.
	if sim.Credits(u.OpenID, "sim-tmpl-delivery") != 2 {
		t.Fatalf("simulator credits %d", sim.Credits(u.OpenID, "sim-tmpl-delivery"))
	}
	if n, _ := e.notify.Credits().Balance(ctx, u.OpenID, "sim-tmpl-delivery"); n != 2 {
		t.Fatalf("service credits %d", n)
	}

	c := e.submit(u, code, "模拟器项目")
	e.act(e.clerk, c.ID, casework.ActionAccept, map[string]any{"service_type": "assist"})
	if _, err := e.notify.NewWorker("dev").RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	var msgs struct {
		Items []struct {
			Channel    string
			ToUser     string `json:"touser"`
			TemplateID string `json:"template_id"`
			Page       string
			Data       map[string]any
		}
		Next *string
	}
	must(t, e.call("GET", "/dev/wechat/messages?touser="+url.QueryEscape(u.OpenID), "", nil), 200).decode(t, &msgs)
	if len(msgs.Items) != 1 || msgs.Items[0].Channel != "subscribe" || msgs.Items[0].ToUser != u.OpenID || msgs.Items[0].TemplateID != "sim-tmpl-progress" {
		t.Fatalf("messages %+v", msgs.Items)
	}
	page := must(t, e.call("GET", "/dev/wechat?touser="+url.QueryEscape(u.OpenID), "", nil), 200)
	if !strings.Contains(string(page.Body), "sim-tmpl-progress") || !strings.Contains(page.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("page: %s", page.Body)
	}
	if strings.Contains(string(page.Body), "<script") {
		t.Fatalf("the page runs scripts")
	}

	// Without the simulator (live mode) the dev routes do not exist.
	live := mpapi.New(mpapi.Deps{Members: e.members, Cases: e.cases})
	for _, p := range []string{"/dev/wechat", "/dev/wechat/messages"} {
		res, err := live.Test(httptest.NewRequest("GET", p, nil), -1)
		if err != nil || res.StatusCode != 404 {
			t.Fatalf("%s in live mode: %v %v", p, res.StatusCode, err)
		}
	}
}
