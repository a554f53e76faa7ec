package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"sunshine/app/system"
	"sunshine/config"
)

func serve(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	svc, err := build(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer svc.stop()
	root := svc.root

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- root.Listener(ln) }()
	log.Info("listening", "addr", ln.Addr().String())
	if addr := cfg.MetricsListener(); addr != "" {
		mln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("metrics listener (SUNSHINE_METRICS_ADDR=%s): %w", addr, err)
		}
		ms := &http.Server{Handler: svc.metrics, ReadHeaderTimeout: 10 * time.Second}
		defer ms.Close()
		go func() { _ = ms.Serve(mln) }()
		log.Info("metrics listening", "addr", mln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests", "timeout", cfg.ShutdownTimeout.String())
	if err := root.ShutdownWithTimeout(cfg.ShutdownTimeout); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// service is the whole service, every surface mounted and the background
// work running, short of a listener.
type service struct {
	sys     *system.System
	root    *fiber.App
	metrics http.Handler // /metrics, for the metrics listener
	stop    func()       // ends the background work, then closes the stores
}

// build opens the stores, builds every service (app/system, the one
// composition root), the root app with every surface, and starts the
// background work (notification delivery, reminders, calendar reload).
// serve and the HTTP benchmarks both run exactly this.
func build(ctx context.Context, cfg *config.Config, log *slog.Logger) (*service, error) {
	return buildWith(ctx, cfg, log, "")
}

// buildWith is build with a Redis key prefix (system.Options.KeyPrefix):
// tests that share a real Redis keep apart with it.
func buildWith(ctx context.Context, cfg *config.Config, log *slog.Logger, keyPrefix string) (*service, error) {
	sys, err := system.New(ctx, system.Options{Config: cfg, Log: log, KeyPrefix: keyPrefix})
	if err != nil {
		return nil, err
	}
	log.Info("starting", "config", cfg.String(),
		"embedded_database", cfg.EmbeddedDB(), "embedded_redis", cfg.EmbeddedRedis(),
		"wechat", cfg.WeChat.Mode, "files", filesWhere(cfg))
	log.Info(embeddedLine(cfg))

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewDBStatsCollector(sys.DB.SQL(), "write"))
	if sys.DB.ReadSQL() != sys.DB.SQL() {
		reg.MustRegister(collectors.NewDBStatsCollector(sys.DB.ReadSQL(), "read"))
	}
	reg.MustRegister(newOpsCollector(sys))
	root := newRoot(rootOptions{Log: log, Registry: reg, BodyMB: cfg.MaxUploadMB, TrustedProxies: cfg.TrustedProxies,
		Checks: sys.Ready(), MetricsOnRoot: cfg.MetricsOnPublicPort()})
	if err := mountSurfaces(root, sys); err != nil {
		sys.Close()
		return nil, err
	}
	bg, cancelBG := context.WithCancel(context.WithoutCancel(ctx))
	waitBG := sys.Start(bg)
	// The workers stop before the database and Redis they use are closed.
	stop := func() { cancelBG(); waitBG(); sys.Close() }
	return &service{sys: sys, root: root, metrics: metricsHandler(reg), stop: stop}, nil
}

// embeddedLine is the one log line saying which parts run embedded.
func embeddedLine(cfg *config.Config) string {
	part := func(embedded bool, yes, no string) string {
		if embedded {
			return yes
		}
		return no
	}
	return "embedded: database=" + part(cfg.EmbeddedDB(), "sqlite("+cfg.SQLitePath()+")", "no(mysql)") +
		" redis=" + part(cfg.EmbeddedRedis(), "in-process", "no") +
		" files=" + filesWhere(cfg) +
		" wechat=" + part(cfg.WeChat.Mode == "simulator", "simulator", "live")
}

// filesWhere says where the materials live.
func filesWhere(cfg *config.Config) string {
	if cfg.S3.Enabled() {
		return "s3(" + cfg.S3.Endpoint + "/" + cfg.S3.Bucket + ")"
	}
	return cfg.FilesDir()
}
