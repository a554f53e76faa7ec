package mpapi

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/web"
)

// writeError answers err as SPEC's JSON (web.ProblemOf). Internal errors
// are logged whole and shown generically; 503 and 429 say when to retry,
// 401 names the Bearer scheme, and no error answer is cached.
func writeError(c *fiber.Ctx, log *slog.Logger, err error) error {
	p := web.ProblemOf(err)
	if p.Status >= 500 {
		log.Error("request failed", "err", p.Err, "method", c.Method(), "route", c.Route().Path,
			"request_id", c.Locals("request_id"))
	}
	switch p.Status {
	case fiber.StatusServiceUnavailable:
		c.Set(fiber.HeaderRetryAfter, web.RetryAfter)
	case fiber.StatusUnauthorized:
		c.Set(fiber.HeaderWWWAuthenticate, "Bearer")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(p.Status).JSON(p.Body)
}

// errorHandler is the app's error handler, for errors outside the handlers
// (unknown routes, body limit).
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error { return writeError(c, log, err) }
}
