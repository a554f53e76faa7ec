package accounts_test

import (
	"context"
	"sync/atomic"
	"testing"

	"sunshine/app/accounts"
	"sunshine/app/errs"
	"sunshine/app/kv/kvtest"
	"sunshine/app/session"
)

// hookedStore runs before once, the first time the login looks the user
// up: it plays attempts that ran concurrently with that login and finished
// while it was still comparing the password.
type hookedStore struct {
	accounts.StaffStore
	fired  atomic.Bool
	before func()
}

func (h *hookedStore) StaffByUsername(ctx context.Context, name string) (*accounts.Staff, error) {
	if h.fired.CompareAndSwap(false, true) {
		h.before()
	}
	return h.StaffStore.StaffByUsername(ctx, name)
}

// TestLockHoldsForAttemptsInFlight: attempts that started before the
// account was locked must not get their answer once it is. Otherwise many
// guesses sent at once all pass the lock check before any failure is
// counted, and each one learns whether its password was right.
func TestLockHoldsForAttemptsInFlight(t *testing.T) {
	for _, tc := range []struct{ name, password string }{
		{"right password", "Passw0rd-1"},
		{"wrong password", "wrong-guess-9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			_, _, db, u, ip := setup(t)
			conn := kvtest.Open(t)
			store := &hookedStore{StaffStore: db.Staff()}
			svc := accounts.NewService(accounts.Options{Store: store, Sessions: session.NewStore(conn, nil), KV: conn,
				Audit: db.Audit()})
			store.before = func() {
				for i := 0; i < 5; i++ {
					_, err := svc.Login(ctx, accounts.LoginInput{Username: u.Username, Password: "wrong-guess-1", IP: ip})
					if i == 4 && !errs.Is(err, errs.Locked) {
						t.Fatalf("fifth concurrent failure: %v, want account_locked", err)
					}
				}
			}
			_, err := svc.Login(ctx, accounts.LoginInput{Username: u.Username, Password: tc.password, IP: ip})
			if !errs.Is(err, errs.Locked) {
				t.Fatalf("attempt in flight when the account was locked: %v, want account_locked", err)
			}
		})
	}
}
