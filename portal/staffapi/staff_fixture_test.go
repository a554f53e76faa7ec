package staffapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"sunshine/app/accounts"
	"sunshine/app/audit"
	"sunshine/app/calendar"
	"sunshine/app/casework"
	"sunshine/app/storage"
	"sunshine/app/system"
	"sunshine/app/system/systemtest"
	"sunshine/portal/staffapi"
)

// The staff API tests run the portal on a real database (SQLite, or MySQL
// with TEST_MYSQL_DSN) and a real Redis protocol server (miniredis, or
// TEST_REDIS_URL), behind a root app that plays the production root: it
// attaches the client address and request id. Redis may be shared with
// other packages, so every fixture has its own client address, usernames and
// a random range of user ids.

// staffClock is the injected clock of a fixture.
type staffClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *staffClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *staffClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func (c *staffClock) set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// syncBuffer collects the log output of a fixture.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// staffPassword is every fixture user's password.
const staffPassword = "Passw0rd-staff"

var minCostHash = func() string {
	h, _ := bcrypt.GenerateFromPassword([]byte(staffPassword), bcrypt.MinCost)
	return string(h)
}()

type staffFixture struct {
	t      *testing.T
	sys    *system.System
	app    *fiber.App
	db     *storage.DB
	clk    *staffClock
	cal    *calendar.Calendar
	logs   *syncBuffer
	ip     string
	suffix string // makes usernames unique on a shared Redis
	nextID int64
	users  map[string]*accounts.Staff // by fixture name: clerk, head, specA …
	tokens map[string]string
}

// monday0900 is 2026-03-02 09:00 China time: no holiday for weeks.
var monday0900 = time.Date(2026, 3, 2, 9, 0, 0, 0, casework.ChinaTime)

func newStaffFixture(t *testing.T) *staffFixture { t.Helper(); return newStaffFixtureWith(t, nil) }

// newStaffFixtureWith is newStaffFixture with configuration variables
// (SUNSHINE_STAFF_2FA …).
func newStaffFixtureWith(t *testing.T, env map[string]string) *staffFixture {
	t.Helper()
	f := &staffFixture{t: t, clk: &staffClock{t: monday0900}, logs: &syncBuffer{},
		ip:     fmt.Sprintf("10.%d.%d.%d", rand.IntN(250)+1, rand.IntN(250)+1, rand.IntN(250)+1),
		suffix: fmt.Sprintf("%06x", rand.IntN(1<<24)), nextID: rand.Int64N(1<<40) + 1<<20,
		users: map[string]*accounts.Staff{}, tokens: map[string]string{}}
	log := slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.sys = systemtest.New(t, systemtest.Options{Now: f.clk.now, Log: log, Env: env})
	f.db, f.cal = f.sys.DB, f.sys.Calendar
	p := staffapi.New(staffapi.DepsOf(f.sys))
	root := fiber.New()
	var seq int
	var mu sync.Mutex
	root.Use(func(c *fiber.Ctx) error {
		mu.Lock()
		seq++
		id := fmt.Sprintf("req-%d", seq)
		mu.Unlock()
		c.Locals("request_id", id)
		c.SetUserContext(audit.WithRequest(c.UserContext(), audit.Request{IP: f.ip, RequestID: id}))
		return c.Next()
	})
	root.Mount("/", p)
	f.app = root
	for _, u := range []struct {
		name string
		role casework.Role
		dept string
	}{
		{"clerk", casework.RoleClerk, ""}, {"head", casework.RoleHead, ""},
		{"specA", casework.RoleSpecialist, ""}, {"specB", casework.RoleSpecialist, ""},
		{"liaison", casework.RoleLiaison, "市自然资源局"}, {"liaisonB", casework.RoleLiaison, "市住房和城乡建设局"},
		{"supervisor", casework.RoleSupervisor, ""}, {"admin", casework.RoleAdmin, ""},
		{"auditor", casework.RoleAuditor, ""},
	} {
		f.addUser(u.name, u.role, u.dept)
	}
	return f
}

// addUser stores an account directly (a cheap bcrypt cost keeps tests fast).
func (f *staffFixture) addUser(name string, role casework.Role, dept string) *accounts.Staff {
	f.t.Helper()
	f.nextID++
	now := f.clk.now()
	u := &accounts.Staff{ID: f.nextID, Username: f.username(name), PasswordHash: minCostHash, Role: role,
		Name: role.Label() + name, Department: dept, Phone: "13912345678", CreatedAt: now, UpdatedAt: now}
	if err := f.db.Staff().CreateStaff(context.Background(), u); err != nil {
		f.t.Fatalf("create %s: %v", name, err)
	}
	f.users[name] = u
	return u
}

func (f *staffFixture) username(name string) string { return strings.ToLower(name) + "." + f.suffix }

// token logs the fixture user in once and returns the session token.
func (f *staffFixture) token(name string) string {
	f.t.Helper()
	if tok, ok := f.tokens[name]; ok {
		return tok
	}
	var res struct {
		Token string `json:"token"`
	}
	f.call("POST", "/api/staff/v1/login", "", map[string]any{"username": f.username(name), "password": staffPassword}, 200, &res)
	if res.Token == "" {
		f.t.Fatalf("login %s: no token", name)
	}
	f.tokens[name] = res.Token
	return res.Token
}

// do sends a request; body is JSON-encoded unless it is a string (sent as is).
func (f *staffFixture) do(method, path, token string, body any) (int, []byte) {
	f.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := f.app.Test(req, -1)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// call sends a request, checks the status and decodes the answer into out.
func (f *staffFixture) call(method, path, token string, body any, want int, out any) {
	f.t.Helper()
	got, raw := f.do(method, path, token, body)
	if got != want {
		f.t.Fatalf("%s %s = %d %s, want %d", method, path, got, raw, want)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			f.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
}

// apiError is SPEC's error body.
type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// fail sends a request that must fail with status and returns the error.
func (f *staffFixture) fail(method, path, token string, body any, status int) apiError {
	f.t.Helper()
	var e apiError
	f.call(method, path, token, body, status, &e)
	if e.Error.Code == "" || e.Error.Message == "" {
		f.t.Fatalf("%s %s: error body without code or message", method, path)
	}
	return e
}
