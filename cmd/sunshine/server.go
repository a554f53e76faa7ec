package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"sunshine/app/audit"
)

// rootOptions configure the root HTTP app.
type rootOptions struct {
	Log *slog.Logger
	// Checks are what /readyz asks: name → a function that fails when that part does not answer.
	Checks   map[string]func(context.Context) error
	Registry *prometheus.Registry
	BodyMB   int
	// TrustedProxies may set the client address with X-Forwarded-For.
	TrustedProxies []string
	// MetricsOnRoot serves /metrics on this app (SUNSHINE_METRICS_ADDR=public);
	// otherwise serve puts it on its own listener.
	MetricsOnRoot bool
}

// newRoot builds the root app: request ids, access logs, panic recovery,
// metrics, /healthz, /readyz and /metrics. Surfaces are mounted on it.
func newRoot(o rootOptions) *fiber.App {
	app := fiber.New(fiber.Config{
		DisableStartupMessage: true,
		BodyLimit:             (o.BodyMB + 1) << 20,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		// Behind a reverse proxy the client address (logs, audit, login
		// throttling) comes from X-Forwarded-For, but only from a trusted proxy.
		ProxyHeader:             proxyHeader(o.TrustedProxies),
		EnableTrustedProxyCheck: len(o.TrustedProxies) > 0,
		TrustedProxies:          o.TrustedProxies,
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			code := fiber.StatusInternalServerError
			if fe, ok := err.(*fiber.Error); ok {
				code = fe.Code
			}
			return c.Status(code).JSON(fiber.Map{"error": fiber.Map{"code": httpCode(code), "message": httpMessage(code)}})
		},
	})
	m := newMetrics(o.Registry)
	app.Use(func(c *fiber.Ctx) error {
		start := time.Now()
		id := c.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			id = newRequestID()
		}
		c.Set("X-Request-Id", id)
		c.Locals("request_id", id)
		c.SetUserContext(audit.WithRequest(c.UserContext(), audit.Request{IP: utils.CopyString(c.IP()), RequestID: id}))
		err := safeNext(c, o.Log)
		if err != nil {
			if herr := app.ErrorHandler(c, err); herr != nil {
				c.Status(fiber.StatusInternalServerError)
			}
		}
		status := c.Response().StatusCode()
		route := c.Route().Path
		if status == fiber.StatusNotFound && route == "/" {
			route = "unmatched"
		}
		m.observe(c.Method(), route, status, time.Since(start))
		o.Log.Info("http", "method", c.Method(), "route", route, "status", status,
			"ms", time.Since(start).Milliseconds(), "request_id", id)
		return nil
	})
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) })
	app.Get("/readyz", func(c *fiber.Ctx) error {
		checks := fiber.Map{}
		ready := true
		for name, check := range o.Checks {
			if err := check(c.UserContext()); err != nil {
				checks[name], ready = "down", false
				o.Log.Warn("not ready", "component", name, "err", err)
			} else {
				checks[name] = "ok"
			}
		}
		if !ready {
			return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "checks": checks})
		}
		return c.JSON(fiber.Map{"status": "ok", "checks": checks})
	})
	if o.MetricsOnRoot {
		app.Get("/metrics", adaptor.HTTPHandler(metricsHandler(o.Registry)))
	}
	return app
}

// metricsHandler serves the registry at /metrics (and nothing else).
func metricsHandler(reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return mux
}

// safeNext turns a panic in a handler into a logged 500.
func safeNext(c *fiber.Ctx, log *slog.Logger) (err error) {
	defer func() {
		if r := recover(); r != nil {
			log.Error("panic in handler", "panic", r, "path", c.Path())
			err = fiber.ErrInternalServerError
		}
	}()
	return c.Next()
}

func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sunshine_http_requests_total",
			Help: "HTTP requests by method, route and status."}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "sunshine_http_request_duration_seconds",
			Help: "HTTP request latency by route.", Buckets: prometheus.DefBuckets}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(method, route).Observe(d.Seconds())
}

func httpCode(status int) string {
	switch status {
	case 404:
		return "not_found"
	case 405:
		return "method_not_allowed"
	case 413:
		return "too_large"
	case 400:
		return "invalid"
	}
	return "internal"
}

func httpMessage(status int) string {
	switch status {
	case 404:
		return "请求的地址不存在"
	case 405:
		return "不支持该请求方法"
	case 413:
		return "请求内容过大"
	case 400:
		return "请求格式不正确"
	}
	return "服务器内部错误，请稍后再试"
}
