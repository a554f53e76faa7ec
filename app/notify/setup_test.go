package notify_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sunshine/app/calendar"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/kv/kvtest"
	"sunshine/app/notify"
	"sunshine/app/storage"
	"sunshine/app/storage/storagetest"
	"sunshine/app/wechat"
)

// Shared fixtures: a real database (SQLite, or MariaDB with TEST_MYSQL_DSN),
// a real Redis (in process, or TEST_REDIS_URL), the real calendar, the real
// case service, and app/wechat's client talking to its simulator.

var days = calendar.New(calendar.Seed(), nil)

// clock is the injected clock of the case service and the notifier.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)         { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func cst(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, casework.ChinaTime)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type env struct {
	t      *testing.T
	ctx    context.Context
	db     *storage.DB
	clock  *clock
	cases  *cases.Service
	n      *notify.Service
	sim    *wechat.Simulator
	wc     *wechat.Client
	opts   notify.Options
	people people
}

// people are the staff and enterprise users of a test.
type people struct {
	clerk, head, specialist, specialist2, admin casework.Actor
	enterpriseID                                int64
	alice, carol, bob                           int64 // alice: verified admin; carol: unverified; bob: another enterprise
}

func (e *env) viewer(a casework.Actor) cases.Viewer { return cases.Viewer{Actor: a} }

func (e *env) alice() cases.Viewer {
	return cases.Viewer{Actor: casework.Actor{ID: e.people.alice, Role: casework.RoleEnterprise, Name: "张三"},
		EnterpriseID: e.people.enterpriseID, Verified: true}
}

// newEnv builds the world at start (China time). mutate may change the
// notifier's options before it is built.
func newEnv(t *testing.T, start time.Time, mutate func(*notify.Options)) *env {
	t.Helper()
	db := storagetest.Open(t)
	return newEnvOn(t, db, start, mutate)
}

func newEnvOn(t *testing.T, db *storage.DB, start time.Time, mutate func(*notify.Options)) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), db: db, clock: &clock{t: start}}
	e.cases = cases.New(db.Cases(), days, e.clock.Now, nil)
	e.sim, e.wc = newWeChat(t)
	e.opts = notify.Options{WakeChannel: "test:notify:wake:" + randHex(6)}
	if mutate != nil {
		mutate(&e.opts)
	}
	rdb := kvtest.Open(t)
	e.n = notify.New(notify.Deps{Store: db.Notifications(), Days: days, WeChat: e.wc, Redis: rdb,
		Audit: db.Audit(), Now: e.clock.Now}, e.opts)
	e.cases.OnEvent(e.n.Hook)
	e.people = seedPeople(t, db)
	e.sim.AddWorkUsers("wang", "li", "zhao", "head-chen")
	return e
}

// newWeChat returns the simulator (subscribe templates: the notifier's
// defaults) and the real SDK client routed to it.
func newWeChat(t *testing.T) (*wechat.Simulator, *wechat.Client) {
	t.Helper()
	cfg := wechat.Config{Mode: wechat.ModeSimulator, SubscribeTemplates: notify.DefaultTemplates().SubscribeIDs(),
		RedisKeyPrefix: "test:notify:wechat:" + randHex(6) + ":"}
	sim, err := wechat.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	wc, err := wechat.NewClient(cfg, kvtest.Open(t), wechat.WithSimulator(sim), wechat.WithLogger(discard()))
	if err != nil {
		t.Fatal(err)
	}
	return sim, wc
}

// submit creates a case as alice.
func (e *env) submit() *casework.Case {
	e.t.Helper()
	c, err := e.cases.Submit(e.ctx, e.alice(), cases.SubmitInput{Form: validForm(), Channel: casework.ChannelMiniProgram})
	if err != nil {
		e.t.Fatalf("submit: %v %v", err, errs.FieldsOf(err))
	}
	return c
}

// act applies an action and returns the updated case.
func (e *env) act(v cases.Viewer, c *casework.Case, a casework.Action, payload map[string]any) *casework.Case {
	e.t.Helper()
	out, err := e.cases.Act(e.ctx, v, c.ID, request(a, c.Version, payload))
	if err != nil {
		e.t.Fatalf("%s: %v %v", a, err, errs.FieldsOf(err))
	}
	return out
}

// request builds an action request from a plain payload.
func request(a casework.Action, version int, payload map[string]any) casework.Request {
	raw := map[string]json.RawMessage{}
	for k, x := range payload {
		b, _ := json.Marshal(x)
		raw[k] = b
	}
	return casework.Request{Action: a, Version: version, Payload: raw}
}

// toService drives a new case to in_service with the specialist.
func (e *env) toService() *casework.Case {
	e.t.Helper()
	p := e.people
	c := e.submit()
	c = e.act(e.viewer(p.clerk), c, casework.ActionAccept, map[string]any{"service_type": "agency", "promised_days": 10})
	c = e.act(e.viewer(p.clerk), c, casework.ActionPassReview, map[string]any{"content": "材料齐全", "materials": []string{"申请表"}})
	c = e.act(e.viewer(p.head), c, casework.ActionAssign, map[string]any{"opinion": "同意交办", "specialist_id": p.specialist.ID})
	return e.act(e.viewer(p.specialist), c, casework.ActionStart, map[string]any{"handover": []string{"申请表原件"}})
}

// drain runs one worker pass.
func (e *env) drain() int {
	e.t.Helper()
	n, err := e.n.NewWorker("test").RunOnce(e.ctx)
	if err != nil {
		e.t.Fatalf("worker: %v", err)
	}
	return n
}

// rows returns every outbox row, oldest first.
func (e *env) rows() []notify.Row {
	e.t.Helper()
	var out []notify.Row
	for before := int64(0); ; {
		page, err := e.n.List(e.ctx, e.people.admin, notify.ListFilter{Before: before, Limit: 200})
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, page.Items...) // pages come newest first
		if page.Next == 0 {
			break
		}
		before = page.Next
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// grant plays the user tapping "allow" for every template, times times:
// the simulator adds its credits and pushes subscribe_msg_popup_event,
// which a push endpoint verifies and turns into Credits.Grant.
func (e *env) grant(name string, times int) {
	e.t.Helper()
	v := wechat.NewPushVerifier(e.sim.Config(), nil)
	e.sim.SetPushTarget(func(r *http.Request) (*http.Response, error) {
		body, _ := io.ReadAll(r.Body)
		ev, err := v.Open(r.Context(), wechat.ParsePushQuery(r.URL.Query()), body)
		if err == nil {
			err = e.n.Credits().Grant(r.Context(), ev.FromUserName, ev.Accepted())
		}
		if err != nil {
			return &http.Response{StatusCode: 400, Body: io.NopCloser(strings.NewReader(err.Error()))}, nil
		}
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("success"))}, nil
	})
	for range times {
		if err := e.sim.Grant("sim-openid-"+name, nil); err != nil {
			e.t.Fatal(err)
		}
	}
}
