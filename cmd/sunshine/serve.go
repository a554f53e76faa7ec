package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"sunshine/config"
)

func serve(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	d, err := open(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer d.close()
	log.Info("starting", "config", cfg.String(),
		"embedded_database", cfg.EmbeddedDB(), "embedded_redis", cfg.EmbeddedRedis(),
		"wechat", cfg.WeChat.Mode, "files", cfg.FilesDir())
	log.Info(embeddedLine(cfg))

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewDBStatsCollector(d.db.SQL(), "write"))
	if d.db.ReadSQL() != d.db.SQL() {
		reg.MustRegister(collectors.NewDBStatsCollector(d.db.ReadSQL(), "read"))
	}
	root := newRoot(rootOptions{Log: log, Checks: map[string]func(context.Context) error{"database": d.db.Ping, "redis": d.kv.Ready}, Registry: reg, BodyMB: cfg.MaxUploadMB,
		TrustedProxies: cfg.TrustedProxies})
	bg, cancelBG := context.WithCancel(ctx)
	defer cancelBG()
	waitBG, err := mountSurfaces(bg, root, d)
	if err != nil {
		return err
	}
	// Runs before d.close (deferred earlier): the workers stop before the
	// database and Redis they use are closed.
	defer func() { cancelBG(); waitBG() }()
	go d.reloadCalendar(bg, time.Minute)

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
	cancelBG()
	if err := root.ShutdownWithTimeout(cfg.ShutdownTimeout); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
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
