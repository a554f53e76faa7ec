package mpapi

import (
	"errors"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
)

// statusOf is the one table from error codes to HTTP statuses (SPEC §5).
var statusOf = map[errs.Code]int{
	errs.Invalid:         fiber.StatusBadRequest,
	errs.Unauthenticated: fiber.StatusUnauthorized,
	errs.WxCodeInvalid:   fiber.StatusUnauthorized,
	errs.Forbidden:       fiber.StatusForbidden,
	errs.NotFound:        fiber.StatusNotFound,
	errs.Conflict:        fiber.StatusConflict,
	errs.TooLarge:        fiber.StatusRequestEntityTooLarge,
	errs.Unsupported:     fiber.StatusUnsupportedMediaType,
	errs.Unprocessable:   fiber.StatusUnprocessableEntity,
	errs.TooMany:         fiber.StatusTooManyRequests,
	errs.Locked:          fiber.StatusTooManyRequests,
	errs.Unavailable:     fiber.StatusServiceUnavailable,
	errs.Internal:        fiber.StatusInternalServerError,
}

// fiberErrors maps Fiber's own errors (routing, body limit) to codes and
// messages.
var fiberErrors = map[int]struct {
	code errs.Code
	msg  string
}{
	fiber.StatusBadRequest:            {errs.Invalid, "请求格式不正确"},
	fiber.StatusNotFound:              {errs.NotFound, "请求的地址不存在"},
	fiber.StatusMethodNotAllowed:      {errs.Invalid, "不支持该请求方法"},
	fiber.StatusRequestEntityTooLarge: {errs.TooLarge, "请求内容过大"},
	fiber.StatusUnsupportedMediaType:  {errs.Unsupported, "不支持的内容类型"},
}

// errorBody is SPEC §5's error format.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// writeError answers err as SPEC's JSON. Internal errors are logged whole
// and shown generically; 503 and 429 say when to retry.
func writeError(c *fiber.Ctx, log *slog.Logger, err error) error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		m, ok := fiberErrors[fe.Code]
		if !ok {
			m.code, m.msg = errs.Internal, ""
		}
		err = errs.Wrap(m.code, m.msg, fe)
	}
	code := errs.CodeOf(err)
	status, ok := statusOf[code]
	if !ok {
		code, status = errs.Internal, fiber.StatusInternalServerError
	}
	if status >= 500 {
		log.Error("request failed", "err", err, "method", c.Method(), "route", c.Route().Path,
			"request_id", c.Locals("request_id"))
	}
	switch status {
	case fiber.StatusServiceUnavailable:
		c.Set(fiber.HeaderRetryAfter, "2")
	case fiber.StatusUnauthorized:
		c.Set(fiber.HeaderWWWAuthenticate, "Bearer")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(errorBody{Error: errorDetail{Code: string(code), Message: errs.MessageOf(err),
		Fields: errs.FieldsOf(err)}})
}

// errorHandler is the app's error handler, for errors outside the handlers
// (unknown routes, body limit).
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error { return writeError(c, log, err) }
}
