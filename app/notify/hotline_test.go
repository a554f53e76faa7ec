package notify_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/notify"
)

type hotlineSink struct {
	mu     sync.Mutex
	fail   int // answer 500 to this many calls first
	bodies []map[string]any
	bad    []string
}

func (h *hotlineSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	ts := r.Header.Get("X-Timestamp")
	if r.Header.Get("X-Signature") != notify.SignHotline("hotline-secret-0123456789", ts, body) ||
		!strings.HasPrefix(r.Header.Get("X-Idempotency-Key"), "notification-") {
		h.bad = append(h.bad, string(body))
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if h.fail > 0 {
		h.fail--
		http.Error(w, "down", http.StatusInternalServerError)
		return
	}
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	h.bodies = append(h.bodies, m)
}

// TestHotlineCallback: a hotline case that closes calls the hotline back
// once, signed like the intake, retrying while it answers 500.
func TestHotlineCallback(t *testing.T) {
	sink := &hotlineSink{fail: 2}
	srv := httptest.NewServer(sink)
	defer srv.Close()
	e := newEnv(t, cst(2026, 3, 2, 9, 0), func(o *notify.Options) {
		o.HotlineURL, o.HotlineSecret = srv.URL+"/callback", "hotline-secret-0123456789"
	})
	hotline := cases.Viewer{Actor: casework.Actor{Role: casework.RoleHotline, Name: "2135热线"}}
	c, err := e.cases.Submit(e.ctx, hotline, cases.SubmitInput{Form: validForm(), Channel: casework.ChannelHotline,
		Mode: casework.FormIntake, HotlineOrder: "HL-2026-0001"})
	if err != nil {
		t.Fatal(err)
	}
	e.act(e.viewer(e.people.clerk), c, casework.ActionReject, map[string]any{"reason": "不属于行政审批事项"})
	for range 3 {
		e.drain()
		e.clock.Advance(10 * time.Minute)
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.bad) != 0 || len(sink.bodies) != 1 {
		t.Fatalf("callbacks: %d good %v, %d badly signed", len(sink.bodies), sink.bodies, len(sink.bad))
	}
	b := sink.bodies[0]
	if b["order_no"] != "HL-2026-0001" || b["status"] != "rejected" || b["case_number"] != c.Number ||
		b["explanation"] != "不属于行政审批事项" {
		t.Fatalf("callback body = %v", b)
	}
	var row notify.Row
	for _, r := range e.rows() {
		if r.Event == notify.EventHotlineClosed {
			row = r
		}
	}
	if row.State != notify.StateSent || row.Attempts != 3 || row.Recipient != "hotline:HL-2026-0001" {
		t.Fatalf("hotline row: %s after %d attempts to %s", row.State, row.Attempts, row.Recipient)
	}
}

// TestHotlineWithoutURL: without a callback URL the row fails at once,
// visible to administrators, instead of retrying for a day.
func TestHotlineWithoutURL(t *testing.T) {
	e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
	hotline := cases.Viewer{Actor: casework.Actor{Role: casework.RoleHotline, Name: "2135热线"}}
	c, err := e.cases.Submit(e.ctx, hotline, cases.SubmitInput{Form: validForm(), Channel: casework.ChannelHotline,
		Mode: casework.FormIntake, HotlineOrder: "HL-2026-0002"})
	if err != nil {
		t.Fatal(err)
	}
	e.act(e.viewer(e.people.clerk), c, casework.ActionReject, map[string]any{"reason": "重复工单"})
	e.drain()
	page, err := e.n.List(e.ctx, e.people.admin, notify.ListFilter{State: notify.StateFailed})
	if err != nil || len(page.Items) != 1 || !strings.Contains(page.Items[0].LastError, "not configured") {
		t.Fatalf("failed rows = %+v, %v", page, err)
	}
}
