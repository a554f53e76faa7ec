package main

// Issue 10 (trust), items 4, 7 and 8, on the whole service as serve builds
// it: every route answers 503 + Retry-After while MariaDB or Redis does not
// answer, bodies are refused per route before they are read, and every
// answer carries no-store + nosniff. The database and Redis are reached
// through a TCP proxy that the test cuts, a real outage on both the
// embedded run (SQLite cannot be cut: Redis only) and MariaDB + Redis.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"golang.org/x/crypto/bcrypt"

	"sunshine/app/accounts"
	"sunshine/app/casework"
	"sunshine/config"
)

// tcpProxy forwards connections to a target until it is cut: then every
// open connection is closed and new ones are refused, as when the server
// behind it dies.
type tcpProxy struct {
	target string
	ln     net.Listener
	mu     sync.Mutex
	conns  []net.Conn
	down   bool
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{target: target, ln: ln}
	go p.serve()
	t.Cleanup(p.cut)
	return p
}

func (p *tcpProxy) addr() string { return p.ln.Addr().String() }

func (p *tcpProxy) serve() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			in.Close()
			continue
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			in.Close()
			continue
		}
		p.conns = append(p.conns, in, out)
		p.mu.Unlock()
		go func() { io.Copy(out, in); out.Close() }()
		go func() { io.Copy(in, out); in.Close() }()
	}
}

