package kv

import (
	"context"
	"errors"
	"testing"

	"github.com/redis/go-redis/v9"

	"sunshine/app/errs"
)

// TestRedisDownIsUnavailable: every command and pipeline against a Redis
// that does not answer fails with errs.Unavailable (503), while its
// ordinary replies (redis.Nil) are left alone.
func TestRedisDownIsUnavailable(t *testing.T) {
	ctx := context.Background()
	c, err := Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Get(ctx, "kv-test-missing").Err(); !errors.Is(err, redis.Nil) || errs.Is(err, errs.Unavailable) {
		t.Fatalf("missing key: %v, want redis.Nil untouched", err)
	}
	c.Mini().Close()
	if err := c.Set(ctx, "k", "v", 0).Err(); !errs.Is(err, errs.Unavailable) {
		t.Fatalf("SET with Redis down: %v, want unavailable", err)
	}
	_, err = c.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Incr(ctx, "k")
		return nil
	})
	if !errs.Is(err, errs.Unavailable) {
		t.Fatalf("pipeline with Redis down: %v, want unavailable", err)
	}
	if err := c.Ready(ctx); !errs.Is(err, errs.Unavailable) {
		t.Fatalf("PING with Redis down: %v, want unavailable", err)
	}
}
