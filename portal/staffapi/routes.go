package staffapi

import "github.com/gofiber/fiber/v2"

// routes registers every route of the staff API. Each group lives in its own
// file.
func (h *handlers) routes(app *fiber.App) {
	h.staffRoutes(app)
	h.attachmentRoutes(app)
	h.matterRoutes(app)
	h.printRoutes(app)
	h.hotlineRoutes(app)
	h.memberRoutes(app)
	h.notificationRoutes(app)
	h.statsRoutes(app)
	h.departmentRoutes(app)
	h.specialistRoutes(app)
	h.bulletinRoutes(app)
	h.templateRoutes(app)
}
