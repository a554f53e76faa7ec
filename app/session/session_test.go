package session

import (
	"context"
	"sync"
	"testing"
	"time"

	"sunshine/app/errs"
	"sunshine/app/kv/kvtest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newClock() *clock               { return &clock{t: time.Now()} }

func TestIdleTimeout(t *testing.T) {
	ctx, clk := context.Background(), newClock()
	s := NewStore(kvtest.Open(t), clk.now)
	tok, _, err := s.Create(ctx, Staff, 101, "clerk", nil)
	if err != nil {
		t.Fatal(err)
	}
	clk.add(29 * time.Minute)
	if _, err := s.Get(ctx, Staff, tok); err != nil {
		t.Fatalf("active session refused: %v", err)
	}
	clk.add(29 * time.Minute) // activity at 29 min moved the idle window
	if _, err := s.Get(ctx, Staff, tok); err != nil {
		t.Fatalf("session refused 29 min after last activity: %v", err)
	}
	clk.add(31 * time.Minute)
	if _, err := s.Get(ctx, Staff, tok); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("idle session accepted: %v", err)
	}
}

func TestAbsoluteTimeout(t *testing.T) {
	ctx, clk := context.Background(), newClock()
	s := NewStore(kvtest.Open(t), clk.now)
	tok, _, _ := s.Create(ctx, Staff, 102, "head", nil)
	for i := 0; i < 28; i++ { // active every 25 minutes for 11 h 40 min
		clk.add(25 * time.Minute)
		if _, err := s.Get(ctx, Staff, tok); err != nil {
			t.Fatalf("refused after %d steps: %v", i, err)
		}
	}
	clk.add(25 * time.Minute) // 12 h 05 min after login, 25 min after the last request
	if _, err := s.Get(ctx, Staff, tok); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("session past 12 h accepted: %v", err)
	}
}

func TestLogoutAndDeleteAll(t *testing.T) {
	ctx := context.Background()
	s := NewStore(kvtest.Open(t), nil)
	// Random subjects: the Redis may be shared with another run of this test.
	subject := time.Now().UnixNano()
	a, _, _ := s.Create(ctx, Staff, subject, "clerk", nil)
	b, _, _ := s.Create(ctx, Staff, subject, "clerk", nil)
	other, _, _ := s.Create(ctx, Staff, subject+1, "clerk", nil)
	if err := s.Delete(ctx, Staff, a); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, Staff, a); !errs.Is(err, errs.Unauthenticated) {
		t.Fatal("logged-out token still valid")
	}
	if _, err := s.Get(ctx, Staff, b); err != nil {
		t.Fatal("logout ended another session")
	}
	if err := s.DeleteAll(ctx, Staff, subject); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, Staff, b); !errs.Is(err, errs.Unauthenticated) {
		t.Fatal("DeleteAll left a session")
	}
	if _, err := s.Get(ctx, Staff, other); err != nil {
		t.Fatal("DeleteAll ended another subject's session")
	}
	if _, err := s.Get(ctx, Member, other); !errs.Is(err, errs.Unauthenticated) {
		t.Fatal("a staff token worked as a member token")
	}
}

func TestTokensAreLongAndDistinct(t *testing.T) {
	s := NewStore(kvtest.Open(t), nil)
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		tok, _, err := s.Create(context.Background(), Member, 7, "enterprise", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) < 43 || seen[tok] {
			t.Fatalf("weak or repeated token %q", tok)
		}
		seen[tok] = true
	}
}
