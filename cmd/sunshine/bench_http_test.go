package main

// The HTTP benchmarks of SPEC §6: the authenticated case-detail read and the
// case submit of the mini-program API, measured on the real service (built
// in-process with open, newRoot and mountSurfaces as serve does, on
// MariaDB/MySQL and Redis, WeChat in simulator mode) through a real net/http
// client over loopback with keep-alive, against a floor measured in the same
// process: a bare Fiber app whose one handler does one Redis GET and one
// single-row SQL query. Run by bench/http.sh, which prints the ratios.
//
// Every benchmark drives its server with benchClients concurrent clients
// (fixed, so the load does not change with -cpu); ns/op is wall time divided
// by requests, i.e. the inverse of the throughput at that concurrency, and
// allocs/op counts the whole process (client, server and the service's
// background workers).

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/kv"
	"sunshine/config"
	mpapi "sunshine/miniprogram-api"
)

// benchClients is how many requests are in flight at once in every HTTP
// benchmark: a handful of mini-program users at the same moment.
const benchClients = 8

// httpBenchFixture is the running service, the floor and the logged-in
// mini-program user, shared by the three benchmarks of one process (and
// torn down by TestMain).
type httpBenchFixture struct {
	service, floor string // base URLs
	client         *http.Client
	token          string
	memberID       int64
	caseID         int64
	form           []byte // a complete application form for the bound enterprise
	run            string // random, names this run's idempotency keys
	keys           atomic.Int64
	redis          *kv.Conn
	closers        []func() // run in reverse order
}

var (
	httpBenchOnce sync.Once
	httpBench     *httpBenchFixture
	httpBenchErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if httpBench != nil {
		httpBench.close()
	}
	os.Exit(code)
}

// httpBenchEnv skips unless MariaDB/MySQL and Redis are given (or
// BENCH_SQLITE=1 allows embedded SQLite and, without TEST_REDIS_URL, the
// in-process Redis) and otherwise returns the fixture, built once.
func httpBenchEnv(b *testing.B) *httpBenchFixture {
	b.Helper()
	dsn, redisURL := os.Getenv("TEST_MYSQL_DSN"), os.Getenv("TEST_REDIS_URL")
	embedded := os.Getenv("BENCH_SQLITE") == "1"
	if !embedded && (dsn == "" || redisURL == "") {
		b.Skip("the HTTP benchmarks run on MariaDB/MySQL and Redis: set TEST_MYSQL_DSN and TEST_REDIS_URL " +
			"(BENCH_SQLITE=1 runs them on SQLite and, without TEST_REDIS_URL, the in-process Redis)")
	}
	if embedded {
		dsn = ""
	}
	httpBenchOnce.Do(func() {
		httpBench, httpBenchErr = startHTTPBench(dsn, redisURL)
	})
	if httpBenchErr != nil {
		b.Fatal(httpBenchErr)
	}
	return httpBench
}

