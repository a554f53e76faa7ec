package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"sunshine/app/audit"
	"sunshine/app/kv"
	"sunshine/app/web"
)

func TestReadyzFollowsRedisAndDatabase(t *testing.T) {
	conn, err := kv.Open(context.Background(), "") // in-process Redis that the test can stop
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var dbDown atomic.Bool
	dbCheck := func(context.Context) error {
		if dbDown.Load() {
			return context.DeadlineExceeded
		}
		return nil
	}
	app := newRoot(rootOptions{Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), BodyMB: 1,
		Checks: map[string]func(context.Context) error{"database": dbCheck, "redis": conn.Ready}})
	status := func() int {
		resp, err := app.Test(httptest.NewRequest("GET", "/readyz", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	if got := status(); got != 200 {
		t.Fatalf("ready: got %d, want 200", got)
	}
	conn.Mini().Close()
	if got := status(); got != 503 {
		t.Fatalf("redis down: got %d, want 503", got)
	}
	if err := conn.Mini().Restart(); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != 200 {
		t.Fatalf("redis back: got %d, want 200", got)
	}
	dbDown.Store(true)
	if got := status(); got != 503 {
		t.Fatalf("database down: got %d, want 503", got)
	}
	dbDown.Store(false)
	if got := status(); got != 200 {
		t.Fatalf("database back: got %d, want 200", got)
	}
	if resp, _ := app.Test(httptest.NewRequest("GET", "/healthz", nil), -1); resp.StatusCode != 200 {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	app := newRoot(rootOptions{Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), BodyMB: 1, MetricsOnRoot: true})
	for i := 0; i < 3; i++ {
		app.Test(httptest.NewRequest("GET", "/healthz", nil), -1)
	}
	app.Test(httptest.NewRequest("GET", "/no/such/page", nil), -1)
	resp, err := app.Test(httptest.NewRequest("GET", "/metrics", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`sunshine_http_requests_total{method="GET",route="/healthz",status="200"} 3`,
		`sunshine_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`sunshine_http_request_duration_seconds_bucket{method="GET",route="/healthz"`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestUnknownRouteAnswersJSONError(t *testing.T) {
	app := newRoot(rootOptions{Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), BodyMB: 1})
	resp, _ := app.Test(httptest.NewRequest("GET", "/nope", nil), -1)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 404 || !strings.Contains(string(body), `"code":"not_found"`) {
		t.Fatalf("got %d %s", resp.StatusCode, body)
	}
}

// TestClientAddressFromTrustedProxyOnly: the client address (audit trail,
// login limit per address) is the right-most untrusted address of the
// X-Forwarded-For chain, only behind a trusted proxy, and never empty, so a
// forged or missing header cannot escape the per-address login limit.
func TestClientAddressFromTrustedProxyOnly(t *testing.T) {
	trusted := []string{"0.0.0.0/8", "10.0.0.0/8", "127.0.0.1"} // app.Test's peer is 0.0.0.0
	for _, tc := range []struct {
		name    string
		trusted []string
		xff     []string
		want    string
	}{
		{"untrusted peer ignores the header", nil, []string{"203.0.113.9"}, "0.0.0.0"},
		{"no header is the peer", trusted, nil, "0.0.0.0"},
		{"one hop", trusted, []string{"203.0.113.9"}, "203.0.113.9"},
		{"trusted hops are skipped", trusted, []string{"198.51.100.1, 127.0.0.1"}, "198.51.100.1"},
		{"forged left part is ignored", trusted, []string{"1.2.3.4, 203.0.113.9, 10.0.0.2"}, "203.0.113.9"},
		{"another forged left part, same client", trusted, []string{"5.6.7.8,203.0.113.9"}, "203.0.113.9"},
		{"several headers are one chain", trusted, []string{"1.2.3.4", "203.0.113.9, 10.0.0.2"}, "203.0.113.9"},
		{"several headers, client in the first", trusted, []string{"1.2.3.4, 203.0.113.9", "10.0.0.2"}, "203.0.113.9"},
		{"garbage left of the client", trusted, []string{"<script>, 203.0.113.9"}, "203.0.113.9"},
		{"garbage from a trusted hop stops at that hop", trusted, []string{"203.0.113.9, nonsense, 10.0.0.7"}, "10.0.0.7"},
		{"garbage only is the peer", trusted, []string{"nonsense"}, "0.0.0.0"},
		{"empty header is the peer", trusted, []string{""}, "0.0.0.0"},
		{"address with port", trusted, []string{"203.0.113.9:5100"}, "203.0.113.9"},
		{"IPv6 with port", trusted, []string{"[2001:db8::1]:443"}, "2001:db8::1"},
		{"all hops trusted is the left-most", trusted, []string{"10.0.0.5, 10.0.0.2"}, "10.0.0.5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := newRoot(rootOptions{Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), BodyMB: 1, TrustedProxies: tc.trusted})
			app.Get("/ip", func(c *fiber.Ctx) error {
				return c.SendString(audit.RequestFrom(c.UserContext()).IP + "|" + web.ClientIP(c))
			})
			req := httptest.NewRequest("GET", "/ip", nil)
			for _, v := range tc.xff {
				req.Header.Add("X-Forwarded-For", v)
			}
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			if got, want := string(body), tc.want+"|"+tc.want; got != want {
				t.Errorf("client address (audit|web) %q, want %q", got, want)
			}
		})
	}
}

// TestMetricsOffThePublicPort: by default /metrics is not on the public app
// but on the handler serve puts on SUNSHINE_METRICS_ADDR.
func TestMetricsOffThePublicPort(t *testing.T) {
	reg := prometheus.NewRegistry()
	app := newRoot(rootOptions{Log: slog.New(slog.DiscardHandler), Registry: reg, BodyMB: 1})
	app.Test(httptest.NewRequest("GET", "/healthz", nil), -1)
	if resp, _ := app.Test(httptest.NewRequest("GET", "/metrics", nil), -1); resp.StatusCode != 404 {
		t.Fatalf("public /metrics = %d, want 404", resp.StatusCode)
	}
	rec := httptest.NewRecorder()
	metricsHandler(reg).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `sunshine_http_requests_total{method="GET",route="/healthz",status="200"} 1`) {
		t.Fatalf("metrics listener = %d %s", rec.Code, rec.Body.String())
	}
}
