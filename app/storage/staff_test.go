package storage_test

import (
	"context"
	"testing"
	"time"

	"sunshine/app/accounts"
	"sunshine/app/calendar"
	"sunshine/app/casework"
	"sunshine/app/storage"
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

// Instances starting together on a fresh database seed the calendar once
// and all start.
func TestSeedHolidaysConcurrently(t *testing.T) {
	ctx := context.Background()
	opts := storagetest.Fresh(t)
	var dbs []*storage.DB
	for i := 0; i < 4; i++ {
		db, err := storage.Open(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	if err := dbs[0].Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, len(dbs))
	for _, db := range dbs {
		go func() { errc <- db.Holidays().SeedIfEmpty(ctx) }()
	}
	for range dbs {
		if err := <-errc; err != nil {
			t.Fatalf("an instance failed to seed: %v", err)
		}
	}
	days, err := dbs[0].Holidays().All(ctx)
	if err != nil || len(days) != len(calendar.Seed()) {
		t.Fatalf("seeded %d days, want %d (%v)", len(days), len(calendar.Seed()), err)
	}
}