// startHTTPBench starts the service on a fresh database, the floor, and
// logs a user in, binds the enterprise and submits one case.
func startHTTPBench(testDSN, redisURL string) (_ *httpBenchFixture, err error) {
	f := &httpBenchFixture{run: "bench-" + randomHex(6)}
	defer func() {
		if err != nil {
			f.close()
		}
	}()
	dataDir, err := os.MkdirTemp("", "sunshine-bench-")
	if err != nil {
		return nil, err
	}
	f.closers = append(f.closers, func() { os.RemoveAll(dataDir) })
	dsn := ""
	if testDSN != "" {
		var drop func()
		if dsn, drop, err = freshBenchDatabase(testDSN); err != nil {
			return nil, err
		}
		f.closers = append(f.closers, drop)
	}

	// The service, as serve builds it.
	env := map[string]string{"SUNSHINE_ENV": "development", "SUNSHINE_ADDR": "127.0.0.1:0", "SUNSHINE_DATA_DIR": dataDir,
		"SUNSHINE_MYSQL_DSN": dsn, "SUNSHINE_REDIS_URL": redisURL, "SUNSHINE_WECHAT_MODE": "simulator"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		return nil, err
	}
	// Access logs are formatted as in production, then dropped.
	log := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx := context.Background()
	svc, err := build(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	f.closers = append(f.closers, svc.stop)
	d, root := svc.sys, svc.root
	f.redis = d.KV
	if f.service, err = listen(root, cfg.Addr); err != nil {
		return nil, err
	}
	f.closers = append(f.closers, func() { _ = root.ShutdownWithTimeout(5 * time.Second) })

	// The floor: one Redis GET and one single-row query through the same
	// database and Redis connections.
	floorKey := "sunshine:bench:floor:" + f.run
	if err := d.KV.Set(ctx, floorKey, `{"ok":true}`, time.Hour).Err(); err != nil {
		return nil, err
	}
	f.closers = append(f.closers, func() { d.KV.Del(context.Background(), floorKey) })
	floor := fiber.New(fiber.Config{DisableStartupMessage: true})
	floor.Get("/floor/:id", func(c *fiber.Ctx) error {
		id, err := c.ParamsInt("id")
		if err != nil {
			return fiber.ErrBadRequest
		}
		v, err := d.KV.Get(c.UserContext(), floorKey).Result()
		if err != nil {
			return err
		}
		var number string
		if err := d.DB.ReadSQL().QueryRowContext(c.UserContext(), "SELECT number FROM cases WHERE id = ?", id).Scan(&number); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fiber.ErrNotFound
			}
			return err
		}
		return c.JSON(fiber.Map{"id": id, "number": number, "cached": v})
	})
	if f.floor, err = listen(floor, "127.0.0.1:0"); err != nil {
		return nil, err
	}
	f.closers = append(f.closers, func() { _ = floor.ShutdownWithTimeout(5 * time.Second) })

	// Keep-alive connections, enough for every client on both servers.
	f.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 4 * benchClients, MaxIdleConnsPerHost: 2 * benchClients, IdleConnTimeout: time.Minute,
		DisableCompression: true}}
	f.closers = append(f.closers, f.client.CloseIdleConnections)

	// A mini-program user through the simulator, the enterprise bound, one case.
	var login struct {
		Token string
		User  struct{ ID int64 }
	}
	if err := f.setupCall("POST", "/api/mp/v1/login", map[string]string{"code": "sim-" + f.run}, 200, &login); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	f.token, f.memberID = login.Token, login.User.ID
	f.closers = append(f.closers, func() { _ = f.setupCall("POST", "/api/mp/v1/logout", nil, 204, nil) })
	code := casework.CreditCodeWithCheck("91441700MA0000001") // a new database: any valid code will do
	bind := map[string]string{"credit_code": code, "name": "阳光科技有限公司", "member_name": "王经理"}
	if err := f.setupCall("PUT", "/api/mp/v1/enterprise", bind, 200, nil); err != nil {
		return nil, fmt.Errorf("bind enterprise: %w", err)
	}
	if f.form, err = json.Marshal(benchForm(code)); err != nil {
		return nil, err
	}
	var created struct{ ID int64 }
	if err := f.setupCall("POST", "/api/mp/v1/cases", json.RawMessage(f.form), 201, &created); err != nil {
		return nil, fmt.Errorf("submit: %w", err)
	}
	f.caseID = created.ID
	return f, nil
}

// close stops everything started, in reverse order, and removes the
// database, the data directory and this run's Redis keys.
func (f *httpBenchFixture) close() {
	for i := len(f.closers) - 1; i >= 0; i-- {
		f.closers[i]()
	}
	f.closers = nil
}

// The Idempotency-Keys of BenchmarkHTTPCaseSubmit are rows of the
// database (idempotency_keys), which close drops with the rest.

func (f *httpBenchFixture) idemKey(i int64) string { return f.run + "-" + strconv.FormatInt(i, 10) }

