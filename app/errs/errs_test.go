package errs

import (
	"errors"
	"fmt"
	"testing"
)

// TestUnavailableBelowInternalWins: code that wraps a storage error as
// internal still answers "unavailable" while a store is down.
func TestUnavailableBelowInternalWins(t *testing.T) {
	down := Wrap(Unavailable, "数据库暂时无法访问，请稍后再试", errors.New("dial tcp: connection refused"))
	err := fmt.Errorf("submit: %w", Wrap(Internal, "保存失败", down))
	if got := CodeOf(err); got != Unavailable {
		t.Fatalf("CodeOf = %s, want unavailable", got)
	}
	if got := MessageOf(err); got != down.Message {
		t.Fatalf("MessageOf = %q, want %q", got, down.Message)
	}
	if got := CodeOf(Wrap(Conflict, "x", down)); got != Conflict {
		t.Fatalf("an explicit code above is kept: got %s", got)
	}
	if got := CodeOf(Wrap(Internal, "x", errors.New("bug"))); got != Internal {
		t.Fatalf("internal stays internal: got %s", got)
	}
}
