package main

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sunshine/app/session"
	"sunshine/app/storage"
	"sunshine/app/system"
)

// opsCollector exposes what an operator watches besides requests and pools:
// the outbox by state and channel and the age of its oldest pending row,
// deliveries and failures by channel, reminders fired (all read from the
// database, so every instance reports the same cluster-wide figures: take
// max, not sum), WeChat call errors by errcode (this instance's calls) and
// the active sessions (from Redis, cluster-wide). The database figures are
// cached for figuresTTL so that scrapes stay cheap.
type opsCollector struct {
	sys *system.System
	now func() time.Time

	mu      sync.Mutex
	at      time.Time
	figures *storage.OutboxFigures
	err     error
}

const figuresTTL = 15 * time.Second

var (
	descOutbox    = prometheus.NewDesc("sunshine_outbox_rows", "Notification outbox rows by state and delivering channel (cluster-wide).", []string{"state", "channel"}, nil)
	descOldest    = prometheus.NewDesc("sunshine_outbox_oldest_pending_age_seconds", "Age of the oldest outbox row still pending or sending (0: none).", nil, nil)
	descDelivered = prometheus.NewDesc("sunshine_notifications_delivered", "Notifications delivered, by channel (cluster-wide).", []string{"channel"}, nil)
	descFailed    = prometheus.NewDesc("sunshine_notifications_failed", "Notifications given up on, by last channel tried (cluster-wide).", []string{"channel"}, nil)
	descReminders = prometheus.NewDesc("sunshine_reminders_fired", "Reminder notifications written by the scanner, by event (cluster-wide).", []string{"event"}, nil)
	descFigures   = prometheus.NewDesc("sunshine_outbox_figures_up", "1 when the outbox figures could be read from the database.", nil, nil)
	descWeChat    = prometheus.NewDesc("sunshine_wechat_call_errors_total", "WeChat API calls that failed, by API and errcode (this instance).", []string{"api", "errcode"}, nil)
	descSessions  = prometheus.NewDesc("sunshine_sessions_active", "Live login sessions by kind (cluster-wide).", []string{"kind"}, nil)
)

func newOpsCollector(sys *system.System) *opsCollector { return &opsCollector{sys: sys, now: time.Now} }

// Describe implements prometheus.Collector.
func (c *opsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descOutbox, descOldest, descDelivered, descFailed, descReminders, descFigures, descWeChat, descSessions} {
		ch <- d
	}
}

func (c *opsCollector) outbox(ctx context.Context) (*storage.OutboxFigures, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.figures == nil || c.now().Sub(c.at) > figuresTTL {
		c.figures, c.err = c.sys.DB.OutboxFigures(ctx)
		c.at = c.now()
	}
	return c.figures, c.err
}

// Collect implements prometheus.Collector.
func (c *opsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	f, err := c.outbox(ctx)
	if err != nil || f == nil {
		ch <- prometheus.MustNewConstMetric(descFigures, prometheus.GaugeValue, 0)
	} else {
		ch <- prometheus.MustNewConstMetric(descFigures, prometheus.GaugeValue, 1)
		delivered, failed := map[string]float64{}, map[string]float64{}
		for k, n := range f.Rows {
			ch <- prometheus.MustNewConstMetric(descOutbox, prometheus.GaugeValue, float64(n), k[0], k[1])
			switch k[0] {
			case "sent":
				delivered[k[1]] += float64(n)
			case "failed":
				failed[k[1]] += float64(n)
			}
		}
		for chn, n := range delivered {
			ch <- prometheus.MustNewConstMetric(descDelivered, prometheus.GaugeValue, n, chn)
		}
		for chn, n := range failed {
			ch <- prometheus.MustNewConstMetric(descFailed, prometheus.GaugeValue, n, chn)
		}
		age := 0.0
		if !f.OldestPending.IsZero() {
			age = max(0, c.now().Sub(f.OldestPending).Seconds())
		}
		ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, age)
		for _, ev := range storage.ReminderEvents {
			ch <- prometheus.MustNewConstMetric(descReminders, prometheus.GaugeValue, float64(f.Reminders[ev]), ev)
		}
	}
	if w := c.sys.WeChat; w != nil && w.Client != nil {
		for _, e := range w.Client.CallErrors() {
			ch <- prometheus.MustNewConstMetric(descWeChat, prometheus.CounterValue, float64(e.Count), e.API, e.ErrCode)
		}
	}
	for _, k := range []session.Kind{session.Staff, session.Member} {
		if n, err := c.sys.Sessions.Active(ctx, k); err == nil {
			ch <- prometheus.MustNewConstMetric(descSessions, prometheus.GaugeValue, float64(n), string(k))
		}
	}
}
