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

	"sunshine/app/kv"
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

func TestClientAddressFromTrustedProxyOnly(t *testing.T) {
	for _, tc := range []struct {
		trusted []string
		want    string
	}{
		{nil, "0.0.0.0"},                       // app.Test's peer: the header is ignored
		{[]string{"0.0.0.0/8"}, "203.0.113.9"}, // peer is a trusted proxy
	} {
		app := newRoot(rootOptions{Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), BodyMB: 1, TrustedProxies: tc.trusted})
		app.Get("/ip", func(c *fiber.Ctx) error { return c.SendString(c.IP()) })
		req := httptest.NewRequest("GET", "/ip", nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if string(body) != tc.want {
			t.Errorf("trusted %v: client address %q, want %q", tc.trusted, body, tc.want)
		}
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
