// Package staffnav is the staff navigation menu as data: which pages each
// staff role may open, with their Chinese labels and addresses. Both staff
// surfaces under /staff — portal/workbench (login, homes, cases, intake,
// consultations, matters) and portal/backoffice (dashboards, 通报,
// administration, audit, the account page) — draw their header from it, so
// a member of staff sees one menu whichever surface serves the page.
//
// The menu is a convenience, not the access rule: every page checks the
// role itself.
package staffnav

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/accounts"
	"sunshine/app/casework"
	"sunshine/portal/site"
)

// Prefix is where the staff pages live.
const Prefix = "/staff"

// Item is one link of the menu.
type Item struct {
	Label string
	Href  string
}

// The pages of the menu.
var (
	Home          = Item{"工作台", Prefix}
	Cases         = Item{"案件", Prefix + "/cases"}
	Intake        = Item{"受理", Prefix + "/intake"}
	Consultations = Item{"咨询", Prefix + "/consultations"}
	Matters       = Item{"事项", Prefix + "/matters"}
	Dashboard     = Item{"统计", Prefix + "/dashboard"}
	Bulletins     = Item{"通报", Prefix + "/bulletins"}
	Admin         = Item{"管理", Prefix + "/admin"}
	Users         = Item{"用户", Prefix + "/admin/users"}
	Departments   = Item{"部门", Prefix + "/admin/departments"}
	Calendar      = Item{"节假日", Prefix + "/admin/calendar"}
	Templates     = Item{"通知模板", Prefix + "/admin/templates"}
	Failed        = Item{"失败通知", Prefix + "/admin/notifications"}
	Audit         = Item{"审计", Prefix + "/audit"}
	Account       = Item{"我的账户", Prefix + "/account"}
	Login         = Item{"登录", Prefix + "/login"}
)

// byRole is the menu of each staff role (SPEC §2: what each role may do).
var byRole = map[casework.Role][]Item{
	casework.RoleClerk:      {Home, Cases, Intake, Consultations},
	casework.RoleHead:       {Home, Cases, Consultations, Dashboard, Bulletins},
	casework.RoleSpecialist: {Home, Cases, Consultations},
	casework.RoleLiaison:    {Home, Matters},
	// The supervisor reads aggregates only: no case, no person.
	casework.RoleSupervisor: {Dashboard, Bulletins},
	// The administrator: accounts and configuration, no case content, no
	// audit log (三员分立).
	casework.RoleAdmin: {Users, Departments, Calendar, Templates, Failed},
	// The auditor: the audit log, nothing else.
	casework.RoleAuditor: {Audit},
}

// Items returns the menu of a role, ending with the account page; an
// unknown role gets only the account page.
func Items(role casework.Role) []Item {
	out := append([]Item(nil), byRole[role]...)
	return append(out, Account)
}

// HomeOf is the first page of a role: where /staff sends the roles that
// have no queue of their own (supervisor, admin, auditor).
func HomeOf(role casework.Role) string {
	if items := byRole[role]; len(items) > 0 {
		return items[0].Href
	}
	return Account.Href
}

// Allowed reports whether a role's menu holds the page at path (or a page
// below it): a helper for tests that check the menu against the routes.
func Allowed(role casework.Role, path string) bool {
	for _, it := range Items(role) {
		if path == it.Href || (it.Href != Prefix && strings.HasPrefix(path, it.Href+"/")) {
			return true
		}
	}
	return false
}

// Nav is a site.Options.Nav for the staff surfaces: the signed-in member's
// menu in the site layout's header (the layout marks the current page), or
// the login link for a visitor who is signed out.
func Nav(c *fiber.Ctx, v *site.Visitor) []site.NavItem {
	if v == nil {
		return []site.NavItem{{Label: Login.Label, Href: Login.Href}}
	}
	u, _ := v.Principal.(*accounts.Staff)
	if u == nil {
		return nil
	}
	items := Items(u.Role)
	out := make([]site.NavItem, len(items))
	for i, it := range items {
		out[i] = site.NavItem{Label: it.Label, Href: it.Href}
	}
	return out
}