// cut is the outage: open connections break, new ones are refused.
func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// restore ends the outage.
func (p *tcpProxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

// testService is the whole service with its database (MariaDB when
// TEST_MYSQL_DSN is set) and Redis behind proxies.
type testService struct {
	svc           *service
	db, redis     *tcpProxy // db is nil on SQLite
	staff, member string    // a clerk's and a mini-program user's tokens
	caseID        int64
}

func newTestService(t *testing.T) *testService {
	t.Helper()
	ts := &testService{}
	redisTarget := ""
	// A TCP proxy can stand in front of one Redis server only: a Cluster or
	// Sentinel hands out its nodes' own addresses. With those URLs the outage
	// is played on an in-process server (their clients are tested in app/kv).
	if u := os.Getenv("TEST_REDIS_URL"); strings.HasPrefix(u, "redis://") {
		redisTarget = strings.TrimPrefix(u, "redis://")
		redisTarget, _, _ = strings.Cut(redisTarget, "/")
	} else {
		m := miniredis.NewMiniRedis()
		if err := m.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(m.Close)
		redisTarget = m.Addr()
	}
	ts.redis = newTCPProxy(t, redisTarget)
	dsn := ""
	if testDSN := os.Getenv("TEST_MYSQL_DSN"); testDSN != "" {
		fresh, drop, err := freshBenchDatabase(testDSN)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(drop)
		host := fresh[strings.Index(fresh, "tcp(")+4 : strings.Index(fresh, ")/")]
		ts.db = newTCPProxy(t, host)
		dsn = strings.Replace(fresh, "tcp("+host+")", "tcp("+ts.db.addr()+")", 1)
		// Fail fast on a dead server rather than after the OS's connect
		// timeout (no read timeout: migrations wait for a server-wide lock
		// that tests of other packages may hold).
		if strings.Contains(dsn, "?") {
			dsn += "&timeout=2s"
		} else {
			dsn += "?timeout=2s"
		}
	}
	env := map[string]string{"SUNSHINE_ENV": "development", "SUNSHINE_DATA_DIR": t.TempDir(),
		"SUNSHINE_MYSQL_DSN": dsn, "SUNSHINE_REDIS_URL": "redis://" + ts.redis.addr() + "/0", "SUNSHINE_WECHAT_MODE": "simulator"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	svc, err := build(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.stop)
	ts.svc = svc

	// A clerk, a mini-program user bound to an enterprise, one case.
	run := randomHex(4)
	hash, err := bcrypt.GenerateFromPassword([]byte("Clerk-pass-2024"), bcrypt.MinCost) // the test is not about bcrypt
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.sys.DB.Staff().CreateStaff(context.Background(), &accounts.Staff{Username: "clerk" + run, PasswordHash: string(hash),
		Role: casework.RoleClerk, Name: "窗口", CreatedAt: time.Now(), UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	var staff struct{ Token string }
	ts.call(t, "POST", "/api/staff/v1/login", "", map[string]string{"username": "clerk" + run, "password": "Clerk-pass-2024"}, 200, &staff)
	ts.staff = staff.Token
	var login struct{ Token string }
	ts.call(t, "POST", "/api/mp/v1/login", "", map[string]string{"code": "sim-" + run}, 200, &login)
	ts.member = login.Token
	code := casework.CreditCodeWithCheck("91441700MA00" + strings.ToUpper(run[:5]))
	ts.call(t, "PUT", "/api/mp/v1/enterprise", ts.member, map[string]string{"credit_code": code, "name": "阳光科技有限公司", "member_name": "王经理"}, 200, nil)
	var created struct{ ID int64 }
	ts.call(t, "POST", "/api/mp/v1/cases", ts.member, benchForm(code), 201, &created)
	ts.caseID = created.ID
	return ts
}

// do sends one request through the root app.
func (ts *testService) do(t *testing.T, method, path, token string, body any, header ...string) *http.Response {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := ts.svc.root.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func (ts *testService) call(t *testing.T, method, path, token string, body any, want int, out any) {
	t.Helper()
	resp := ts.do(t, method, path, token, body)
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatal(err)
		}
	}
}

// outageRoutes are requests of every kind: reads and writes of both
// surfaces, logins, the hotline, the push endpoint.
func (ts *testService) outageRoutes(code string) []struct {
	method, path, token string
	body                any
} {
	id := fmt.Sprint(ts.caseID)
	return []struct {
		method, path, token string
		body                any
	}{
		{"GET", "/api/staff/v1/cases", ts.staff, nil},
		{"GET", "/api/staff/v1/cases/" + id, ts.staff, nil},
		{"GET", "/api/staff/v1/me", ts.staff, nil},
		{"POST", "/api/staff/v1/login", "", map[string]string{"username": "nobody", "password": "Wrong-pass-2024"}},
		{"GET", "/api/mp/v1/cases", ts.member, nil},
		{"GET", "/api/mp/v1/cases/" + id, ts.member, nil},
		{"POST", "/api/mp/v1/cases", ts.member, benchForm(code)},
		// A fresh code each time: the simulator remembers spent codes in a real
		// Redis, so a fixed one would be refused (401) by a later run.
		{"POST", "/api/mp/v1/login", "", map[string]string{"code": "sim-outage-" + randomHex(6)}},
	}
}

// TestEveryRouteAnswers503WhileAStoreIsDown: with Redis (and, on MariaDB,
// the database) cut, every route answers 503 with Retry-After, never 500;
// after the outage the service answers again.
func TestEveryRouteAnswers503WhileAStoreIsDown(t *testing.T) {
	ts := newTestService(t)
	code := casework.CreditCodeWithCheck("91441700MA0000009")
	outages := []struct {
		name  string
		proxy *tcpProxy
	}{{"redis", ts.redis}}
	if ts.db != nil {
		outages = append(outages, struct {
			name  string
			proxy *tcpProxy
		}{"database", ts.db})
	}
	for _, o := range outages {
		t.Run(o.name, func(t *testing.T) {
			o.proxy.cut()
			for _, r := range ts.outageRoutes(code) {
				resp := ts.do(t, r.method, r.path, r.token, r.body)
				b, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
					t.Errorf("%s %s with %s down: %d Retry-After=%q %s, want 503 with Retry-After",
						r.method, r.path, o.name, resp.StatusCode, resp.Header.Get("Retry-After"), b)
				}
			}
			o.proxy.restore()
			ts.call(t, "GET", "/api/staff/v1/cases", ts.staff, nil, 200, nil)
		})
	}
}

// TestEveryAnswerIsNoStoreNosniff: answers of every surface, errors
// included, are neither cached nor sniffed.
func TestEveryAnswerIsNoStoreNosniff(t *testing.T) {
	ts := newTestService(t)
	id := fmt.Sprint(ts.caseID)
	for _, r := range []struct{ method, path, token string }{
		{"GET", "/api/staff/v1/cases/" + id, ts.staff},
		{"GET", "/api/staff/v1/cases", ""},
		{"GET", "/api/mp/v1/cases/" + id, ts.member},
		{"GET", "/api/mp/v1/cases/999999999", ts.member},
		{"POST", "/api/hotline/v1/orders", ""},
		{"POST", "/wechat/push", ""},
		{"GET", "/no/such/route", ""},
		{"GET", "/healthz", ""},
	} {
		resp := ts.do(t, r.method, r.path, r.token, nil)
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s %s (%d): Cache-Control %q, want no-store", r.method, r.path, resp.StatusCode, got)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s %s (%d): X-Content-Type-Options %q, want nosniff", r.method, r.path, resp.StatusCode, got)
		}
	}
}

