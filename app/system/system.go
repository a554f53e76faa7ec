// Package system is the one composition root of 阳光代办: it opens the
// stores (database, Redis) and builds every service exactly once, wired to
// each other. cmd/sunshine and every surface's test fixture call it, so
// what runs in tests is what runs in production; the HTTP surfaces receive
// the services it built and never build their own from a store.
package system

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"sunshine/app/accounts"
	"sunshine/app/admin"
	"sunshine/app/audit"
	"sunshine/app/bulletin"
	"sunshine/app/calendar"
	"sunshine/app/cases"
	"sunshine/app/consult"
	"sunshine/app/files"
	"sunshine/app/followup"
	"sunshine/app/hotline"
	"sunshine/app/kv"
	"sunshine/app/matters"
	"sunshine/app/members"
	"sunshine/app/notify"
	"sunshine/app/scanlogin"
	"sunshine/app/session"
	"sunshine/app/stats"
	"sunshine/app/storage"
	"sunshine/app/supervision"
	"sunshine/app/wechat"
	"sunshine/config"
)

// Options say what to build the system from.
type Options struct {
	// Config is the service's configuration (required).
	Config *config.Config
	Log    *slog.Logger
	// Now is the clock of every service (nil: time.Now); tests inject one.
	Now func() time.Time
	// DB and KV, when set, are used as they are (already migrated and
	// seeded) instead of being opened from Config, and Close leaves them
	// open: tests share one database and one Redis among several systems,
	// as several instances of the service do.
	DB *storage.DB
	KV *kv.Conn
	// WeChat, when set, is the WeChat client (and simulator) to use. The
	// SDK sends every request through one process-wide HTTP client, so a
	// process holds one; tests build it once and share it.
	WeChat *WeChat
	// KeyPrefix, when set, prefixes the Redis keys of the services that
	// take one (tests sharing a Redis keep apart with it).
	KeyPrefix string
	// BcryptCost hashes the passwords staff set themselves (zero: the
	// default; tests that are not about bcrypt use the minimum).
	BcryptCost int
}

// WeChat is the process's WeChat client and, in simulator mode, the
// simulator behind it.
type WeChat struct {
	Config    wechat.Config
	Client    *wechat.Client
	Simulator *wechat.Simulator // nil in live mode
	Templates *notify.Templates
}

// System is every service of the product, built once.
type System struct {
	Config *config.Config
	Log    *slog.Logger
	Now    func() time.Time

	DB       *storage.DB
	KV       *kv.Conn
	Calendar *calendar.Calendar
	Sessions *session.Store

	Cases     *cases.Service
	Accounts  *accounts.Service
	Members   *members.Service
	Files     *files.Service
	Hotline   *hotline.Service
	Matters   *matters.Service
	Notify    *notify.Service
	Stats     *stats.Service
	Consult   *consult.Service
	Followups *followup.Service
	Admin     *admin.Service
	Reports   *supervision.Service // 监督: enterprises' misconduct reports
	Bulletins *bulletin.Service
	// Templates is the admin's run-time edit of the WeChat template ids.
	Templates *notify.TemplateAdmin
	// Trail is the auditor's audit log (query, export) and the chain's
	// verification and purge.
	Trail  *audit.Service
	WeChat *WeChat
	// Push verifies the signed pushes WeChat sends to /wechat/push.
	Push *wechat.PushVerifier
	// ScanLogin holds the portal's scan-to-login tickets.
	ScanLogin *scanlogin.Service

	closeStores func()
}

// OpenDB opens the database of cfg, migrates it, seeds the published
// holiday calendars once and loads the working-day calendar from it. The
// CLI commands that need no Redis use it alone.
func OpenDB(ctx context.Context, cfg *config.Config, log *slog.Logger) (*storage.DB, *calendar.Calendar, error) {
	db, err := storage.Open(ctx, storage.Options{MySQLDSN: cfg.MySQLDSN, SQLitePath: cfg.SQLitePath(), Log: log})
	if err != nil {
		return nil, nil, err
	}
	cal, err := Prepare(ctx, db, log)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, cal, nil
}

