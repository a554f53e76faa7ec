package backoffice

import (
	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/portal/site"
)

// routes is the back office's one route table: every page and form with who
// may use it (cmd/sunshine's route walk visits it without a session). The
// role of each page is checked by only and again by the service it calls.
func (h *handlers) routes() []site.Route {
	const (
		get, post = fiber.MethodGet, fiber.MethodPost
		signedIn  = site.SignedIn
	)
	var (
		p          = Prefix
		head, sup  = casework.RoleHead, casework.RoleSupervisor
		adm, audit = casework.RoleAdmin, casework.RoleAuditor
	)
	return []site.Route{
		{Method: get, Path: p + "/dashboard", Access: signedIn, Handler: h.only(h.dashboard, head, sup)},
		{Method: get, Path: p + "/dashboard/data.json", Access: signedIn, Handler: h.only(h.dashboardData, head, sup)},

		{Method: get, Path: p + "/bulletins", Access: signedIn, Handler: h.only(h.bulletins, head, sup)},
		{Method: post, Path: p + "/bulletins", Access: signedIn, Handler: h.only(h.createBulletin, sup)},

		{Method: get, Path: p + "/admin", Access: signedIn, Handler: h.only(h.adminHome, adm)},
		{Method: get, Path: p + "/admin/users", Access: signedIn, Handler: h.only(h.users, adm)},
		{Method: post, Path: p + "/admin/users", Access: signedIn, Handler: h.only(h.createUser, adm)},
		{Method: post, Path: p + "/admin/users/:id/disable", Access: signedIn, Handler: h.only(h.setUserDisabled(true), adm)},
		{Method: post, Path: p + "/admin/users/:id/enable", Access: signedIn, Handler: h.only(h.setUserDisabled(false), adm)},
		{Method: post, Path: p + "/admin/users/:id/role", Access: signedIn, Handler: h.only(h.changeRole, adm)},
		{Method: post, Path: p + "/admin/users/:id/password", Access: signedIn, Handler: h.only(h.resetPassword, adm)},
		{Method: post, Path: p + "/admin/users/:id/totp-reset", Access: signedIn, Handler: h.only(h.resetTOTP, adm)},

		{Method: get, Path: p + "/admin/departments", Access: signedIn, Handler: h.only(h.departments, adm)},
		{Method: post, Path: p + "/admin/departments", Access: signedIn, Handler: h.only(h.createDepartment, adm)},
		{Method: post, Path: p + "/admin/departments/:id/rename", Access: signedIn, Handler: h.only(h.renameDepartment, adm)},
		{Method: post, Path: p + "/admin/departments/:id/disable", Access: signedIn, Handler: h.only(h.setDepartmentDisabled(true), adm)},
		{Method: post, Path: p + "/admin/departments/:id/enable", Access: signedIn, Handler: h.only(h.setDepartmentDisabled(false), adm)},
		{Method: post, Path: p + "/admin/departments/:id/delete", Access: signedIn, Handler: h.only(h.deleteDepartment, adm)},

		{Method: get, Path: p + "/admin/calendar", Access: signedIn, Handler: h.only(h.calendar, adm)},
		{Method: post, Path: p + "/admin/calendar", Access: signedIn, Handler: h.only(h.replaceYear, adm)},

		{Method: get, Path: p + "/admin/templates", Access: signedIn, Handler: h.only(h.templates, adm)},
		{Method: post, Path: p + "/admin/templates/:event/:channel", Access: signedIn, Handler: h.only(h.setTemplate, adm)},
		{Method: post, Path: p + "/admin/templates/:event/:channel/reset", Access: signedIn, Handler: h.only(h.resetTemplate, adm)},

		{Method: get, Path: p + "/admin/notifications", Access: signedIn, Handler: h.only(h.notifications, adm)},
		{Method: post, Path: p + "/admin/notifications/:id/retry", Access: signedIn, Handler: h.only(h.retryNotification, adm)},

		{Method: get, Path: p + "/audit", Access: signedIn, Handler: h.only(h.auditLog, audit)},
		{Method: get, Path: p + "/audit/export.csv", Access: signedIn, Handler: h.only(h.auditExport, audit)},

		// Every staff member's own account.
		{Method: get, Path: p + "/account", Access: signedIn, Handler: h.account},
		{Method: post, Path: p + "/account/password", Access: signedIn, Handler: h.changePassword},
		{Method: post, Path: p + "/account/totp", Access: signedIn, Handler: h.startTOTP},
		{Method: post, Path: p + "/account/totp/confirm", Access: signedIn, Handler: h.confirmTOTP},
	}
}
