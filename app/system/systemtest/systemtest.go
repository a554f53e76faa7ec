// Package systemtest builds the whole system for tests through the one
// composition root (app/system): on a fresh database (SQLite, or MariaDB
// with TEST_MYSQL_DSN) and Redis (in-process, or TEST_REDIS_URL), with the
// WeChat simulator, an injectable clock and Redis keys of its own, so tests
// run what production runs.
package systemtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"sunshine/app/kv"
	"sunshine/app/kv/kvtest"
	"sunshine/app/storage"
	"sunshine/app/storage/storagetest"
	"sunshine/app/system"
	"sunshine/config"
)

// Options tune a test system; the zero value is a fresh one.
type Options struct {
	Now func() time.Time
	Log *slog.Logger
	// DB and KV share stores with another system (a second instance);
	// nil opens fresh ones removed when the test ends.
	DB *storage.DB
	KV *kv.Conn
	// Env adds or overrides configuration variables (SUNSHINE_*).
	Env map[string]string
}

// Secrets of every test system.
const (
	HotlineSecret = "test-hotline-secret-0123456789abcdef"
	AttachmentKey = "test-attachment-key-0123456789abcdef"
)

// New builds a system for t; it is closed when t ends (background work is
// not started: call Start when a test needs it).
func New(t testing.TB, o Options) *system.System {
	t.Helper()
	if o.DB == nil {
		o.DB = storagetest.Open(t)
	}
	if o.KV == nil {
		o.KV = kvtest.Open(t)
	}
	env := map[string]string{"SUNSHINE_ENV": "development", "SUNSHINE_DATA_DIR": t.TempDir(),
		"SUNSHINE_WECHAT_MODE": "simulator", "SUNSHINE_HOTLINE_SECRET": HotlineSecret,
		"SUNSHINE_ATTACHMENT_KEY": AttachmentKey}
	for k, v := range o.Env {
		env[k] = v
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	wx, err := SharedWeChat()
	if err != nil {
		t.Fatalf("wechat: %v", err)
	}
	sys, err := system.New(context.Background(), system.Options{Config: cfg, Log: o.Log, Now: o.Now,
		DB: o.DB, KV: o.KV, WeChat: wx, KeyPrefix: "test:" + RandomName() + ":", BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatalf("system: %v", err)
	}
	t.Cleanup(sys.Close)
	return sys
}

var shared struct {
	once sync.Once
	wx   *system.WeChat
	err  error
}

// SharedWeChat is the test process's one WeChat client and simulator (the
// SDK has one process-wide HTTP client), with Redis keys of its own.
func SharedWeChat() (*system.WeChat, error) {
	shared.once.Do(func() {
		conn, err := kv.Open(context.Background(), os.Getenv("TEST_REDIS_URL"))
		if err != nil {
			shared.err = err
			return
		}
		cfg, err := config.Load(func(k string) string {
			return map[string]string{"SUNSHINE_ENV": "development", "SUNSHINE_WECHAT_MODE": "simulator",
				"SUNSHINE_WECHAT_TIMEOUT": "3s"}[k]
		})
		if err != nil {
			shared.err = err
			return
		}
		shared.wx, shared.err = system.NewWeChat(cfg, conn, slog.New(slog.DiscardHandler), "test:wechat:"+RandomName()+":")
	})
	return shared.wx, shared.err
}

// RandomName is a short random name for users and keys that must not meet
// those of other tests on a shared Redis.
func RandomName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
