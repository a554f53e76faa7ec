package staffapi_test

import (
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sunshine/app/hotline"
)

type fxHotlineAnswer struct {
	CaseID int64  `json:"case_id"`
	Number string `json:"number"`
	Status string `json:"status"`
}

func fxOrder(no, content string) string {
	b, _ := json.Marshal(map[string]string{
		"order_no": no, "title": "施工许可办理咨询", "content": content, "company": "阳光科技有限公司",
		"credit_code": "91350100M000100Y43", "contact": "张三", "phone": "13800138000",
		"received_at": "2026-03-02T08:40:00+08:00",
	})
	return string(b)
}

// postOrder sends body signed at ts with secret ("" headers when ts is "").
func (e *fxEnv) postOrder(body, ts, secret string) (int, []byte) {
	e.t.Helper()
	req := httptest.NewRequest("POST", "/api/hotline/v1/orders", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if ts != "" {
		req.Header.Set("X-Timestamp", ts)
		req.Header.Set("X-Signature", hotline.Sign(secret, ts, []byte(body)))
	}
	resp, out := e.send(req, "")
	return resp.StatusCode, out
}

func (e *fxEnv) nowTS() string { return strconv.FormatInt(e.clk.now().Unix(), 10) }

func TestHotline_IdempotentOnOrderNo(t *testing.T) {
	e := newFxEnv(t)
	body, ts := fxOrder("RX202603020001", "企业反映施工许可办理进度慢"), e.nowTS()
	status, raw := e.postOrder(body, ts, fxHotlineSecret)
	var first fxHotlineAnswer
	if status != 201 || json.Unmarshal(raw, &first) != nil || first.CaseID == 0 || first.Status != "submitted" ||
		!strings.HasPrefix(first.Number, "YGDB-2026-") {
		t.Fatalf("first post = %d %s", status, raw)
	}
	// The exact same signed request again (the hotline's retry after a
	// timeout) gets the same case …
	var again fxHotlineAnswer
	status, raw = e.postOrder(body, ts, fxHotlineSecret)
	if status != 200 || json.Unmarshal(raw, &again) != nil || again != first {
		t.Fatalf("exact repeat = %d %s, want 200 with %+v", status, raw, first)
	}
	// The captured signature over an altered body is refused.
	altered := httptest.NewRequest("POST", "/api/hotline/v1/orders", strings.NewReader(strings.Replace(body, "进度慢", "进度快", 1)))
	altered.Header.Set("Content-Type", "application/json")
	altered.Header.Set("X-Timestamp", ts)
	altered.Header.Set("X-Signature", hotline.Sign(fxHotlineSecret, ts, []byte(body)))
	if resp, out := e.send(altered, ""); resp.StatusCode != 401 {
		t.Fatalf("altered body, captured signature = %d %s, want 401", resp.StatusCode, out)
	}
	// … as does a retry signed anew.
	e.advance(time.Second)
	status, raw = e.postOrder(body, e.nowTS(), fxHotlineSecret)
	if status != 200 || json.Unmarshal(raw, &again) != nil || again != first {
		t.Fatalf("retry = %d %s, want 200 with %+v", status, raw, first)
	}
	// A different body with the same order_no, correctly signed: same case, unchanged.
	e.advance(time.Minute)
	status, raw = e.postOrder(fxOrder("RX202603020001", "另一份内容"), e.nowTS(), fxHotlineSecret)
	if status != 200 || json.Unmarshal(raw, &again) != nil || again.CaseID != first.CaseID {
		t.Fatalf("same order_no, other body = %d %s", status, raw)
	}
	var c struct {
		Channel string `json:"channel"`
		Form    struct {
			Enterprise struct {
				Name string `json:"name"`
				Lead struct {
					Name string `json:"name"`
				} `json:"lead"`
			} `json:"enterprise"`
			Entrustment struct {
				Matters string `json:"matters"`
			} `json:"entrustment"`
		} `json:"form"`
	}
	e.expect("GET", "/api/staff/v1/cases/"+fxItoa(first.CaseID), "clerk", nil, 200, &c)
	if c.Channel != "hotline" || c.Form.Enterprise.Name != "阳光科技有限公司" || c.Form.Enterprise.Lead.Name != "张三" ||
		!strings.Contains(c.Form.Entrustment.Matters, "进度慢") || strings.Contains(c.Form.Entrustment.Matters, "另一份内容") {
		t.Fatalf("case = %+v", c)
	}
	if n := e.count("SELECT COUNT(*) FROM cases WHERE hotline_order_no = ?", "RX202603020001"); n != 1 {
		t.Fatalf("cases of the order = %d", n)
	}
}

func TestHotline_ConcurrentDeliveriesMakeOneCase(t *testing.T) {
	e := newFxEnv(t)
	body := fxOrder("RX-CONCURRENT-1", "并发投递")
	var wg sync.WaitGroup
	answers := make([]fxHotlineAnswer, 10)
	statuses := make([]int, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest("POST", "/api/hotline/v1/orders", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			// Ten deliveries of one order, each signed on its own second.
			ts := strconv.FormatInt(e.clk.now().Add(-time.Duration(i)*time.Second).Unix(), 10)
			req.Header.Set("X-Timestamp", ts)
			req.Header.Set("X-Signature", hotline.Sign(fxHotlineSecret, ts, []byte(body)))
			resp, err := e.app.Test(req, -1)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			statuses[i] = resp.StatusCode
			_ = json.NewDecoder(resp.Body).Decode(&answers[i])
		}()
	}
	wg.Wait()
	created := 0
	for i := range 10 {
		switch {
		case statuses[i] == 201:
			created++
		case statuses[i] != 200:
			t.Fatalf("post %d = %d", i, statuses[i])
		}
		if answers[i].CaseID == 0 || answers[i].CaseID != answers[0].CaseID {
			t.Fatalf("answers differ: %+v", answers)
		}
	}
	if created != 1 {
		t.Fatalf("%d posts answered 201, want exactly 1", created)
	}
	if n := e.count("SELECT COUNT(*) FROM cases WHERE hotline_order_no = ?", "RX-CONCURRENT-1"); n != 1 {
		t.Fatalf("cases of the order = %d", n)
	}
}

func TestHotline_RefusedRequestsCreateNothing(t *testing.T) {
	e := newFxEnv(t)
	body := fxOrder("RX202603020002", "内容")
	stale := strconv.FormatInt(e.clk.now().Add(-6*time.Minute).Unix(), 10)
	future := strconv.FormatInt(e.clk.now().Add(6*time.Minute).Unix(), 10)
	for _, tc := range []struct {
		name, body, ts, secret string
		want                   int
		field                  string
	}{
		{"bad signature", body, e.nowTS(), "not the secret", 401, ""},
		{"stale timestamp", body, stale, fxHotlineSecret, 401, ""},
		{"future timestamp", body, future, fxHotlineSecret, 401, ""},
		{"no signature", body, "", "", 401, ""},
		{"unknown field", `{"order_no":"RX3","content":"x","company":"y","phone":"13800138000","received_at":"2026-03-02 08:00:00","priority":"high"}`, e.nowTS(), fxHotlineSecret, 422, "priority"},
		{"missing company", `{"order_no":"RX4","content":"x","phone":"13800138000","received_at":"2026-03-02 08:00:00"}`, e.nowTS(), fxHotlineSecret, 422, "company"},
		{"bad credit code", strings.Replace(body, "91350100M000100Y43", "91350100M000100Y44", 1), e.nowTS(), fxHotlineSecret, 422, "credit_code"},
		{"not json", `{"order_no":`, e.nowTS(), fxHotlineSecret, 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, raw := e.postOrder(tc.body, tc.ts, tc.secret)
			if got != tc.want || !strings.Contains(string(raw), `"error"`) {
				t.Fatalf("= %d %s, want %d", got, raw, tc.want)
			}
			if tc.field != "" && !strings.Contains(string(raw), `"`+tc.field+`"`) {
				t.Fatalf("no message for %s: %s", tc.field, raw)
			}
		})
	}
	// A signed request replayed after the window is refused as well.
	ts := e.nowTS()
	e.clk.add(5*time.Minute + time.Second)
	if got, raw := e.postOrder(body, ts, fxHotlineSecret); got != 401 {
		t.Fatalf("replay after the window = %d %s, want 401", got, raw)
	}
	if n := e.count("SELECT COUNT(*) FROM cases"); n != 0 {
		t.Fatalf("refused orders created %d cases", n)
	}
	if n := e.count("SELECT COUNT(*) FROM audit_records WHERE action = 'hotline.order' AND result = 'denied'"); n != 5 {
		t.Fatalf("denied hotline requests audited = %d, want 5", n)
	}
}