// setupCall sends one JSON request to the service as the user and decodes
// the answer into out (when not nil).
func (f *httpBenchFixture) setupCall(method, path string, body any, want int, out any) error {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return err
		}
	}
	req, err := http.NewRequest(method, f.service+path, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if f.token != "" {
		req.Header.Set("Authorization", "Bearer "+f.token)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// send is one benchmarked request: the body is read to the end so the
// connection is reused.
func (f *httpBenchFixture) send(req *http.Request, want int) error {
	resp, err := f.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("%s %s: status %d, want %d: %s", req.Method, req.URL.Path, resp.StatusCode, want, b)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// drive runs b.N requests with benchClients clients in flight; do makes the
// request of one client.
func drive(b *testing.B, do func() error) {
	b.Helper()
	b.ReportAllocs()
	var (
		next    atomic.Int64
		stop    atomic.Bool
		errOnce sync.Once
		first   error
		wg      sync.WaitGroup
	)
	b.ResetTimer()
	for range benchClients {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) && !stop.Load() {
				if err := do(); err != nil {
					errOnce.Do(func() { first = err })
					stop.Store(true)
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if first != nil {
		b.Fatal(first)
	}
}

// BenchmarkHTTPFloor is the floor: GET /floor/{id} on a bare Fiber app, one
// Redis GET and one `SELECT number FROM cases WHERE id = ?`, a small JSON.
func BenchmarkHTTPFloor(b *testing.B) {
	f := httpBenchEnv(b)
	url := f.floor + "/floor/" + strconv.FormatInt(f.caseID, 10)
	drive(b, func() error {
		req, err := http.NewRequest("GET", url, nil)
		if err != nil {
			return err
		}
		return f.send(req, 200)
	})
}

// BenchmarkHTTPCaseDetail is GET /api/mp/v1/cases/{id} with the Bearer
// token: the session from Redis, the member, the case with its timeline,
// the case JSON, through the root app's request id, metrics and access log.
func BenchmarkHTTPCaseDetail(b *testing.B) {
	f := httpBenchEnv(b)
	url := f.service + mpapi.Prefix + "/cases/" + strconv.FormatInt(f.caseID, 10)
	auth := "Bearer " + f.token
	drive(b, func() error {
		req, err := http.NewRequest("GET", url, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", auth)
		return f.send(req, 200)
	})
}

// BenchmarkHTTPCaseSubmit is POST /api/mp/v1/cases of a complete
// application form with a fresh Idempotency-Key each time: the idempotency
// key in Redis, the case number, one transaction (case, timeline event,
// audit record, outbox rows), the case read back and answered.
func BenchmarkHTTPCaseSubmit(b *testing.B) {
	f := httpBenchEnv(b)
	url := f.service + mpapi.Prefix + "/cases"
	auth := "Bearer " + f.token
	drive(b, func() error {
		req, err := http.NewRequest("POST", url, bytes.NewReader(f.form))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(mpapi.HeaderIdempotencyKey, f.idemKey(f.keys.Add(1)))
		return f.send(req, 201)
	})
}

// benchForm is a complete application form (服务申请表) for the enterprise
// of code, as the mini-program sends it.
func benchForm(code string) map[string]any {
	return map[string]any{
		"enterprise": map[string]any{"name": "阳光科技有限公司", "address": "江城区东风三路1号", "nature": "有限责任公司",
			"lead":    map[string]string{"name": "张三", "title": "总经理", "phone": "13800138000"},
			"handler": map[string]string{"name": "李四", "title": "行政主管", "phone": "13900139000"},
			"email":   "contact@example.cn", "credit_code": code},
		"project": map[string]any{"name": "智能制造产业园一期", "address": "高新区创业路2号", "code": "2026-441700-39-01-000123",
			"total_investment": 12000.5, "fund_sources": []string{"private"}, "floor_area": "35000",
			"land_nature": []string{"transferred"}, "key_project": "municipal", "purpose_scale": "厂房及配套用房",
			"progress": "已取得用地"},
		"entrustment": map[string]any{"stages": []string{"planning", "construction"},
			"matters": "建设工程规划许可证、施工许可证办理", "service_type": "assist"},
	}
}

// listen serves app on a new listener at addr and returns its base URL.
func listen(app *fiber.App, addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	go app.Listener(ln)
	return "http://" + ln.Addr().String(), nil
}

// freshBenchDatabase creates a database named after the DSN's one plus a
// random suffix (as storagetest does for tests) and returns its DSN and a
// function dropping it.
func freshBenchDatabase(dsn string) (string, func(), error) {
	slash := strings.LastIndex(dsn, "/")
	if slash < 0 {
		return "", nil, errors.New("TEST_MYSQL_DSN has no database part: want user:pass@tcp(host:port)/dbname")
	}
	base, rest := dsn[:slash+1], dsn[slash+1:]
	name, params, _ := strings.Cut(rest, "?")
	db := name + "_" + randomHex(6)
	exec := func(stmt string) error {
		admin, err := sql.Open("mysql", base+"?"+params)
		if err != nil {
			return err
		}
		defer admin.Close()
		_, err = admin.Exec(stmt)
		return err
	}
	if err := exec("CREATE DATABASE `" + db + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		return "", nil, fmt.Errorf("create benchmark database (the TEST_MYSQL_DSN user needs CREATE on %s_*): %w", name, err)
	}
	out := base + db
	if params != "" {
		out += "?" + params
	}
	return out, func() { _ = exec("DROP DATABASE IF EXISTS `" + db + "`") }, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
