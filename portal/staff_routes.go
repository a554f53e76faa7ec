package portal

import "github.com/gofiber/fiber/v2"

// staffRoutes registers /api/staff/v1.
func (h *handlers) staffRoutes(app *fiber.App) {
	_ = app.Group("/api/staff/v1")
}
