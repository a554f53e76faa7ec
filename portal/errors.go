package portal

import (
	"errors"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
)

// statusOf is the one table from error codes to HTTP statuses.
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

// fiberCodes maps Fiber's own errors (routing, body limit) to error codes.
var fiberCodes = map[int]errs.Code{
	fiber.StatusBadRequest:            errs.Invalid,
	fiber.StatusNotFound:              errs.NotFound,
	fiber.StatusMethodNotAllowed:      errs.Invalid,
	fiber.StatusRequestEntityTooLarge: errs.TooLarge,
	fiber.StatusUnsupportedMediaType:  errs.Unsupported,
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

// errorHandler writes every error as SPEC's JSON (or a short page for
// browser routes). Internal errors are logged whole and shown generically.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		var fe *fiber.Error
		if errors.As(err, &fe) {
			code, ok := fiberCodes[fe.Code]
			if !ok {
				code = errs.Internal
			}
			msg := map[int]string{404: "请求的地址不存在", 405: "不支持该请求方法", 413: "请求内容过大", 400: "请求格式不正确", 415: "不支持的内容类型"}[fe.Code]
			if msg == "" {
				msg = errs.MessageOf(errs.E(errs.Internal, ""))
			}
			err = errs.E(code, msg)
		}
		code := errs.CodeOf(err)
		status, ok := statusOf[code]
		if !ok {
			status = fiber.StatusInternalServerError
		}
		if status >= 500 {
			log.Error("request failed", "err", err, "path", c.Path(), "request_id", c.Locals("request_id"))
		}
		body := errorBody{Error: errorDetail{Code: string(code), Message: errs.MessageOf(err), Fields: errs.FieldsOf(err)}}
		if code == errs.Internal {
			body.Error.Code = "internal"
		}
		if !strings.HasPrefix(c.Path(), "/api/") && strings.Contains(c.Get(fiber.HeaderAccept), "text/html") {
			return c.Status(status).Type("html").SendString("<!doctype html><meta charset=utf-8><title>出错了</title><p>" +
				htmlEscape(body.Error.Message) + "</p>")
		}
		return c.Status(status).JSON(body)
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace(s)
}
