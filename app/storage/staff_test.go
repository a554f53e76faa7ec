package storage_test

import (
	"context"
	"testing"
	"time"

	"sunshine/app/accounts"
	"sunshine/app/casework"
	"sunshine/app/storage/storagetest"
)

// Two admins editing one account from stale copies must not undo each
// other: each writes only the columns it changed.
func TestUpdateStaffWritesOnlyNamedColumns(t *testing.T) {
	ctx := context.Background()
	db := storagetest.Open(t)
	u := &accounts.Staff{Username: "zhao", PasswordHash: "old", Role: casework.RoleClerk, Name: "赵", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := db.Staff().CreateStaff(ctx, u); err != nil {
		t.Fatal(err)
	}
	a, _ := db.Staff().StaffByID(ctx, u.ID)
	b, _ := db.Staff().StaffByID(ctx, u.ID)
	a.Disabled = true
	if err := db.Staff().UpdateStaff(ctx, a, "disabled"); err != nil {
		t.Fatal(err)
	}
	b.PasswordHash, b.Role = "new", casework.RoleHead
	if err := db.Staff().UpdateStaff(ctx, b, "password_hash"); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Staff().StaffByID(ctx, u.ID)
	if !got.Disabled || got.PasswordHash != "new" || got.Role != casework.RoleClerk {
		t.Fatalf("got disabled=%v hash=%q role=%s; want true, new, clerk", got.Disabled, got.PasswordHash, got.Role)
	}
	if err := db.Staff().UpdateStaff(ctx, b, "username"); err == nil {
		t.Fatal("an unknown column was accepted")
	}
}
