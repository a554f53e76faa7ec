package wechat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/cache"
)

// RedisCache implements the SDK's cache.Cache (and cache.ContextCache) on a
// go-redis v9 client, so every instance shares one access token. It replaces
// cache.Memory, which has a data race, and the SDK's own Redis cache, which is
// built on go-redis v8.
type RedisCache struct {
	rdb     redis.UniversalClient
	prefix  string
	timeout time.Duration
	log     *slog.Logger
}

var _ cache.ContextCache = (*RedisCache)(nil)

// NewRedisCache returns a cache that stores every key under prefix.
func NewRedisCache(rdb redis.UniversalClient, prefix string, log *slog.Logger) *RedisCache {
	if log == nil {
		log = slog.Default()
	}
	return &RedisCache{rdb: rdb, prefix: prefix, timeout: 3 * time.Second, log: log}
}

// ctx bounds the SDK's context-less calls so a hung Redis cannot hang a send.
func (c *RedisCache) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.timeout)
}

// Get returns the cached string, or nil when it is missing or Redis fails.
func (c *RedisCache) Get(key string) interface{} {
	ctx, cancel := c.ctx()
	defer cancel()
	return c.GetContext(ctx, key)
}

// GetContext returns the cached string, or nil when it is missing or Redis fails.
// A nil result makes the SDK fetch a fresh token, which is the safe fallback.
func (c *RedisCache) GetContext(ctx context.Context, key string) interface{} {
	v, err := c.rdb.Get(ctx, c.prefix+key).Result()
	if err != nil {
		if !errors.Is(err, redis.Nil) {
			c.log.WarnContext(ctx, "wechat cache read failed", "key", key, "err", err)
		}
		return nil
	}
	return v
}

// Set stores val for timeout.
func (c *RedisCache) Set(key string, val interface{}, timeout time.Duration) error {
	ctx, cancel := c.ctx()
	defer cancel()
	return c.SetContext(ctx, key, val, timeout)
}

// SetContext stores val for timeout. A timeout <= 0 stores nothing and drops
// the old value: go-redis reads 0 as "keep forever", and the SDK computes
// expires_in-300 s, which is negative when WeChat hands out a token close to
// its end. A Redis failure is logged and not returned, because the SDK would
// otherwise throw away the valid token it has just fetched.
func (c *RedisCache) SetContext(ctx context.Context, key string, val interface{}, timeout time.Duration) error {
	s, ok := val.(string)
	if !ok {
		return fmt.Errorf("wechat cache: value for %s is %T, want string", key, val)
	}
	var err error
	if timeout <= 0 {
		err = c.rdb.Del(ctx, c.prefix+key).Err()
	} else {
		err = c.rdb.Set(ctx, c.prefix+key, s, timeout).Err()
	}
	if err != nil {
		c.log.WarnContext(ctx, "wechat cache write failed", "key", key, "err", err)
	}
	return nil
}

// IsExist reports whether key is cached.
func (c *RedisCache) IsExist(key string) bool {
	ctx, cancel := c.ctx()
	defer cancel()
	return c.IsExistContext(ctx, key)
}

// IsExistContext reports whether key is cached.
func (c *RedisCache) IsExistContext(ctx context.Context, key string) bool {
	n, err := c.rdb.Exists(ctx, c.prefix+key).Result()
	return err == nil && n > 0
}

// Delete drops key.
func (c *RedisCache) Delete(key string) error {
	ctx, cancel := c.ctx()
	defer cancel()
	return c.DeleteContext(ctx, key)
}

// DeleteContext drops key.
func (c *RedisCache) DeleteContext(ctx context.Context, key string) error {
	return c.rdb.Del(ctx, c.prefix+key).Err()
}
