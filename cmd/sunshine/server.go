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
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"sunshine/app/audit"
	"sunshine/app/web"
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
		// Bodies are streamed so that web.LimitBody can refuse one over its
		// route's limit before it is read; BodyLimit is then only fasthttp's
		// buffering threshold, the limits are LimitBody's (bodyRules).
		BodyLimit:                    (o.BodyMB + 1) << 20,
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		ReadTimeout:                  30 * time.Second,
		WriteTimeout:                 60 * time.Second,
		IdleTimeout:                  120 * time.Second,
		// No ProxyHeader: c.IP() stays the peer address; the client address
		// (logs, audit, login throttling) is web.ClientIP, taken from the
		// X-Forwarded-For chain of a trusted proxy by the middleware below.
		// The check still keeps X-Forwarded-Proto/Host to trusted proxies.
		EnableTrustedProxyCheck: len(o.TrustedProxies) > 0,
		TrustedProxies:          o.TrustedProxies,
		// Errors that reach the root (Fiber's own, the body limit, a surface
		// that returns instead of answering) get SPEC §5's body and status;
		// a store that is down is 503 with Retry-After here as everywhere.
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			p := web.ProblemOf(err)
			if p.Status >= 500 && p.Status != fiber.StatusServiceUnavailable {
				o.Log.Error("request failed", "err", p.Err, "path", c.Path())
			}
			if p.Status == fiber.StatusServiceUnavailable {
				c.Set(fiber.HeaderRetryAfter, web.RetryAfter)
			}
			return c.Status(p.Status).JSON(p.Body)
		},
	})
	m := newMetrics(o.Registry)
	proxies, err := web.ParseProxies(o.TrustedProxies)
	if err != nil { // config.Validate refuses these; trust nobody rather than a typo
		o.Log.Error("trusted proxies ignored", "err", err)
	}
	app.Use(func(c *fiber.Ctx) error {
		start := time.Now()
		id := c.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			id = newRequestID()
		}
		c.Set("X-Request-Id", id)
		c.Locals("request_id", id)
		ip := proxies.ClientAddress(c.Context().RemoteIP(), c.Request().Header.PeekAll(fiber.HeaderXForwardedFor))
		web.SetClientIP(c, ip)
		c.SetUserContext(audit.WithRequest(c.UserContext(), audit.Request{IP: ip, RequestID: id}))
		err := safeNext(c, o.Log)
		if err != nil {
			if herr := app.ErrorHandler(c, err); herr != nil {
				c.Status(fiber.StatusInternalServerError)
			}
		}
		noStore(c)
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
	app.Use(web.LimitBody(jsonBodyLimit, bodyRules(o.BodyMB)...))
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

// Body limits (issue 10 item 7): an unauthenticated route must not read a
// large body before it refuses the request.
const (
	jsonBodyLimit = 256 << 10 // every JSON API and form post
	pushBodyLimit = 1 << 20   // /wechat/push and the hotline intake
)

// bodyRules are the per-route body limits; uploadMB is the largest file.
func bodyRules(uploadMB int) []web.BodyRule {
	return []web.BodyRule{
		{Name: "wechat push", Match: web.PathPrefix("/wechat/push"), Limit: pushBodyLimit},
		{Name: "hotline intake", Match: web.PathPrefix("/api/hotline/"), Limit: pushBodyLimit},
		{Name: "uploads", Match: web.UploadRoute, Limit: (uploadMB + 1) << 20}, // +1 MiB of multipart framing
	}
}

// noStore marks every answer as not to be cached and not to be sniffed
// (issue 10 item 8): API answers carry personal data. An answer that set
// its own caching (a static file) keeps it.
func noStore(c *fiber.Ctx) {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	if len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
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
