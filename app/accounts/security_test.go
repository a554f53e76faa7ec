package accounts_test

import (
	"context"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/bcrypt"

	"sunshine/app/accounts"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/kv/kvtest"
	"sunshine/app/session"
	"sunshine/app/storage/storagetest"
)

func TestTwoFactorPolicy(t *testing.T) {
	for _, tc := range []struct {
		policy accounts.TwoFactorPolicy
		role   casework.Role
		want   bool
	}{
		{accounts.TwoFactorPrivileged, casework.RoleAdmin, true},
		{accounts.TwoFactorPrivileged, casework.RoleAuditor, true},
		{accounts.TwoFactorPrivileged, casework.RoleHead, true},
		{accounts.TwoFactorPrivileged, casework.RoleClerk, false},
		{accounts.TwoFactorPrivileged, casework.RoleSpecialist, false},
		{accounts.TwoFactorAll, casework.RoleClerk, true},
		{accounts.TwoFactorOff, casework.RoleAdmin, false},
		{"", casework.RoleAdmin, false},
	} {
		if got := tc.policy.Required(tc.role); got != tc.want {
			t.Errorf("%q.Required(%s) = %v, want %v", tc.policy, tc.role, got, tc.want)
		}
	}
}

func TestPasswordProblem(t *testing.T) {
	for _, tc := range []struct {
		password string
		ok       bool
	}{
		{"Passw0rd1", false},     // 9 characters
		{"Passw0rd12", true},     // 10
		{"password123", false},   // common
		{"QWERTY123456", false},  // common, any case
		{"woaini1314", false},    // common (pinyin)
		{"abcdefghijkl", false},  // no digit
		{"12345678901", false},   // no letter
		{"Sunshine2026", true},   // the demo password
		{"Lang-Qiao-2026", true}, // fine
	} {
		if got := accounts.PasswordProblem(tc.password) == ""; got != tc.ok {
			t.Errorf("PasswordProblem(%q) ok = %v, want %v", tc.password, got, tc.ok)
		}
	}
}

// TestLastAdminStays: the last enabled admin cannot be disabled or
// demoted, whoever asks; with two, one may go.
func TestLastAdminStays(t *testing.T) {
	ctx := context.Background()
	db, conn := storagetest.Open(t), kvtest.Open(t)
	svc := accounts.NewService(accounts.Options{Store: db.Staff(), Sessions: session.NewStore(conn, nil), KV: conn,
		Audit: db.Audit(), BcryptCost: bcrypt.MinCost})
	add := func(name string, role casework.Role) *accounts.Staff {
		u := &accounts.Staff{Username: name, PasswordHash: "x", Role: role, Name: name, CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := db.Staff().CreateStaff(ctx, u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	a1, a2 := add("admin.one", casework.RoleAdmin), add("admin.two", casework.RoleAdmin)
	// An actor that is not a stored admin any more (its own account was
	// disabled in the meantime) plays the one who asks.
	ghost := casework.Actor{ID: 1 << 40, Role: casework.RoleAdmin, Name: "ghost"}
	if _, err := svc.SetDisabled(ctx, ghost, a2.ID, true); err != nil {
		t.Fatalf("disable one of two admins: %v", err)
	}
	if _, err := svc.SetDisabled(ctx, ghost, a1.ID, true); !errs.Is(err, errs.Conflict) {
		t.Fatalf("disable the last admin: %v, want conflict", err)
	}
	if _, err := svc.ChangeRole(ctx, ghost, a1.ID, casework.RoleClerk, ""); !errs.Is(err, errs.Conflict) {
		t.Fatalf("demote the last admin: %v, want conflict", err)
	}
	if _, err := svc.ChangeRole(ctx, casework.Actor{ID: a1.ID, Role: casework.RoleAdmin}, a1.ID, casework.RoleHead, ""); !errs.Is(err, errs.Conflict) {
		t.Fatalf("own role: %v, want conflict", err)
	}
}

// TestTOTPSecretsFollowTheKeyRotation: after the master key changes, the
// secrets sealed under the old one still open while it is the previous
// key, RotateTOTPSecrets seals them under the new one, and then the new key
// alone opens them.
func TestTOTPSecretsFollowTheKeyRotation(t *testing.T) {
	ctx := context.Background()
	db, conn := storagetest.Open(t), kvtest.Open(t)
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	svc := func(key, previous string) *accounts.Service {
		return accounts.NewService(accounts.Options{Store: db.Staff(), Sessions: session.NewStore(conn, clock), KV: conn,
			Audit: db.Audit(), Now: clock, BcryptCost: bcrypt.MinCost, TwoFactor: accounts.TwoFactorPrivileged,
			SecretKey: key, SecretKeyPrevious: previous})
	}
	hash, _ := bcrypt.GenerateFromPassword([]byte("Passw0rd-head"), bcrypt.MinCost)
	u := &accounts.Staff{Username: "head.rot", PasswordHash: string(hash), Role: casework.RoleHead, Name: "负责人",
		CreatedAt: now, UpdatedAt: now}
	if err := db.Staff().CreateStaff(ctx, u); err != nil {
		t.Fatal(err)
	}
	login := func(s *accounts.Service, secret string) error {
		now = now.Add(time.Minute) // a fresh code each time
		res, err := s.Login(ctx, accounts.LoginInput{Username: u.Username, Password: "Passw0rd-head", IP: "10.1.2.3"})
		if err != nil {
			return err
		}
		code, _ := totp.GenerateCode(secret, now)
		_, err = s.VerifySecondFactor(ctx, accounts.SecondFactorInput{Challenge: res.Challenge, Code: code, IP: "10.1.2.3"})
		return err
	}
	old := svc("old-master-key-0123456789", "")
	res, err := old.Login(ctx, accounts.LoginInput{Username: u.Username, Password: "Passw0rd-head", IP: "10.1.2.3"})
	if err != nil || res.Next != accounts.StepEnrol {
		t.Fatalf("first login: %+v %v", res, err)
	}
	e, err := old.EnrolChallenge(ctx, res.Challenge)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(e.Secret, now)
	if _, err := old.ConfirmEnrolChallenge(ctx, res.Challenge, code, "10.1.2.3"); err != nil {
		t.Fatal(err)
	}
	if err := login(svc("new-master-key-0123456789", ""), e.Secret); err == nil {
		t.Fatal("the new key alone opened a secret sealed under the old one")
	}
	if err := login(svc("new-master-key-0123456789", "old-master-key-0123456789"), e.Secret); err != nil {
		t.Fatalf("during the rotation: %v", err)
	}
	rotated, unreadable, err := accounts.RotateTOTPSecrets(ctx, db.Staff(), "new-master-key-0123456789", "old-master-key-0123456789")
	if err != nil || rotated != 1 || unreadable != 0 {
		t.Fatalf("rotate: %d %d %v", rotated, unreadable, err)
	}
	if err := login(svc("new-master-key-0123456789", ""), e.Secret); err != nil {
		t.Fatalf("after the rotation: %v", err)
	}
}
