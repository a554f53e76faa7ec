// Package notify delivers the notifications of SPEC §4 so that none is lost:
// the action that causes an event writes outbox rows and inbox entries in
// its own transaction (Hook), workers deliver the rows after commit through
// WeChat (mini-program subscribe message, official-account template message,
// Work WeChat app message) or the signed hotline callback, with retries and
// backoff, and a scanner raises the deadline, overdue and matter reminders.
// Each row is claimed by a conditional UPDATE with a token and an expiry, so
// several instances on one database send each notification once.
//
// See docs/notifications.md for the events, the channels, the retry schedule and the
// configuration of template ids.
package notify

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"sunshine/app/audit"
	"sunshine/app/casework"
)

// Deps are the collaborators of the service.
type Deps struct {
	Store  Store                 // storage.DB.Notifications()
	Days   casework.WorkingDays  // the working-day calendar
	WeChat WeChat                // *wechat.Client; nil delivers to the inbox only
	Redis  redis.UniversalClient // wake-ups between instances; nil: local only
	Audit  audit.Store           // records manual retries; nil: none
	Log    *slog.Logger
	Now    func() time.Time // injectable clock (default time.Now)
}

// Options tune delivery and reminders; zero values take the defaults.
type Options struct {
	// Templates maps events to WeChat template ids and fields (ParseTemplates
	// of config.WeChat.Templates); nil: DefaultTemplates (the simulator's).
	Templates *Templates
	// HotlineURL receives the signed result callback of hotline cases.
	HotlineURL string
	// HotlineSecret is the HMAC key of the callback (the intake's secret).
	HotlineSecret string
	// HTTPClient posts the hotline callback (default: 10 s timeout).
	HTTPClient *http.Client
	// PollInterval is how often an idle worker looks for due rows (5 s).
	PollInterval time.Duration
	// ClaimTTL is how long a claimed row stays with its worker (2 min);
	// a worker that dies leaves it to others after that.
	ClaimTTL time.Duration
	// Batch is how many due rows a worker lists at a time (50).
	Batch int
	// ScanInterval is how often the reminder scanner runs (1 min).
	ScanInterval time.Duration
	// ReminderHour is the China-time hour from which reminders of a day go
	// out (9).
	ReminderHour int
	// WakeChannel is the Redis pub/sub channel of wake-ups.
	WakeChannel string
	// DeliveryRemindDays is after how many working days a mailed delivery
	// nobody confirmed reminds the specialist, and again every as many days
	// (7; config SUNSHINE_DELIVERY_REMIND_DAYS).
	DeliveryRemindDays int
}

func (o Options) withDefaults() Options {
	if o.Templates == nil {
		o.Templates = DefaultTemplates()
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 5 * time.Second
	}
	if o.ClaimTTL <= 0 {
		o.ClaimTTL = 2 * time.Minute
	}
	if o.Batch <= 0 {
		o.Batch = 50
	}
	if o.ScanInterval <= 0 {
		o.ScanInterval = time.Minute
	}
	if o.ReminderHour <= 0 || o.ReminderHour > 23 {
		o.ReminderHour = 9
	}
	if o.DeliveryRemindDays <= 0 {
		o.DeliveryRemindDays = 7
	}
	if o.WakeChannel == "" {
		o.WakeChannel = "sunshine:notify:wake"
	}
	return o
}

// Service is the notification service: the outbox hook, delivery workers,
// the reminder scanner, subscribe credits, the inboxes and the admin view.
type Service struct {
	d    Deps
	o    Options
	now  func() time.Time
	log  *slog.Logger
	wake *waker
}

// New builds the service.
func New(d Deps, o Options) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	o = o.withDefaults()
	return &Service{d: d, o: o, now: d.Now, log: d.Log, wake: newWaker(d.Redis, o.WakeChannel, d.Log)}
}

// Templates returns the template configuration in use.
func (s *Service) Templates() *Templates { return s.o.Templates }

// Start runs one delivery worker and the reminder scanner until ctx ends.
//
// The returned function waits until both have stopped after ctx is done,
// so that the caller can close the database only then.
func (s *Service) Start(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.NewWorker("").Run(ctx) }()
	go func() { defer wg.Done(); s.Scanner().Run(ctx) }()
	return wg.Wait
}
