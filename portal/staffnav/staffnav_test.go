package staffnav

import (
	"testing"

	"sunshine/app/accounts"
	"sunshine/app/casework"
	"sunshine/portal/site"
)

func hrefs(items []Item) map[string]bool {
	m := map[string]bool{}
	for _, it := range items {
		m[it.Href] = true
	}
	return m
}

// TestItemsFollowTheRoles: each role's menu has its pages and none of the
// pages SPEC §2 keeps from it.
func TestItemsFollowTheRoles(t *testing.T) {
	for _, tc := range []struct {
		role      casework.Role
		has, lack []string
	}{
		{casework.RoleClerk, []string{"/staff", "/staff/cases", "/staff/intake", "/staff/consultations"}, []string{"/staff/dashboard", "/staff/admin/users", "/staff/audit"}},
		{casework.RoleHead, []string{"/staff/cases", "/staff/dashboard", "/staff/bulletins"}, []string{"/staff/admin/users", "/staff/audit", "/staff/intake"}},
		{casework.RoleSpecialist, []string{"/staff/cases", "/staff/consultations"}, []string{"/staff/dashboard", "/staff/audit", "/staff/matters"}},
		{casework.RoleLiaison, []string{"/staff/matters"}, []string{"/staff/cases", "/staff/dashboard"}},
		{casework.RoleSupervisor, []string{"/staff/dashboard", "/staff/bulletins"}, []string{"/staff", "/staff/cases", "/staff/matters", "/staff/admin/users", "/staff/audit"}},
		{casework.RoleAdmin, []string{"/staff/admin/users", "/staff/admin/departments", "/staff/admin/calendar", "/staff/admin/templates", "/staff/admin/notifications"}, []string{"/staff/cases", "/staff/audit", "/staff/dashboard"}},
		{casework.RoleAuditor, []string{"/staff/audit"}, []string{"/staff/cases", "/staff/admin/users", "/staff/dashboard"}},
	} {
		t.Run(string(tc.role), func(t *testing.T) {
			got := hrefs(Items(tc.role))
			for _, h := range append(tc.has, "/staff/account") {
				if !got[h] {
					t.Errorf("menu lacks %s", h)
				}
			}
			for _, h := range tc.lack {
				if got[h] {
					t.Errorf("menu has %s", h)
				}
			}
			for _, it := range Items(tc.role) {
				if it.Label == "" {
					t.Errorf("%s without a label", it.Href)
				}
			}
		})
	}
	if got := Items("nobody"); len(got) != 1 || got[0] != Account {
		t.Fatalf("unknown role: %v", got)
	}
}

func TestHomeOfAndAllowed(t *testing.T) {
	if got := HomeOf(casework.RoleSupervisor); got != "/staff/dashboard" {
		t.Errorf("supervisor home = %s", got)
	}
	if got := HomeOf(casework.RoleAuditor); got != "/staff/audit" {
		t.Errorf("auditor home = %s", got)
	}
	if !Allowed(casework.RoleAdmin, "/staff/admin/users/3") || Allowed(casework.RoleAdmin, "/staff/audit") {
		t.Error("admin: Allowed wrong")
	}
	if Allowed(casework.RoleLiaison, "/staff/cases/1") {
		t.Error("liaison: /staff must not cover every page")
	}
}

func TestNav(t *testing.T) {
	if got := Nav(nil, nil); len(got) != 1 || got[0].Href != "/staff/login" {
		t.Fatalf("signed out: %v", got)
	}
	got := Nav(nil, &site.Visitor{Principal: &accounts.Staff{Role: casework.RoleAuditor}})
	if len(got) != 2 || got[0].Label != "审计" || got[0].Href != "/staff/audit" {
		t.Fatalf("auditor: %v", got)
	}
}
