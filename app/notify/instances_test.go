package notify_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/kv/kvtest"
	"sunshine/app/notify"
	"sunshine/app/storage"
	"sunshine/app/storage/storagetest"
	"sunshine/app/wechat"
)

// instance is one running copy of the service: its own database handle,
// case service and notifier, sharing the database, Redis and WeChat.
type instance struct {
	db    *storage.DB
	cases *cases.Service
	n     *notify.Service
}

func startInstance(t *testing.T, opts storage.Options, rdb redis.UniversalClient, wc *wechat.Client, channel string, now func() time.Time) *instance {
	t.Helper()
	db, err := storage.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	in := &instance{db: db, cases: cases.New(db.Cases(), days, now, nil)}
	in.n = notify.New(notify.Deps{Store: db.Notifications(), Days: days, WeChat: wc, Redis: rdb, Now: now},
		notify.Options{PollInterval: 50 * time.Millisecond, WakeChannel: channel})
	in.cases.OnEvent(in.n.Hook)
	return in
}

// TestTwoInstancesSendEachOnce runs two instances with two workers each
// against one database and one Redis while cases are being handled on
// both: every notification is delivered once, subscribe credits are never
// overspent, and no row needed a second attempt.
func TestTwoInstancesSendEachOnce(t *testing.T) {
	const n = 200
	opts := storagetest.Fresh(t)
	rdb := kvtest.Open(t)
	sim, wc := newWeChat(t)
	sim.AddWorkUsers("wang")
	channel := "test:notify:wake:" + randHex(6)
	a := startInstance(t, opts, rdb, wc, channel, nil)
	b := startInstance(t, opts, rdb, wc, channel, nil)
	p := seedPeople(t, a.db)
	oa := sim.AddFollower("alice")
	a.db.W.Exec("UPDATE members SET oa_openid = ? WHERE id = ?", oa, p.alice)
	for range n {
		if err := sim.Grant("sim-openid-alice", []string{"sim-tmpl-progress"}); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	if err := a.n.Credits().Grant(ctx, "sim-openid-alice", []string{"sim-tmpl-progress"}); err != nil {
		t.Fatal(err)
	}
	a.db.W.Exec("UPDATE subscribe_credits SET credits = ?", n)

	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for i, in := range []*instance{a, b, a, b} {
		wg.Add(1)
		go func() { defer wg.Done(); in.n.NewWorker(fmt.Sprint("w", i)).Run(wctx) }()
	}
	defer func() { stop(); wg.Wait() }()

	alice := cases.Viewer{Actor: casework.Actor{ID: p.alice, Role: casework.RoleEnterprise, Name: "张三"},
		EnterpriseID: p.enterpriseID, Verified: true}
	var cwg sync.WaitGroup
	for w := range 4 {
		cwg.Add(1)
		go func() {
			defer cwg.Done()
			one, other := a, b
			if w%2 == 1 {
				one, other = b, a
			}
			for range n / 4 {
				c, err := one.cases.Submit(ctx, alice, cases.SubmitInput{Form: validForm(), Channel: casework.ChannelMiniProgram})
				if err == nil {
					c, err = other.cases.Act(ctx, cases.Viewer{Actor: p.clerk}, c.ID, request(casework.ActionAccept, c.Version,
						map[string]any{"service_type": "agency"}))
				}
				if err == nil {
					c, err = one.cases.Act(ctx, cases.Viewer{Actor: p.clerk}, c.ID, request(casework.ActionPassReview, c.Version,
						map[string]any{"content": "齐全", "materials": []string{"申请表"}}))
				}
				if err == nil {
					_, err = other.cases.Act(ctx, cases.Viewer{Actor: p.head}, c.ID, request(casework.ActionAssign, c.Version,
						map[string]any{"opinion": "同意", "specialist_id": p.specialist.ID}))
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	cwg.Wait()

	deadline := time.Now().Add(60 * time.Second)
	for {
		var sent, total int64
		a.db.R.Table("notifications").Count(&total)
		a.db.R.Table("notifications").Where("state = ?", notify.StateSent).Count(&sent)
		if total == 3*n && sent == total {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s: %d of %d notifications sent (want %d)", sent, total, 3*n)
		}
		time.Sleep(50 * time.Millisecond)
	}

	seen := map[string]int{}
	channels := map[string]int{}
	for _, m := range sim.Messages("") {
		key := fmt.Sprint(m.Channel == wechat.ChannelWork, m.Data["character_string1"], m.Data["phrase3"], m.Data["content"])
		seen[key]++
		channels[m.Channel]++
	}
	for key, k := range seen {
		if k != 1 {
			t.Errorf("message %s delivered %d times", key, k)
		}
	}
	if len(seen) != 3*n {
		t.Errorf("distinct messages = %d, want %d", len(seen), 3*n)
	}
	if channels[wechat.ChannelSubscribe] != n || channels[wechat.ChannelTemplate] != n || channels[wechat.ChannelWork] != n {
		t.Errorf("channels = %v, want %d subscribe (the credits), %d template (fallback), %d work", channels, n, n, n)
	}
	var retried int64
	a.db.R.Table("notifications").Where("attempts <> 1").Count(&retried)
	if retried != 0 {
		t.Errorf("%d rows took more than one attempt", retried)
	}
}

// TestStoppedWorkerLosesNothing: rows committed while no worker runs are
// delivered by the next one, and a row claimed by a worker that died
// before sending is taken over once its claim expires — and sent once.
func TestStoppedWorkerLosesNothing(t *testing.T) {
	e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
	e.grant("alice", 2)
	e.toService() // committed; nobody delivers
	rows := e.rows()
	if len(rows) != 3 || rows[0].State != notify.StatePending {
		t.Fatalf("rows = %+v, want 3 pending", rows)
	}

	// A worker claims the first row and dies before sending.
	now := e.clock.Now()
	if _, ok, err := e.db.Notifications().Claim(e.ctx, rows[0].ID, "dead-worker", now, now.Add(2*time.Minute)); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}

	// "Restart": a fresh notifier on a fresh handle of the same database.
	restarted := notify.New(notify.Deps{Store: e.db.Notifications(), Days: days, WeChat: e.wc, Now: e.clock.Now}, notify.Options{})
	if n, err := restarted.NewWorker("new").RunOnce(e.ctx); err != nil || n != 2 {
		t.Fatalf("after restart the worker delivered %d (%v), want the 2 unclaimed rows", n, err)
	}
	e.clock.Advance(2*time.Minute + time.Second)
	if n, err := restarted.NewWorker("new").RunOnce(e.ctx); err != nil || n != 1 {
		t.Fatalf("after the claim expired the worker delivered %d (%v), want 1", n, err)
	}
	if got := templates(e.sim.Messages("sim-openid-alice")); len(got) != 2 {
		t.Fatalf("alice got %v, want accepted and assigned once each", got)
	}
	if n := len(e.sim.Messages("wang")); n != 1 {
		t.Fatalf("specialist got %d messages, want 1", n)
	}
	for _, r := range e.rows() {
		if r.State != notify.StateSent {
			t.Errorf("row %d: %s", r.ID, r.State)
		}
	}
	if r := e.rows()[0]; r.Attempts != 2 {
		t.Errorf("taken-over row: %d attempts, want 2", r.Attempts)
	}
}

// TestWakeUp: a running worker with an hour-long poll delivers within
// moments of the commit, woken through Redis by another instance.
func TestWakeUp(t *testing.T) {
	opts := storagetest.Fresh(t)
	rdb := kvtest.Open(t)
	sim, wc := newWeChat(t)
	sim.AddWorkUsers("wang")
	channel := "test:notify:wake:" + randHex(6)
	a := startInstance(t, opts, rdb, wc, channel, nil)
	b := startInstance(t, opts, rdb, wc, channel, nil)
	b.n = notify.New(notify.Deps{Store: b.db.Notifications(), Days: days, WeChat: wc, Redis: rdb},
		notify.Options{PollInterval: time.Hour, WakeChannel: channel})
	p := seedPeople(t, a.db)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan struct{})
	go func() { b.n.NewWorker("b").Run(ctx); close(done) }()
	defer func() { stop(); <-done }()
	time.Sleep(200 * time.Millisecond) // the first pass and the subscription

	c, err := a.cases.Submit(ctx, cases.Viewer{Actor: p.clerk}, cases.SubmitInput{Form: validForm(), Channel: casework.ChannelWindow})
	if err == nil {
		c, err = a.cases.Act(ctx, cases.Viewer{Actor: p.clerk}, c.ID, request(casework.ActionAccept, c.Version, map[string]any{"service_type": "assist"}))
	}
	if err == nil {
		c, err = a.cases.Act(ctx, cases.Viewer{Actor: p.clerk}, c.ID, request(casework.ActionPassReview, c.Version,
			map[string]any{"content": "齐全", "materials": []string{"申请表"}}))
	}
	if err == nil {
		_, err = a.cases.Act(ctx, cases.Viewer{Actor: p.head}, c.ID, request(casework.ActionAssign, c.Version,
			map[string]any{"opinion": "同意", "specialist_id": p.specialist.ID}))
	}
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(5 * time.Second); len(sim.Messages("wang")) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the woken worker did not deliver within 5 s")
		}
	}
}
