package members_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"sunshine/app/audit"
	"sunshine/app/calendar"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/files"
	"sunshine/app/kv"
	"sunshine/app/kv/kvtest"
	"sunshine/app/members"
	"sunshine/app/notify"
	"sunshine/app/session"
	"sunshine/app/storage"
	"sunshine/app/storage/storagetest"
	"sunshine/app/wechat"
)

var ctx = context.Background()

var clerk = casework.Actor{ID: 9001, Role: casework.RoleClerk, Name: "窗口甲"}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func random() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type fixture struct {
	db    *storage.DB
	kv    *kv.Conn
	svc   *members.Service
	cases *cases.Service
	clock *clock
}

// newFixture builds the service on a fresh database and Redis; wx may be
// nil for tests that make no WeChat call.
func newFixture(t *testing.T, wx members.WeChat) *fixture {
	t.Helper()
	db := storagetest.Open(t)
	rdb := kvtest.Open(t)
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, casework.ChinaTime)}
	cal := calendar.New(calendar.Seed(), nil)
	caseSvc := cases.New(db.Cases(), cal, clk.Now, nil)
	n := notify.New(notify.Deps{Store: db.Notifications(), Days: cal, Audit: db.Audit(), Now: clk.Now}, notify.Options{})
	caseSvc.OnEvent(n.Hook)
	fs, err := files.New(files.Options{Dir: t.TempDir(), Key: "test-attachment-key", MaxBytes: 1 << 20,
		Store: db.Attachments(), Cases: caseSvc, Audit: db.Audit(), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	svc := members.New(members.Deps{Store: db.Members(), Sessions: session.NewStore(rdb, clk.Now), WeChat: wx,
		KV: rdb, Cases: caseSvc, Docs: fs, Notices: n, Now: clk.Now, KeyPrefix: "test:members:" + random() + ":"})
	return &fixture{db: db, kv: rdb, svc: svc, cases: caseSvc, clock: clk}
}

func (f *fixture) member(t *testing.T) *members.Member {
	t.Helper()
	m, err := f.db.Members().UpsertMember(ctx, "openid-"+random(), "", f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestFirstRegistrantRace: many users register a new credit code at once:
// one enterprise is created and nobody becomes its administrator or a
// verified member by typing a public number (issue 10 hole 1), on SQLite
// and on MariaDB.
func TestFirstRegistrantRace(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	code := casework.CreditCodeWithCheck("91441700MA0000881")
	ms := make([]*members.Member, 8)
	for i := range ms {
		ms[i] = f.member(t)
	}
	var wg sync.WaitGroup
	res := make([]*members.Profile, len(ms))
	errList := make([]error, len(ms))
	for i, m := range ms {
		wg.Add(1)
		go func(i int, m *members.Member) {
			defer wg.Done()
			res[i], errList[i] = f.svc.Bind(ctx, m, members.BindInput{CreditCode: code, Name: "并发登记公司"})
		}(i, m)
	}
	wg.Wait()
	ent := int64(0)
	for i, p := range res {
		if errList[i] != nil {
			t.Fatalf("bind %d: %v", i, errList[i])
		}
		if ent == 0 {
			ent = p.Enterprise.ID
		}
		if p.Enterprise.ID != ent {
			t.Fatalf("two enterprises for one credit code: %d and %d", ent, p.Enterprise.ID)
		}
		if p.Member.Role == members.RoleAdmin || p.Member.Verified || p.Enterprise.AdminID != 0 {
			t.Fatalf("registering a credit code verified member %d: %+v %+v", p.Member.ID, p.Member, p.Enterprise)
		}
	}
}

func TestInvitationExpires(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	code := casework.CreditCodeWithCheck("91441700MA0000882")
	admin, late := f.member(t), f.member(t)
	if _, err := f.svc.Bind(ctx, admin, members.BindInput{CreditCode: code, Name: "邀请码公司"}); err != nil {
		t.Fatal(err)
	}
	p, err := f.svc.Verify(ctx, clerk, admin.ID, "营业执照原件")
	if err != nil {
		t.Fatal(err)
	}
	inv, err := f.svc.Invite(ctx, p.Member)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Add(members.InviteTTL + time.Second)
	_, err = f.svc.Bind(ctx, late, members.BindInput{CreditCode: code, InviteCode: inv.Code})
	if !errs.Is(err, errs.Unprocessable) || errs.FieldsOf(err)["invite_code"] == "" {
		t.Fatalf("expired invitation: %v", err)
	}
	if m, _ := f.db.Members().Member(ctx, late.ID); m.EnterpriseID != 0 {
		t.Fatalf("a refused invitation bound the member: %+v", m)
	}
	// An invitation is for its own enterprise only.
	other := f.member(t)
	if _, err := f.svc.Bind(ctx, other, members.BindInput{CreditCode: casework.CreditCodeWithCheck("91441700MA0000883"), Name: "别家"}); err != nil {
		t.Fatal(err)
	}
	inv2, err := f.svc.Invite(ctx, p.Member)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Bind(ctx, late, members.BindInput{CreditCode: casework.CreditCodeWithCheck("91441700MA0000883"), InviteCode: inv2.Code}); !errs.Is(err, errs.Unprocessable) {
		t.Fatalf("an invitation of another enterprise was accepted: %v", err)
	}
}

// TestLoginThrottle: one address may try LoginLimit logins a minute.
func TestLoginThrottle(t *testing.T) {
	rdb := kvtest.Open(t)
	cfg := wechat.Config{Mode: wechat.ModeSimulator, RedisKeyPrefix: "test:members:wx:" + random() + ":"}
	sim, err := wechat.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	wx, err := wechat.NewClient(cfg, rdb, wechat.WithSimulator(sim), wechat.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, wx)
	c := audit.WithRequest(ctx, audit.Request{IP: "10.1.2.3"})
	for i := 0; i < members.LoginLimit; i++ {
		if _, err := f.svc.Login(c, fmt.Sprintf("sim-throttle-%s-%d", random(), i)); err != nil {
			t.Fatalf("login %d: %v", i, err)
		}
	}
	if _, err := f.svc.Login(c, "sim-throttle-"+random()); !errs.Is(err, errs.TooMany) {
		t.Fatalf("login %d: %v, want too_many", members.LoginLimit+1, err)
	}
	if _, err := f.svc.Login(audit.WithRequest(ctx, audit.Request{IP: "10.1.2.4"}), "sim-throttle-"+random()); err != nil {
		t.Fatalf("another address: %v", err)
	}
	f.clock.Add(time.Minute)
	res, err := f.svc.Login(c, "sim-throttle-"+random())
	if err != nil {
		t.Fatalf("after a minute: %v", err)
	}
	// The WeChat session_key stays in the server-side session only.
	sess, err := session.NewStore(f.kv, f.clock.Now).Get(ctx, session.Member, res.Token)
	if err != nil || sess.Data["wx_session_key"] == "" || sess.SubjectID != res.Profile.Member.ID {
		t.Fatalf("session %+v, %v", sess, err)
	}
}
