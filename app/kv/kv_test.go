package kv_test

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"sunshine/app/kv"
	"sunshine/app/kv/kvtest"
)

func TestNewClientURLForms(t *testing.T) {
	for _, tc := range []struct {
		url, topo string
		check     func(t *testing.T, c redis.UniversalClient)
	}{
		{"redis://127.0.0.1:6379/2", "single", func(t *testing.T, c redis.UniversalClient) {
			if o := c.(*redis.Client).Options(); o.Addr != "127.0.0.1:6379" || o.DB != 2 {
				t.Fatalf("options = %s db %d", o.Addr, o.DB)
			}
		}},
		{"redis-sentinel://:pw@s1:26379,s2/1?master=mymaster", "sentinel", nil},
		{"redis-cluster://u:pw@h1:7000,h2:7001,h3:7002", "cluster", func(t *testing.T, c redis.UniversalClient) {
			if o := c.(*redis.ClusterClient).Options(); len(o.Addrs) != 3 || o.Addrs[2] != "h3:7002" || o.Password != "pw" || o.Username != "u" {
				t.Fatalf("cluster options = %+v", o.Addrs)
			}
		}},
		{"rediss-cluster://h1:7000", "cluster", func(t *testing.T, c redis.UniversalClient) {
			if c.(*redis.ClusterClient).Options().TLSConfig == nil {
				t.Fatal("rediss-cluster without TLS")
			}
		}},
	} {
		c, topo, err := kv.NewClient(tc.url)
		if err != nil || topo != tc.topo {
			t.Fatalf("%s: topology %q, %v", tc.url, topo, err)
		}
		if tc.check != nil {
			tc.check(t, c)
		}
		c.Close()
	}
	for _, bad := range []string{"127.0.0.1:6379", "memcached://x", "redis-sentinel://s1:26379/0", "redis-cluster://h1:7000/3",
		"redis-sentinel://s1/x?master=m", "redis-cluster:///"} {
		if _, _, err := kv.NewClient(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if _, _, err := kv.NewClient("redis-cluster://user:secret@/"); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("error leaks or is missing: %v", err)
	}
}

// TestOpenAnswers runs on whatever TEST_REDIS_URL names (one server or the
// CI cluster): a Lua script over two keys of one hash tag must work there.
func TestOpenAnswers(t *testing.T) {
	c := kvtest.Open(t)
	ctx := context.Background()
	tag := "{kvtest:" + kvtest.RandomKey() + "}"
	script := redis.NewScript(`redis.call('SET', KEYS[1], ARGV[1]); return redis.call('INCR', KEYS[2])`)
	n, err := script.Run(ctx, c, []string{tag + ":a", tag + ":b"}, "x").Int()
	if err != nil || n != 1 {
		t.Fatalf("script over one slot = %d, %v (topology %s)", n, err, c.Topology)
	}
	c.Del(ctx, tag+":a")
	c.Del(ctx, tag+":b")
}
