// Package kvtest opens Redis for tests: an in-process server by default, the
// real Redis of TEST_REDIS_URL when set. Tests must not assume an empty
// Redis (packages run in parallel against the same server): use random keys.
package kvtest

import (
	"context"
	"os"
	"testing"

	"sunshine/app/kv"
)

// Real reports whether tests run against a real Redis.
func Real() bool { return os.Getenv("TEST_REDIS_URL") != "" }

// Open returns a connection closed when t ends.
func Open(t testing.TB) *kv.Conn {
	t.Helper()
	c, err := kv.Open(context.Background(), os.Getenv("TEST_REDIS_URL"))
	if err != nil {
		t.Fatalf("open redis: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
