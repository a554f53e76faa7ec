package scanlogin_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"sunshine/app/errs"
	"sunshine/app/kv/kvtest"
	"sunshine/app/scanlogin"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newService(t *testing.T) (*scanlogin.Service, *clock) {
	conn := kvtest.Open(t)
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	return scanlogin.New(conn, clk.Now, "test:scanlogin:"+t.Name()+":"+time.Now().Format("150405.000000000")+":"), clk
}

func TestTicketShape(t *testing.T) {
	s, _ := newService(t)
	tk, err := s.Create(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(tk.ID) > 32 || !scanlogin.ValidID(tk.ID) {
		t.Fatalf("ticket id %q: want a valid scene of at most 32 characters", tk.ID)
	}
	tk2, _ := s.Create(context.Background())
	if tk2.ID == tk.ID || tk2.Secret == tk.Secret {
		t.Fatal("two tickets share an id or a secret")
	}
}

func TestConfirmThenTakeOnce(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t)
	tk, _ := s.Create(ctx)
	if st, _, err := s.Take(ctx, tk.ID, tk.Secret); err != nil || st != scanlogin.Pending {
		t.Fatalf("before confirm: %v %v, want pending", st, err)
	}
	if err := s.Confirm(ctx, tk.ID, 42); err != nil {
		t.Fatal(err)
	}
	if err := s.Confirm(ctx, tk.ID, 42); err != nil {
		t.Fatalf("same member confirms again: %v", err)
	}
	if st, _, _ := s.Take(ctx, tk.ID, "wrong-secret"); st != scanlogin.Unknown {
		t.Fatalf("wrong secret: %v, want unknown", st)
	}
	st, id, err := s.Take(ctx, tk.ID, tk.Secret)
	if err != nil || st != scanlogin.Confirmed || id != 42 {
		t.Fatalf("take: %v %d %v, want confirmed 42", st, id, err)
	}
	if st, _, _ := s.Take(ctx, tk.ID, tk.Secret); st != scanlogin.Used {
		t.Fatalf("second take: %v, want used", st)
	}
	if err := s.Confirm(ctx, tk.ID, 42); !errs.Is(err, errs.Conflict) {
		t.Fatalf("confirm a used ticket: %v, want conflict", err)
	}
}

func TestAnotherMemberCannotTakeOver(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t)
	tk, _ := s.Create(ctx)
	if err := s.Confirm(ctx, tk.ID, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Confirm(ctx, tk.ID, 2); !errs.Is(err, errs.Conflict) {
		t.Fatalf("second member: %v, want conflict", err)
	}
	if _, id, _ := s.Take(ctx, tk.ID, tk.Secret); id != 1 {
		t.Fatalf("taken as member %d, want 1", id)
	}
}

func TestConcurrentConfirmsOneWins(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t)
	tk, _ := s.Create(ctx)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := int64(1); i <= 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s.Confirm(ctx, tk.ID, i) == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d confirmations succeeded, want 1", wins)
	}
}

func TestExpiredAndUnknown(t *testing.T) {
	ctx := context.Background()
	s, clk := newService(t)
	tk, _ := s.Create(ctx)
	clk.Add(scanlogin.TTL + time.Second)
	if st, _, _ := s.Take(ctx, tk.ID, tk.Secret); st != scanlogin.Expired {
		t.Fatalf("take after ttl: %v, want expired", st)
	}
	if err := s.Confirm(ctx, tk.ID, 7); !errs.Is(err, errs.Conflict) {
		t.Fatalf("confirm after ttl: %v, want conflict", err)
	}
	// Confirmed in time but not taken in time: expired too.
	tk2, _ := s.Create(ctx)
	_ = s.Confirm(ctx, tk2.ID, 7)
	clk.Add(scanlogin.TTL + time.Second)
	if st, _, _ := s.Take(ctx, tk2.ID, tk2.Secret); st != scanlogin.Expired {
		t.Fatalf("take confirmed ticket after ttl: %v, want expired", st)
	}
	if err := s.Confirm(ctx, "ABCDEFGHJKLMNPQRSTUVWXYZ", 7); !errs.Is(err, errs.NotFound) {
		t.Fatalf("unknown ticket: %v, want not_found", err)
	}
	if err := s.Confirm(ctx, "bad id!", 7); !errs.Is(err, errs.NotFound) {
		t.Fatalf("malformed ticket: %v, want not_found", err)
	}
	if st, _, _ := s.Take(ctx, "ABCDEFGHJKLMNPQRSTUVWXYZ", "x"); st != scanlogin.Unknown {
		t.Fatalf("take unknown: %v", st)
	}
}

func TestRedisDownIsUnavailable(t *testing.T) {
	conn := kvtest.Open(t)
	if conn.Mini() == nil {
		t.Skip("needs the in-process Redis to stop it")
	}
	s := scanlogin.New(conn, nil, "")
	conn.Mini().Close()
	if _, err := s.Create(context.Background()); !errs.Is(err, errs.Unavailable) {
		t.Fatalf("create with Redis down: %v, want unavailable", err)
	}
	if _, _, err := s.Take(context.Background(), "ABCDEFGHJKLMNPQRSTUVWXYZ", "x"); !errs.Is(err, errs.Unavailable) {
		t.Fatalf("take with Redis down: %v, want unavailable", err)
	}
}
