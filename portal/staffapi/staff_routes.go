package staffapi

import "github.com/gofiber/fiber/v2"

// staffJSONLimit is the largest JSON body of the staff API; uploads keep
// the app's BodyLimit.
const staffJSONLimit = 1 << 20

// staffRoutes registers /api/staff/v1. POST /login is public; every route
// registered after it under the prefix — also by other files, as long as
// routes() calls them after staffRoutes — runs behind requireStaff and can
// read the caller with staffOf / viewerOf. Documented in docs/staff-api.md.
func (h *handlers) staffRoutes(app *fiber.App) {
	api := app.Group("/api/staff/v1", staffContext, jsonBodyLimit(staffJSONLimit))
	api.Post("/login", h.login)
	// The steps after the password (security.go): the challenge from
	// POST /login is their credential.
	api.Post("/login/totp", h.loginTOTP)
	api.Post("/login/enrol", h.loginEnrol)
	api.Post("/login/enrol/qr.png", h.loginEnrolQR)
	api.Post("/login/enrol/confirm", h.loginEnrolConfirm)
	api.Post("/login/password", h.loginPassword)
	api.Use(h.requireStaff)
	api.Post("/logout", h.logout)
	api.Get("/me", h.me)
	api.Post("/me/password", h.changeOwnPassword)
	api.Post("/me/totp", h.startOwnTOTP)
	api.Get("/me/totp/qr.png", h.ownTOTPQR)
	api.Post("/me/totp/confirm", h.confirmOwnTOTP)

	api.Get("/users", h.listUsers)
	api.Post("/users", h.createUser)
	api.Get("/users/:id", h.getUser)
	api.Post("/users/:id/disable", h.disableUser)
	api.Post("/users/:id/enable", h.setDisabled(false))
	api.Put("/users/:id/role", h.changeRole)
	api.Post("/users/:id/password", h.resetPassword)
	api.Post("/users/:id/totp/reset", h.resetTOTP)

	if h.d.Cases != nil {
		api.Get("/cases", h.listCases)
		api.Post("/cases", h.createCase)
		api.Get("/cases/changes", h.caseChanges)
		api.Get("/cases/export.xlsx", h.exportCases)
		api.Get("/cases/:id", h.getCase)
		api.Get("/cases/:id/version", h.caseVersion)
		api.Post("/cases/:id/actions/:action", h.actOnCase)
		api.Post("/cases/:id/rating", h.rateCase)
		api.Post("/cases/:id/reveal", h.revealPhone)
		api.Get("/actions", h.listActions)
		api.Get("/specialists/:id/cases", h.heldCases)
		api.Post("/specialists/:id/handover", h.handOver)
	}
	if h.d.Reports != nil {
		api.Get("/reports", h.listReports)
		api.Get("/reports/:id", h.getReport)
		api.Post("/reports/:id/handle", h.handleReport)
		api.Post("/reports/:id/close", h.closeReport)
	}
	if h.d.Consult != nil {
		api.Get("/consultations", h.listConsultations)
		api.Post("/consultations", h.createConsultation)
		api.Get("/consultations/:id", h.getConsultation)
		api.Post("/consultations/:id/reveal", h.revealConsultationPhone)
	}
	if h.d.Followups != nil {
		api.Get("/followups", h.listFollowups)
		api.Post("/followups/:id", h.completeFollowup)
	}
	if h.d.Trail != nil {
		api.Get("/audit", h.auditQuery)
		api.Get("/audit/export.csv", h.auditExport)
	}
	if h.d.Admin != nil {
		api.Get("/calendar/years", h.calendarYears)
		api.Get("/calendar/status", h.calendarStatus)
		api.Get("/calendar/:year", h.calendarYear)
		api.Put("/calendar/:year", h.replaceCalendarYear)
	}
}
