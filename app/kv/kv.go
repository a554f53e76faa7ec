// Package kv opens the Redis connection used for sessions, rate limits and
// queues: a real Redis when a URL is configured, otherwise an in-process
// Redis-compatible server (miniredis) reached through the same go-redis v9
// client, so the code paths are the same in both modes.
//
// The URL picks the topology:
//
//	redis://[user:pass@]host:6379/0                 one server (rediss:// for TLS)
//	redis-sentinel://[user:pass@]h1:26379,h2:26379/0?master=mymaster[&sentinel_password=…]
//	redis-cluster://[user:pass@]h1:7000,h2:7001,h3:7002
//
// Every caller goes through redis.UniversalClient, and every operation that
// touches several keys at once (Lua, MULTI) keeps them in one hash slot with
// a {hash tag}, so the same code runs on all three.
package kv

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Conn is a Redis client and what it takes to shut it down.
type Conn struct {
	redis.UniversalClient
	Embedded bool
	// Topology is "embedded", "single", "sentinel" or "cluster".
	Topology string
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
		return &Conn{UniversalClient: c, Embedded: true, Topology: "embedded", mini: m}, nil
	}
	c, topo, err := NewClient(url)
	if err != nil {
		return nil, fmt.Errorf("SUNSHINE_REDIS_URL: %w", err)
	}
	c.AddHook(unavailableHook{})
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := c.Ping(pctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("redis not answering: %w", err)
	}
	if cc, ok := c.(*redis.ClusterClient); ok {
		// Every master must answer, or a third of the keys would fail later.
		if err := cc.ForEachMaster(pctx, func(ctx context.Context, n *redis.Client) error { return n.Ping(ctx).Err() }); err != nil {
			c.Close()
			return nil, fmt.Errorf("redis cluster not answering: %w", err)
		}
	}
	return &Conn{UniversalClient: c, Topology: topo}, nil
}

// NewClient builds the client for a Redis URL without connecting: a single
// server (redis://, rediss://), Sentinel (redis-sentinel://) or Cluster
// (redis-cluster://; rediss-cluster:// and rediss-sentinel:// use TLS).
func NewClient(raw string) (redis.UniversalClient, string, error) {
	scheme, _, ok := strings.Cut(raw, "://")
	if !ok {
		return nil, "", fmt.Errorf("%q is not a URL", maskURL(raw))
	}
	timeouts := func(read, write, dial *time.Duration) {
		*read, *write, *dial = 3*time.Second, 3*time.Second, 3*time.Second
	}
	switch scheme {
	case "redis", "rediss", "unix":
		opt, err := redis.ParseURL(raw)
		if err != nil {
			return nil, "", err
		}
		timeouts(&opt.ReadTimeout, &opt.WriteTimeout, &opt.DialTimeout)
		return redis.NewClient(opt), "single", nil
	case "redis-sentinel", "rediss-sentinel", "redis-cluster", "rediss-cluster":
	default:
		return nil, "", fmt.Errorf("unknown scheme %q (want redis, rediss, redis-sentinel or redis-cluster)", scheme)
	}
	// url.Parse refuses a host list: parse with one placeholder host.
	rest := raw[len(scheme)+3:]
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	authority := rest[:end]
	hosts := authority
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		hosts = authority[at+1:]
		authority = authority[:at+1] + "placeholder"
	} else {
		authority = "placeholder"
	}
	u, err := url.Parse(scheme + "://" + authority + rest[end:])
	if err != nil {
		return nil, "", fmt.Errorf("%q: %w", maskURL(raw), err)
	}
	var addrs []string
	for _, h := range strings.Split(hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			if !strings.Contains(h, ":") {
				h += map[bool]string{true: ":26379", false: ":6379"}[strings.Contains(scheme, "sentinel")]
			}
			addrs = append(addrs, h)
		}
	}
	if len(addrs) == 0 {
		return nil, "", fmt.Errorf("%s URL names no host", scheme)
	}
	user := u.User.Username()
	pass, _ := u.User.Password()
	q := u.Query()
	var tlsCfg *tls.Config
	if strings.HasPrefix(scheme, "rediss") {
		tlsCfg = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: strings.Split(addrs[0], ":")[0]}
	}
	if strings.Contains(scheme, "sentinel") {
		master := q.Get("master")
		if master == "" {
			return nil, "", fmt.Errorf("redis-sentinel URL needs ?master=NAME")
		}
		db := 0
		if p := strings.Trim(u.Path, "/"); p != "" {
			if db, err = strconv.Atoi(p); err != nil {
				return nil, "", fmt.Errorf("redis-sentinel URL: database %q is not a number", p)
			}
		}
		opt := &redis.FailoverOptions{MasterName: master, SentinelAddrs: addrs, Username: user, Password: pass,
			SentinelUsername: q.Get("sentinel_username"), SentinelPassword: q.Get("sentinel_password"), DB: db,
			TLSConfig: tlsCfg, PoolSize: 32}
		timeouts(&opt.ReadTimeout, &opt.WriteTimeout, &opt.DialTimeout)
		return redis.NewFailoverClient(opt), "sentinel", nil
	}
	if p := strings.Trim(u.Path, "/"); p != "" && p != "0" {
		return nil, "", fmt.Errorf("redis-cluster has only database 0, not %q", p)
	}
	opt := &redis.ClusterOptions{Addrs: addrs, Username: user, Password: pass, TLSConfig: tlsCfg, PoolSize: 32}
	timeouts(&opt.ReadTimeout, &opt.WriteTimeout, &opt.DialTimeout)
	return redis.NewClusterClient(opt), "cluster", nil
}

// maskURL hides a password in a URL for error messages.
func maskURL(s string) string {
	if i := strings.LastIndex(s, "@"); i >= 0 {
		if j := strings.Index(s, "://"); j >= 0 && j < i {
			return s[:j+3] + "****" + s[i:]
		}
	}
	return s
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
