package main

import (
	"context"
	"errors"
	"log/slog"
	"net"

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
	sys  *system.System
	root *fiber.App
	stop func() // ends the background work, then closes the stores
}

// build opens the stores, builds every service (app/system, the one
// composition root), the root app with every surface, and starts the
// background work (notification delivery, reminders, calendar reload).
// serve and the HTTP benchmarks both run exactly this.
func build(ctx context.Context, cfg *config.Config, log *slog.Logger) (*service, error) {
	sys, err := system.New(ctx, system.Options{Config: cfg, Log: log})
	if err != nil {
		return nil, err
	}
	log.Info("starting", "config", cfg.String(),
		"embedded_database", cfg.EmbeddedDB(), "embedded_redis", cfg.EmbeddedRedis(),
		"wechat", cfg.WeChat.Mode, "files", cfg.FilesDir())
	log.Info(embeddedLine(cfg))

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewDBStatsCollector(sys.DB.SQL(), "write"))
	if sys.DB.ReadSQL() != sys.DB.SQL() {
		reg.MustRegister(collectors.NewDBStatsCollector(sys.DB.ReadSQL(), "read"))
	}
	root := newRoot(rootOptions{Log: log, Registry: reg, BodyMB: cfg.MaxUploadMB, TrustedProxies: cfg.TrustedProxies,
		Checks: sys.Ready()})
	if err := mountSurfaces(root, sys); err != nil {
		sys.Close()
		return nil, err
	}
	bg, cancelBG := context.WithCancel(context.WithoutCancel(ctx))
	waitBG := sys.Start(bg)
	// The workers stop before the database and Redis they use are closed.
	stop := func() { cancelBG(); waitBG(); sys.Close() }
	return &service{sys: sys, root: root, stop: stop}, nil
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
		" files=" + cfg.FilesDir() +
		" wechat=" + part(cfg.WeChat.Mode == "simulator", "simulator", "live")
}
