package site

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
	"sunshine/app/web"
)

// errorView is the error page's content.
type errorView struct {
	Status  int
	Heading string
	Message string
}

var headings = map[int]string{
	fiber.StatusBadRequest:            "请求有误",
	fiber.StatusForbidden:             "无权访问",
	fiber.StatusNotFound:              "页面不存在",
	fiber.StatusConflict:              "操作未能完成",
	fiber.StatusRequestEntityTooLarge: "文件过大",
	fiber.StatusUnsupportedMediaType:  "文件类型不支持",
	fiber.StatusUnprocessableEntity:   "提交的内容有误",
	fiber.StatusTooManyRequests:       "操作过于频繁",
	fiber.StatusServiceUnavailable:    "服务暂时不可用",
	fiber.StatusInternalServerError:   "服务器出错了",
}

// Fail answers err as a page: unauthenticated goes to the login page, any
// other error draws the error page with the status of app/web's table
// (503 with Retry-After). Internal errors are logged whole and shown with a
// generic message.
func (s *Site) Fail(c *fiber.Ctx, err error) error {
	if errs.Is(err, errs.Unauthenticated) {
		s.clearCookie(c)
		return s.toLogin(c)
	}
	p := web.ProblemOf(err)
	if p.Status >= 500 {
		s.o.Log.ErrorContext(c.UserContext(), "page failed", "path", c.Path(), "status", p.Status, "err", p.Err)
	}
	if p.Status == fiber.StatusServiceUnavailable {
		c.Set(fiber.HeaderRetryAfter, "30")
	}
	msg := p.Body.Error.Message
	if p.Status == fiber.StatusNotFound {
		msg = "您要找的页面不存在，或您无权查看。"
	}
	h := headings[p.Status]
	if h == "" {
		h = "出错了"
	}
	page := s.NewPage(c, h, errorView{Status: p.Status, Heading: h, Message: msg})
	if c.Get("HX-Request") == "true" {
		// htmx swaps only 2xx answers by default: the page's error slot
		// shows the message (site.js), the rest of the page stays.
		return s.execute(c, p.Status, "", "error-fragment", page)
	}
	return s.execute(c, p.Status, "", "layout", page)
}

// ErrorHandler is the Fiber error handler of a page surface: Fiber's own
// errors (unknown route, body too large …) become pages too.
func (s *Site) ErrorHandler(c *fiber.Ctx, err error) error {
	if s.jsonPath(c.Path()) {
		p := web.ProblemOf(err)
		if p.Status == fiber.StatusServiceUnavailable {
			c.Set(fiber.HeaderRetryAfter, "30")
		}
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Status(p.Status).JSON(p.Body)
	}
	return s.Fail(c, err)
}

func (s *Site) jsonPath(path string) bool {
	for _, pre := range s.o.JSONPrefixes {
		if strings.HasPrefix(path, pre) {
			return true
		}
	}
	return false
}

// NotFound draws the 404 page (with the security headers, for a
// surface's catch-all outside Mount).
func (s *Site) NotFound(c *fiber.Ctx) error {
	setHeaders(c)
	return s.Fail(c, errs.E(errs.NotFound, "页面不存在"))
}

// Fields returns the per-field messages of a refused form (422), nil for
// any other error.
func Fields(err error) map[string]string {
	if errs.Is(err, errs.Unprocessable) {
		return errs.FieldsOf(err)
	}
	return nil
}

// IsFormError reports whether err is the visitor's to correct on the same
// page (422, 400, 409, 413, 415, 429) rather than an error page's.
func IsFormError(err error) bool {
	switch errs.CodeOf(err) {
	case errs.Unprocessable, errs.Invalid, errs.Conflict, errs.TooLarge, errs.Unsupported, errs.TooMany:
		return true
	}
	return false
}

// Message is the visitor-facing message of err (generic for internal ones).
func Message(err error) string { return web.ProblemOf(err).Body.Error.Message }
