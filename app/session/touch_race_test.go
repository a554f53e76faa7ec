package session

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"sunshine/app/errs"
	"sunshine/app/kv/kvtest"
)

// logoutDuringTouch ends the session (as a logout on another instance
// would) right after a request has read it and before that request writes
// its new last-seen time back.
type logoutDuringTouch struct {
	store *Store
	token atomic.Value // string
	fired atomic.Bool
}

func (h *logoutDuringTouch) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *logoutDuringTouch) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h *logoutDuringTouch) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		tok, _ := h.token.Load().(string)
		if tok != "" && strings.EqualFold(cmd.Name(), "get") && h.fired.CompareAndSwap(false, true) {
			if derr := h.store.Delete(ctx, Staff, tok); derr != nil {
				return derr
			}
		}
		return err
	}
}

// TestTouchDoesNotResurrectEndedSession: the once-a-minute activity write
// of a request must not bring back a session that a logout (or disabling
// the account) ended while the request was being served.
func TestTouchDoesNotResurrectEndedSession(t *testing.T) {
	ctx, clk := context.Background(), newClock()
	conn := kvtest.Open(t)
	s := NewStore(conn, clk.now)
	tok, _, err := s.Create(ctx, Staff, time.Now().UnixNano(), "clerk", nil)
	if err != nil {
		t.Fatal(err)
	}
	hook := &logoutDuringTouch{store: s}
	conn.AddHook(hook)
	clk.add(5 * time.Minute) // the next request writes its activity back
	hook.token.Store(tok)
	_, _ = s.Get(ctx, Staff, tok) // served while the logout happens
	if _, err := s.Get(ctx, Staff, tok); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("session ended during a request is alive again: %v", err)
	}
	if n, err := conn.Exists(ctx, key(Staff, hashToken(tok))).Result(); err != nil || n != 0 {
		t.Fatalf("session key exists after logout: %d %v", n, err)
	}
}
