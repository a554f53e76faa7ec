package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
)

// statuses is the one table from error codes to HTTP statuses (SPEC §5).
var statuses = map[errs.Code]int{
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
// messages; any other Fiber error is internal.
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

// ErrorBody is SPEC §5's error format: {"error": {code, message, fields}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of an ErrorBody. Fields holds per-field
// messages of a validation error and is left out when there are none.
type ErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// Problem is an error as a JSON surface answers it.
type Problem struct {
	// Err is the error to log whole; Fiber's own errors arrive here
	// wrapped in their code.
	Err    error
	Status int
	Body   ErrorBody
}

// ProblemOf maps err to its HTTP status and SPEC's body. Fiber's own errors
// (unknown route, wrong method, body limit) get a code and a message of
// their own; a code missing from the table is answered as internal. Internal
// errors carry a generic message (errs.MessageOf), so that no driver or SQL
// text reaches the client.
func ProblemOf(err error) Problem {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		m, ok := fiberErrors[fe.Code]
		if !ok {
			m.code, m.msg = errs.Internal, ""
		}
		err = errs.Wrap(m.code, m.msg, fe)
	}
	code := errs.CodeOf(err)
	status, ok := statuses[code]
	if !ok {
		code, status = errs.Internal, fiber.StatusInternalServerError
	}
	return Problem{Err: err, Status: status, Body: ErrorBody{Error: ErrorDetail{Code: string(code),
		Message: errs.MessageOf(err), Fields: errs.FieldsOf(err)}}}
}

// RetryAfter is the Retry-After (seconds) of every 503: a store that does
// not answer is usually back within seconds (a failover, a restart).
const RetryAfter = "2"
