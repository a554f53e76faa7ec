package session

import (
	"context"
	"testing"
	"time"

	"sunshine/app/kv/kvtest"
)

func TestActiveSessionsCounted(t *testing.T) {
	ctx, clk := context.Background(), newClock()
	s := NewStore(kvtest.Open(t), clk.now)
	k := Kind("metric-" + kvtest.RandomKey()) // a kind no other test uses: Redis may be shared
	s.SetPolicy(k, Policy{Idle: 10 * time.Minute, Absolute: time.Hour})
	defer s.rdb.Del(ctx, activeKey(k))
	count := func(want int64) {
		t.Helper()
		if n, err := s.Active(ctx, k); err != nil || n != want {
			t.Fatalf("active = %d, %v; want %d", n, err, want)
		}
	}
	tokA, _, _ := s.Create(ctx, k, 1, "clerk", nil)
	s.Create(ctx, k, 2, "clerk", nil)
	s.Create(ctx, k, 2, "clerk", nil)
	count(3)
	if err := s.Delete(ctx, k, tokA); err != nil {
		t.Fatal(err)
	}
	count(2)
	if err := s.DeleteAll(ctx, k, 2); err != nil {
		t.Fatal(err)
	}
	count(0)
	tokB, _, _ := s.Create(ctx, k, 3, "clerk", nil)
	clk.add(8 * time.Minute)
	s.Get(ctx, k, tokB) // activity moves the end
	clk.add(8 * time.Minute)
	count(1)
	clk.add(3 * time.Minute) // idle past 10 minutes
	count(0)
}