// TestBodyLimitsBeforeTheBodyIsRead: over a real connection, a request
// announcing a body over its route's limit is answered 413 before the body
// is sent; a chunked body is cut at the limit; a body within the limit
// reaches the handler.
func TestBodyLimitsBeforeTheBodyIsRead(t *testing.T) {
	ts := newTestService(t)
	base, err := listen(ts.svc.root, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ts.svc.root.ShutdownWithTimeout(5 * time.Second) })
	addr := strings.TrimPrefix(base, "http://")
	// announced sends the head of a request with Content-Length n and only
	// the first 16 KiB of its body (fasthttp reads up to 8 KiB ahead), then
	// reads the status: the server must answer without waiting for the rest.
	announced := func(path, contentType string, n int) int {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(30 * time.Second)) // a hang fails instead of blocking the suite
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n{\"a\":%s", path, contentType, n, strings.Repeat(" ", 16<<10))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s with %d bytes announced: %v (did the server wait for the body?)", path, n, err)
		}
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			b, _ := io.ReadAll(resp.Body)
			t.Logf("%s: %d %s", path, resp.StatusCode, b)
		}
		return resp.StatusCode
	}
	for _, tc := range []struct {
		path string
		n    int
	}{
		{"/wechat/push", 21 << 20},
		{"/wechat/push", 1<<20 + 1},
		{"/api/hotline/v1/orders", 2 << 20},
		{"/api/staff/v1/login", 256<<10 + 1},
		{"/api/mp/v1/cases", 300 << 10},
		{"/api/staff/v1/cases/1/attachments", 40 << 20},
	} {
		if got := announced(tc.path, "application/json", tc.n); got != http.StatusRequestEntityTooLarge {
			t.Errorf("POST %s announcing %d bytes: %d, want 413", tc.path, tc.n, got)
		}
	}
	// An upload over the upload limit (SUNSHINE_MAX_UPLOAD_MB 20 + 1 MiB of framing).
	for _, path := range []string{"/api/staff/v1/cases/1/attachments", "/api/mp/v1/cases/1/attachments", "/api/mp/v1/enterprise/claim/documents"} {
		if got := announced(path, "multipart/form-data; boundary=x", 22<<20); got != http.StatusRequestEntityTooLarge {
			t.Errorf("POST %s announcing a 22 MiB upload: %d, want 413", path, got)
		}
	}
	// Chunked: no length announced; the body is read up to the limit.
	chunked := func(path string, n int, contentType ...string) int {
		req, _ := http.NewRequest("POST", base+path, io.MultiReader(strings.NewReader(`{"a":"`), strings.NewReader(strings.Repeat("x", n))))
		req.Header.Set("Content-Type", append(contentType, "application/json")[0])
		req.ContentLength = -1
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("chunked %s: %v", path, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := chunked("/api/hotline/v1/orders", 2<<20); got != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked 2 MiB hotline order: %d, want 413", got)
	}
	if got := chunked("/api/staff/v1/login", 300<<10); got != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked 300 KiB login: %d, want 413", got)
	}
	if got := chunked("/api/hotline/v1/orders", 50<<10); got != http.StatusUnauthorized {
		t.Errorf("chunked 50 KiB unsigned hotline order: %d, want 401 (within the limit, refused by its signature)", got)
	}
	if got := chunked("/api/staff/v1/cases/1/attachments", 2<<20, "multipart/form-data; boundary=x"); got != http.StatusUnauthorized {
		t.Errorf("chunked 2 MiB upload: %d, want 401 (within the upload limit, refused for want of a session)", got)
	}
}
