package wechat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"sunshine/app/kv"
)

// Template ids used across the tests.
const (
	tmplAccepted  = "tmpl-accepted"
	tmplDelivered = "tmpl-delivered"
)

// newRedis returns miniredis, or the real Redis at TEST_REDIS_URL, plus a key
// prefix unique to the test; keys under it are removed at the end.
func newRedis(t *testing.T) (redis.UniversalClient, string) {
	t.Helper()
	prefix := fmt.Sprintf("test:wechat:%d:", time.Now().UnixNano())
	if u := os.Getenv("TEST_REDIS_URL"); u != "" {
		rdb, _, err := kv.NewClient(u)
		if err != nil {
			t.Fatalf("TEST_REDIS_URL: %v", err)
		}
		t.Cleanup(func() {
			ctx := context.Background()
			clean := func(ctx context.Context, c *redis.Client) error {
				iter := c.Scan(ctx, 0, prefix+"*", 100).Iterator()
				for iter.Next(ctx) {
					c.Del(ctx, iter.Val())
				}
				return nil
			}
			if cc, ok := rdb.(*redis.ClusterClient); ok {
				_ = cc.ForEachMaster(ctx, clean)
			} else if c, ok := rdb.(*redis.Client); ok {
				_ = clean(ctx, c)
			}
			_ = rdb.Close()
		})
		return rdb, prefix
	}
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb, prefix
}

type testEnv struct {
	sim    *Simulator
	client *Client
	rdb    redis.UniversalClient
	cfg    Config
	sink   *pushSink
}

func testConfig(prefix string) Config {
	return Config{
		Env: EnvDevelopment, Mode: ModeSimulator,
		SubscribeTemplates: []string{tmplAccepted, tmplDelivered},
		HTTPTimeout:        2 * time.Second,
		RedisKeyPrefix:     prefix,
	}
}

// newEnv wires a Simulator, a Client driving the real SDK against it, and a
// push endpoint (PushVerifier behind an http.Handler) as the push target.
func newEnv(t *testing.T, mutate func(*Config)) *testEnv {
	t.Helper()
	rdb, prefix := newRedis(t)
	cfg := testConfig(prefix)
	if mutate != nil {
		mutate(&cfg)
	}
	sim, err := NewSimulator(cfg)
	if err != nil {
		t.Fatalf("NewSimulator: %v", err)
	}
	client, err := NewClient(cfg, rdb, WithSimulator(sim))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	sink := &pushSink{verifier: NewPushVerifier(cfg, rdb)}
	sim.SetPushTarget(HandlerTarget(sink))
	return &testEnv{sim: sim, client: client, rdb: rdb, cfg: client.Config(), sink: sink}
}

// pushSink is a minimal /wechat/push endpoint built on the package's helpers.
type pushSink struct {
	verifier *PushVerifier
	mu       sync.Mutex
	events   []*PushEvent
	requests []capturedPush
}

type capturedPush struct {
	query url.Values
	body  []byte
}

func (p *pushSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := ParsePushQuery(r.URL.Query())
	if r.Method == http.MethodGet {
		echo, err := p.verifier.Echo(r.Context(), q)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, echo)
		return
	}
	body, _ := io.ReadAll(r.Body)
	p.mu.Lock()
	p.requests = append(p.requests, capturedPush{r.URL.Query(), body})
	p.mu.Unlock()
	ev, err := p.verifier.Open(r.Context(), q, body)
	switch {
	case errors.Is(err, ErrReplayed):
		http.Error(w, err.Error(), http.StatusConflict)
		return
	case errors.Is(err, ErrBadSignature), errors.Is(err, ErrStaleTimestamp):
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	p.events = append(p.events, ev)
	p.mu.Unlock()
	_, _ = io.WriteString(w, "success")
}

func (p *pushSink) snapshot() ([]*PushEvent, []capturedPush) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*PushEvent(nil), p.events...), append([]capturedPush(nil), p.requests...)
}

// login runs a full wx.login exchange for sim-<name>.
func (e *testEnv) login(t *testing.T, name string) Session {
	t.Helper()
	s, err := e.client.Code2Session(context.Background(), "sim-"+name)
	if err != nil {
		t.Fatalf("Code2Session(sim-%s): %v", name, err)
	}
	return s
}

// wantCode fails unless err is an *Error with errcode code.
func wantCode(t *testing.T, err error, code int) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want *Error with errcode %d", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("errcode = %d (%v), want %d", e.Code, err, code)
	}
	return e
}
