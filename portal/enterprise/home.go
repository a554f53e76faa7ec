package enterprise

import "github.com/gofiber/fiber/v2"

// home is GET /: what 阳光代办 is (from the guideline) and the way in.
func (h *handlers) home(c *fiber.Ctx) error {
	return h.site.Render(c, fiber.StatusOK, "home", h.site.NewPage(c, "首页", nil))
}
