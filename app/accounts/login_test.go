package accounts_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"sunshine/app/accounts"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/kv/kvtest"
	"sunshine/app/session"
	"sunshine/app/storage"
	"sunshine/app/storage/storagetest"
)

// setup returns the service, its session store and a stored user with a
// real (default cost) bcrypt hash. Names and ids are random: the Redis may
// be shared with other test packages.
func setup(t *testing.T) (*accounts.Service, *session.Store, *storage.DB, *accounts.Staff, string) {
	t.Helper()
	db, conn := storagetest.Open(t), kvtest.Open(t)
	sessions := session.NewStore(conn, nil)
	svc := accounts.NewService(accounts.Options{Store: db.Staff(), Sessions: sessions, KV: conn, Audit: db.Audit()})
	suffix := fmt.Sprintf("%08x", rand.Uint32())
	hash, err := accounts.HashPassword("Passw0rd-1")
	if err != nil {
		t.Fatal(err)
	}
	u := &accounts.Staff{ID: rand.Int64N(1<<40) + 1<<20, Username: "acct." + suffix, PasswordHash: hash,
		Role: casework.RoleHead, Name: "负责人", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := db.Staff().CreateStaff(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return svc, sessions, db, u, "10.99." + suffix[:2] + "." + suffix[2:4]
}

// TestStaleRoleSessionRefused: even if ending the sessions failed when the
// role changed, the session's role no longer matches and is refused.
func TestStaleRoleSessionRefused(t *testing.T) {
	ctx := context.Background()
	svc, _, db, u, ip := setup(t)
	res, err := svc.Login(ctx, accounts.LoginInput{Username: u.Username, Password: "Passw0rd-1", IP: ip})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, res.Token); err != nil {
		t.Fatalf("fresh session refused: %v", err)
	}
	u.Role = casework.RoleClerk
	if err := db.Staff().UpdateStaff(ctx, u); err != nil { // behind the service's back
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, res.Token); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("session with the old role: %v, want unauthenticated", err)
	}
}

// TestUnknownUserCostsABcrypt: an unknown username answers like a wrong
// password and takes comparable time (a dummy bcrypt comparison).
func TestUnknownUserCostsABcrypt(t *testing.T) {
	ctx := context.Background()
	svc, _, _, u, ip := setup(t)
	measure := func(name string) (time.Duration, error) {
		best := time.Hour
		var last error
		for i := 0; i < 3; i++ {
			start := time.Now()
			_, last = svc.Login(ctx, accounts.LoginInput{Username: name, Password: "wrong-1", IP: ip})
			best = min(best, time.Since(start))
		}
		return best, last
	}
	known, errKnown := measure(u.Username)
	unknown, errUnknown := measure("nobody." + u.Username)
	if errs.CodeOf(errKnown) != errs.Unauthenticated || errs.MessageOf(errKnown) != errs.MessageOf(errUnknown) ||
		errs.CodeOf(errKnown) != errs.CodeOf(errUnknown) {
		t.Fatalf("wrong password: %v; unknown user: %v", errKnown, errUnknown)
	}
	if unknown < known/3 {
		t.Errorf("unknown user answered in %v, wrong password in %v: timing tells them apart", unknown, known)
	}
}
