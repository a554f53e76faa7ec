package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"sunshine/app/calendar"
	"sunshine/app/cases"
	"sunshine/app/files"
	"sunshine/app/kv"
	"sunshine/app/storage"
	"sunshine/app/wechat"
	"sunshine/config"
)

// deps are the opened stores and services shared by every command.
type deps struct {
	cfg      *config.Config
	log      *slog.Logger
	db       *storage.DB
	kv       *kv.Conn
	calendar *calendar.Calendar
	cases    *cases.Service
	files    *files.Service    // built by openFiles
	sim      *wechat.Simulator // the WeChat simulator (nil in live mode)
}

// open connects the database (migrating it) and, when withRedis, Redis.
func open(ctx context.Context, cfg *config.Config, log *slog.Logger, withRedis bool) (*deps, error) {
	db, err := storage.Open(ctx, storage.Options{MySQLDSN: cfg.MySQLDSN, SQLitePath: cfg.SQLitePath(), Log: log})
	if err != nil {
		return nil, err
	}
	d := &deps{cfg: cfg, log: log, db: db}
	if err := db.Migrate(ctx); err != nil {
		d.close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if err := db.Holidays().SeedIfEmpty(ctx); err != nil {
		d.close()
		return nil, fmt.Errorf("seed holidays: %w", err)
	}
	days, err := db.Holidays().All(ctx)
	if err != nil {
		d.close()
		return nil, err
	}
	d.calendar = calendar.New(days, log)
	if y, missing := d.calendar.MissingNextYear(time.Now()); missing {
		log.Warn("next year's holiday calendar is missing: deadlines running into it count weekends only; an admin should enter it", "year", y)
	}
	d.cases = cases.New(db.Cases(), d.calendar, nil, log)
	if withRedis {
		if d.kv, err = kv.Open(ctx, cfg.RedisURL); err != nil {
			d.close()
			return nil, err
		}
	}
	return d, nil
}

func (d *deps) close() {
	if d.kv != nil {
		d.kv.Close()
	}
	if d.db != nil {
		d.db.Close()
	}
}

// reloadCalendar keeps every instance's calendar in step with the admin's
// edits made on any instance.
func (d *deps) reloadCalendar(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if days, err := d.db.Holidays().All(ctx); err == nil {
				d.calendar.Load(days)
			}
		}
	}
}

func migrate(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	d, err := open(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer d.close()
	v, err := d.db.SchemaVersion(ctx)
	log.Info("schema up to date", "version", v)
	return err
}
