package main

import (
	"context"
	"log/slog"

	"sunshine/app/calendar"
	"sunshine/app/storage"
	"sunshine/app/system"
	"sunshine/config"
)

// deps are the opened database and calendar of the CLI commands that need
// no Redis (migrate, user, demo); serve builds the whole system instead.
type deps struct {
	cfg      *config.Config
	log      *slog.Logger
	db       *storage.DB
	calendar *calendar.Calendar
}

// open connects the database, migrating it and seeding the calendar.
func open(ctx context.Context, cfg *config.Config, log *slog.Logger) (*deps, error) {
	db, cal, err := system.OpenDB(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	return &deps{cfg: cfg, log: log, db: db, calendar: cal}, nil
}

func (d *deps) close() { d.db.Close() }

func migrate(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	d, err := open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.close()
	v, err := d.db.SchemaVersion(ctx)
	log.Info("schema up to date", "version", v)
	return err
}
