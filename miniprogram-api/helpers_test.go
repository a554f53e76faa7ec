package mpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/accounts"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/kv"
	"sunshine/app/members"
	"sunshine/app/notify"
	"sunshine/app/scanlogin"
	"sunshine/app/storage"
	"sunshine/app/supervision"
	"sunshine/app/system/systemtest"
	"sunshine/app/wechat"
	mpapi "sunshine/miniprogram-api"
)

// The SDK sends every request through one process-wide HTTP client, so the
// package runs one simulator and one wechat.Client (built in TestMain);
// every test uses fresh user names, so their codes and openids never meet.
var (
	sim    *wechat.Simulator
	wx     *wechat.Client
	wxCfg  wechat.Config
	pushMu sync.Mutex // the simulator has one push target: tests that push take turns
	ctx    = context.Background()
)

func TestMain(m *testing.M) {
	shared, err := systemtest.SharedWeChat()
	if err != nil {
		fmt.Fprintln(os.Stderr, "wechat:", err)
		os.Exit(1)
	}
	sim, wx, wxCfg = shared.Simulator, shared.Client, shared.Config
	os.Exit(m.Run())
}

func randomName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// clock is the injected clock of the services.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// monday is 2026-03-02 09:00 China time, far from any holiday.
var monday = time.Date(2026, 3, 2, 9, 0, 0, 0, casework.ChinaTime)

// env is one running instance: a fresh database, Redis, the services and
// the surface, with staff of every role the workflow needs.
type env struct {
	t       *testing.T
	db      *storage.DB
	kv      *kv.Conn
	clock   *clock
	cases   *cases.Service
	members *members.Service
	notify  *notify.Service
	reports *supervision.Service
	app     *fiber.App
	scan    *scanlogin.Service
	clerk   cases.Viewer
	head    cases.Viewer
	spec    cases.Viewer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := &clock{t: monday}
	sys := systemtest.New(t, systemtest.Options{Now: clk.Now, Env: map[string]string{"SUNSHINE_MAX_UPLOAD_MB": "1"}})
	app := mpapi.New(mpapi.DepsOf(sys))
	e := &env{t: t, db: sys.DB, kv: sys.KV, clock: clk, cases: sys.Cases, members: sys.Members, notify: sys.Notify, app: app,
		scan: sys.ScanLogin, reports: sys.Reports}
	e.clerk = e.staff("clerk", casework.RoleClerk, "林窗口", "")
	e.head = e.staff("head", casework.RoleHead, "冯主任", "")
	e.spec = e.staff("spec", casework.RoleSpecialist, "黄专员", "13812341234")
	return e
}

func (e *env) staff(username string, role casework.Role, name, phone string) cases.Viewer {
	e.t.Helper()
	s := &accounts.Staff{Username: username, PasswordHash: "x", Role: role, Name: name, Phone: phone,
		CreatedAt: monday, UpdatedAt: monday}
	if err := e.db.Staff().CreateStaff(ctx, s); err != nil {
		e.t.Fatal(err)
	}
	return cases.Viewer{Actor: s.Actor()}
}

// resp is an answer of the surface.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r *resp) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// errCode returns the error code of an error answer.
func (r *resp) errCode() string {
	var b struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &b)
	return b.Error.Code
}

// call sends a request; body is JSON-encoded unless it is []byte or nil.
func (e *env) call(method, path, token string, body any, header ...string) *resp {
	e.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ct = bytes.NewReader(b), "application/json"
	default:
		raw, _ := json.Marshal(b)
		rd, ct = bytes.NewReader(raw), "application/json"
	}
	req := httptest.NewRequest(method, path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return e.send(req)
}

func (e *env) send(req *http.Request) *resp {
	e.t.Helper()
	res, err := e.app.Test(req, -1)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &resp{Status: res.StatusCode, Header: res.Header, Body: b}
}

// must checks the status of an answer.
func must(t *testing.T, r *resp, status int) *resp {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r
}
