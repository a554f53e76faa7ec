package staffapi

import (
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/web"
)

// errorHandler writes every error as SPEC's JSON (web.ProblemOf), or a
// short page for browser routes. Internal errors are logged whole and shown
// generically.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		p := web.ProblemOf(err)
		if p.Status >= 500 {
			log.Error("request failed", "err", p.Err, "path", c.Path(), "request_id", c.Locals("request_id"))
		}
		if p.Status == fiber.StatusServiceUnavailable {
			c.Set(fiber.HeaderRetryAfter, web.RetryAfter)
		}
		if !strings.HasPrefix(c.Path(), "/api/") && strings.Contains(c.Get(fiber.HeaderAccept), "text/html") {
			return c.Status(p.Status).Type("html").SendString("<!doctype html><meta charset=utf-8><title>出错了</title><p>" +
				htmlEscape(p.Body.Error.Message) + "</p>")
		}
		return c.Status(p.Status).JSON(p.Body)
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace(s)
}