// Prepare migrates db, seeds the published holiday calendars once and
// returns the working-day calendar loaded from it.
func Prepare(ctx context.Context, db *storage.DB, log *slog.Logger) (*calendar.Calendar, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := db.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if err := db.Holidays().SeedIfEmpty(ctx); err != nil {
		return nil, fmt.Errorf("seed holidays: %w", err)
	}
	if err := db.EnsureAuditChain(ctx); err != nil {
		return nil, fmt.Errorf("audit chain: %w", err)
	}
	if ran, err := db.BackfillMonthly(ctx); err != nil {
		return nil, fmt.Errorf("statistics counters: %w", err)
	} else if ran {
		log.Info("statistics counters filled from the stored cases")
	}
	days, err := db.Holidays().All(ctx)
	if err != nil {
		return nil, err
	}
	return calendar.New(days, log), nil
}

// New opens what Options do not provide and builds every service. Close
// releases what it opened.
func New(ctx context.Context, o Options) (*System, error) {
	if o.Config == nil {
		return nil, errors.New("system: no configuration")
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &System{Config: o.Config, Log: o.Log, Now: o.Now, DB: o.DB, KV: o.KV}
	var closers []func()
	s.closeStores = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	fail := func(err error) (*System, error) { s.closeStores(); return nil, err }
	var err error
	if s.DB == nil {
		if s.DB, s.Calendar, err = OpenDB(ctx, o.Config, o.Log); err != nil {
			return nil, err
		}
		closers = append(closers, func() { s.DB.Close() })
	} else if s.Calendar, err = Prepare(ctx, s.DB, o.Log); err != nil {
		return nil, err
	}
	if y, missing := s.Calendar.MissingNextYear(o.Now()); missing {
		o.Log.Warn("next year's holiday calendar is missing: deadlines running into it count weekends only; an admin should enter it", "year", y)
	}
	if s.KV == nil {
		if s.KV, err = kv.Open(ctx, o.Config.RedisURL); err != nil {
			return fail(err)
		}
		closers = append(closers, func() { s.KV.Close() })
	}
	if s.WeChat = o.WeChat; s.WeChat == nil {
		if s.WeChat, err = NewWeChat(o.Config, s.KV, o.Log, o.KeyPrefix); err != nil {
			return fail(err)
		}
		if sim := s.WeChat.Simulator; sim != nil {
			db := s.DB
			sim.SetWorkUserResolver(func(id string) bool { return workUserExists(db, id) })
		}
	} else {
		// A given client (tests share one) may not be the one the SDK sends
		// through any more: another system built since installed its own.
		s.WeChat.Client.Install()
	}
	if err := s.build(ctx, o); err != nil {
		return fail(err)
	}
	if err := s.Templates.Reload(ctx); err != nil { // the admin's template ids over the configuration's
		return fail(err)
	}
	return s, nil
}

// build wires the services to each other.
func (s *System) build(ctx context.Context, o Options) error {
	cfg, db, log, now := s.Config, s.DB, s.Log, s.Now
	s.Sessions = session.NewStore(s.KV, now)
	s.Cases = cases.New(db.Cases(), s.Calendar, now, log)
	// The notification service's hook writes the outbox rows of every case
	// action in the action's transaction; Start runs the delivery. Its
	// templates are a copy of the configured ones: the admin's overrides
	// (s.Templates) apply to it.
	s.Notify = notify.New(notify.Deps{Store: db.Notifications(), Days: s.Calendar, WeChat: s.WeChat.Client,
		Redis: s.KV, Audit: db.Audit(), Log: log, Now: now}, notify.Options{Templates: s.WeChat.Templates.Clone(),
		HotlineURL: cfg.HotlineCallbackURL, HotlineSecret: cfg.HotlineSecret,
		WakeChannel: prefixed(o.KeyPrefix, "notify:wake"), DeliveryRemindDays: cfg.DeliveryRemindDays})
	s.Cases.OnEvent(s.Notify.Hook)
	s.Cases.OnEvent(db.StatsHook) // the dashboards' monthly counters, in the same transaction
	var err error
	if s.Files, err = NewFiles(ctx, cfg, db, s.Cases, now, log); err != nil {
		return err
	}
	s.Files.LimitUploads(uploadQuota(cfg), s.KV, prefixed(o.KeyPrefix, "files:"))
	if s.Hotline, err = hotline.New(cfg.HotlineSecret, s.Cases, db.Cases(), db.Audit(), now, log); err != nil {
		return err
	}
	s.Hotline.GuardReplays(s.KV, prefixed(o.KeyPrefix, "hotline:"))
	s.Matters = matters.New(db.Matters(), s.Cases, db.Audit(), now, log)
	s.Stats = stats.New(db.Stats(), s.Calendar, db.Audit(), now, log)
	s.Accounts = accounts.NewService(accounts.Options{Store: db.Staff(), Sessions: s.Sessions, KV: s.KV,
		Audit: db.Audit(), Now: now, Log: log, TwoFactor: accounts.TwoFactorPolicy(cfg.StaffTwoFactor),
		SecretKey: cfg.AttachmentKey, SecretKeyPrevious: cfg.AttachmentKeyPrevious, BcryptCost: o.BcryptCost})
	s.Trail = audit.NewService(db.Audit(), db.Audit(), now, log)
	s.Consult = consult.New(db.Consultations(), s.Cases, db.Audit(), now, log)
	s.Followups = followup.New(db.Followups(), db.Audit(), now, log)
	s.Admin = admin.New(db.Holidays(), s.Calendar, db.Audit(), now, log).WithDepartments(db.Departments())
	s.Bulletins = bulletin.New(db.Bulletins(), db.Audit(), now, log)
	s.Templates = notify.NewTemplateAdmin(db.NotifyTemplates(), s.Notify.Templates(), db.Audit(), now, log)
	s.Reports = supervision.New(db.Reports(), s.Cases, db.Audit(), now, log)
	s.Members = members.New(members.Deps{Store: db.Members(), Sessions: s.Sessions, WeChat: s.WeChat.Client,
		KV: s.KV, Cases: s.Cases, Urged: s.Notify, Docs: s.Files, Notices: s.Notify, Now: now, Log: log,
		KeyPrefix: prefixed(o.KeyPrefix, "members:")})
	s.Push = wechat.NewPushVerifier(s.WeChat.Config, s.KV)
	s.ScanLogin = scanlogin.New(s.KV, now, prefixed(o.KeyPrefix, "scanlogin:"))
	return nil
}

// NewFiles builds the materials service of cfg on its object store: the S3
// bucket when SUNSHINE_S3_ENDPOINT is set, else DataDir/files. The CLI
// commands that handle materials (backup, restore, key rotation) use it alone.
func NewFiles(ctx context.Context, cfg *config.Config, db *storage.DB, access files.CaseAccess, now func() time.Time, log *slog.Logger) (*files.Service, error) {
	o := files.Options{Dir: cfg.FilesDir(), Key: cfg.AttachmentKey, PreviousKey: cfg.AttachmentKeyPrevious,
		MaxBytes: int64(cfg.MaxUploadMB) << 20, Store: db.Attachments(), Cases: access, Audit: db.Audit(), Now: now, Log: log}
	if c := cfg.S3; c.Enabled() {
		b, err := files.NewS3Blobs(ctx, files.S3Config{Endpoint: c.Endpoint, Bucket: c.Bucket, AccessKey: c.AccessKey,
			SecretKey: c.SecretKey, Region: c.Region, TLS: c.TLS})
		if err != nil {
			return nil, err
		}
		o.Blobs = b
	}
	return files.New(o)
}

// uploadQuota is the configured upload quota and rate (issue 10 item 7).
func uploadQuota(c *config.Config) files.Quota {
	return files.Quota{CaseFiles: int64(c.UploadCaseFiles), CaseBytes: int64(c.UploadCaseMB) << 20,
		EnterpriseFiles: int64(c.UploadEnterpriseFiles), EnterpriseBytes: int64(c.UploadEnterpriseMB) << 20,
		Rate: int64(c.UploadRatePerHour), RateWindow: time.Hour}
}

// prefixed returns "" (the service's default) without a prefix.
func prefixed(prefix, name string) string {
	if prefix == "" {
		return ""
	}
	return prefix + name
}

// NewWeChat builds the WeChat client of cfg: with the simulator in
// simulator mode (refused in production). NewClient installs its HTTP
// client as the SDK's process-wide client, so a process builds one.
func NewWeChat(cfg *config.Config, conn *kv.Conn, log *slog.Logger, keyPrefix string) (*WeChat, error) {
	w := cfg.WeChat
	env := wechat.EnvDevelopment
	if cfg.Production() {
		env = wechat.EnvProduction
	}
	templates, err := notify.ParseTemplates(w.Templates, w.Mode == wechat.ModeSimulator)
	if err != nil {
		return nil, err
	}
	wcfg := wechat.Config{Env: env, Mode: w.Mode, MiniProgramState: w.MiniProgramEnv, HTTPTimeout: w.HTTPTimeout,
		MiniProgram:     wechat.AppCredentials{AppID: w.MPAppID, AppSecret: w.MPAppSecret},
		OfficialAccount: wechat.AppCredentials{AppID: w.OAAppID, AppSecret: w.OAAppSecret},
		Work:            wechat.WorkConfig{CorpID: w.WorkCorpID, AgentID: w.WorkAgentID, Secret: w.WorkSecret},
		PushToken:       w.PushToken, PushEncodingAESKey: w.PushAESKey, SubscribeTemplates: templates.SubscribeIDs(),
		RedisKeyPrefix: prefixed(keyPrefix, "wechat:")}
	out := &WeChat{Config: wcfg, Templates: templates}
	opts := []wechat.Option{wechat.WithLogger(log)}
	if w.Mode == wechat.ModeSimulator {
		// On a real Redis every instance talks to one simulated WeChat.
		if conn.Embedded {
			out.Simulator, err = wechat.NewSimulator(wcfg)
		} else {
			out.Simulator, err = wechat.NewSharedSimulator(wcfg, conn, prefixed(keyPrefix, "{wxsim}:"))
		}
		if err != nil {
			return nil, err
		}
		opts = append(opts, wechat.WithSimulator(out.Simulator))
	}
	if out.Client, err = wechat.NewClient(wcfg, conn, opts...); err != nil {
		return nil, err
	}
	return out, nil
}

// workUserExists tells the simulator's Work WeChat which user ids exist:
// the enabled staff with that Work WeChat id.
func workUserExists(db *storage.DB, id string) bool {
	list, err := db.Staff().ListStaff(context.Background(), "")
	if err != nil {
		return false
	}
	for _, s := range list {
		if !s.Disabled && strings.EqualFold(s.WecomUserID, id) {
			return true
		}
	}
	return false
}

// Start runs the background work until ctx ends: notification delivery,
// reminders, and the reload of the calendar the admin edits on any
// instance. The returned function waits for it to stop.
func (s *System) Start(ctx context.Context) (wait func()) {
	waitNotify := s.Notify.Start(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.reloadCalendar(ctx, time.Minute) }()
	go func() { defer wg.Done(); s.Files.RunSweeper(ctx, time.Hour) }() // pending and replaced objects
	wg.Add(1)
	go func() { defer wg.Done(); s.reloadTemplates(ctx, 30*time.Second) }()
	return func() { waitNotify(); wg.Wait() }
}

// reloadCalendar keeps this instance's calendar in step with the admin's
// edits made on any instance.
func (s *System) reloadCalendar(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if days, err := s.DB.Holidays().All(ctx); err == nil {
				s.Calendar.Load(days)
			}
		}
	}
}

// Ready reports whether the database and Redis answer (for /readyz).
func (s *System) Ready() map[string]func(context.Context) error {
	return map[string]func(context.Context) error{"database": s.DB.Ping, "redis": s.KV.Ready, "objects": s.Files.Ready}
}

// Close releases the stores the system opened (not those it was given).
// Stop the background work first.
func (s *System) Close() { s.closeStores() }

// reloadTemplates applies the template ids the admin edits on any instance.
func (s *System) reloadTemplates(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Templates.Reload(ctx); err != nil && ctx.Err() == nil {
				s.Log.Warn("template reload failed", "err", err)
			}
		}
	}
}
