package staffapi

import "github.com/gofiber/fiber/v2"

// staffJSONLimit is the largest JSON body of the staff API; uploads keep
// the app's BodyLimit.
const staffJSONLimit = 1 << 20

// staffRoutes registers /api/staff/v1. POST /login is public; every route
// registered after it under the prefix — also by other files, as long as
// routes() calls them after staffRoutes — runs behind requireStaff and can
// read the caller with staffOf / viewerOf. Documented in README.md (Staff API).
func (h *handlers) staffRoutes(app *fiber.App) {
	api := app.Group("/api/staff/v1", staffContext, jsonBodyLimit(staffJSONLimit))
	api.Post("/login", h.login)
	api.Use(h.requireStaff)
	api.Post("/logout", h.logout)
	api.Get("/me", h.me)

	api.Get("/users", h.listUsers)
	api.Post("/users", h.createUser)
	api.Get("/users/:id", h.getUser)
	api.Post("/users/:id/disable", h.setDisabled(true))
	api.Post("/users/:id/enable", h.setDisabled(false))
	api.Put("/users/:id/role", h.changeRole)
	api.Post("/users/:id/password", h.resetPassword)

	if h.d.Cases != nil {
		api.Get("/cases", h.listCases)
		api.Post("/cases", h.createCase)
		api.Get("/cases/:id", h.getCase)
		api.Post("/cases/:id/actions/:action", h.actOnCase)
		api.Post("/cases/:id/rating", h.rateCase)
	}
	if h.d.Consult != nil {
		api.Get("/consultations", h.listConsultations)
		api.Post("/consultations", h.createConsultation)
		api.Get("/consultations/:id", h.getConsultation)
	}
	if h.d.Followups != nil {
		api.Get("/followups", h.listFollowups)
		api.Post("/followups/:id", h.completeFollowup)
	}
	if h.d.Admin != nil {
		api.Get("/audit", h.auditQuery)
		api.Get("/calendar/years", h.calendarYears)
		api.Get("/calendar/status", h.calendarStatus)
		api.Get("/calendar/:year", h.calendarYear)
		api.Put("/calendar/:year", h.replaceCalendarYear)
	}
}
