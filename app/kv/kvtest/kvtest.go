// Package kvtest opens Redis for tests: an in-process server by default, the
// real Redis of TEST_REDIS_URL when set (any URL form kv.Open accepts: one
// server, redis-sentinel:// or redis-cluster://). Tests must not assume an
// empty Redis (packages run in parallel against the same server): use random
// keys.
package kvtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"sunshine/app/kv"
)

// Real reports whether tests run against a real Redis.
func Real() bool { return os.Getenv("TEST_REDIS_URL") != "" }

// URL is the Redis URL of the tests ("" for the in-process server).
func URL() string { return os.Getenv("TEST_REDIS_URL") }

// Open returns a connection closed when t ends.
func Open(t testing.TB) *kv.Conn {
	t.Helper()
	c, err := kv.Open(context.Background(), URL())
	if err != nil {
		t.Fatalf("open redis: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// RandomKey returns 16 random hex characters, for keys and prefixes no
// other test uses.
func RandomKey() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
