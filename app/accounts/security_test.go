package accounts_test

import (
	"context"
	"testing"
	"time"

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
