// Package kv opens the Redis connection used for sessions, rate limits and
// queues: a real Redis when a URL is configured, otherwise an in-process
// Redis-compatible server (miniredis) reached through the same go-redis v9
// client, so the code paths are the same in both modes.
package kv

import (
	"context"
	"fmt"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Conn is a Redis client and what it takes to shut it down.
type Conn struct {
	redis.UniversalClient
	Embedded bool
	mini     *miniredis.Miniredis
}

// Open connects to url, or starts an in-process server when url is empty.
func Open(ctx context.Context, url string) (*Conn, error) {
	if url == "" {
		m := miniredis.NewMiniRedis()
		if err := m.StartAddr("127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("start embedded redis: %w", err)
		}
		c := redis.NewClient(&redis.Options{Addr: m.Addr(), PoolSize: 32})
		c.AddHook(unavailableHook{})
		return &Conn{UniversalClient: c, Embedded: true, mini: m}, nil
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("SUNSHINE_REDIS_URL: %w", err)
	}
	opt.ReadTimeout, opt.WriteTimeout, opt.DialTimeout = 3*time.Second, 3*time.Second, 3*time.Second
	c := redis.NewClient(opt)
	c.AddHook(unavailableHook{})
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := c.Ping(pctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("redis not answering: %w", err)
	}
	return &Conn{UniversalClient: c}, nil
}

// Ready checks that Redis answers.
func (c *Conn) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return c.UniversalClient.Ping(ctx).Err()
}

// Mini returns the in-process server (nil for a real Redis); tests use it
// to move time or simulate an outage.
func (c *Conn) Mini() *miniredis.Miniredis { return c.mini }

// Close closes the client and stops the in-process server.
func (c *Conn) Close() error {
	err := c.UniversalClient.Close()
	if c.mini != nil {
		c.mini.Close()
	}
	return err
}
