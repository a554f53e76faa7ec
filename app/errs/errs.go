// Package errs defines the one error type of the application: an error code
// that is not an HTTP status, a Chinese message safe to show to users, and
// optional per-field messages. Each surface maps codes to statuses in one table.
package errs

import (
	"errors"
	"fmt"
)

// Code classifies an error independently of any transport.
type Code string

// Error codes used across the application.
const (
	Invalid         Code = "invalid"         // malformed request (400)
	Unauthenticated Code = "unauthenticated" // no or bad credentials (401)
	Forbidden       Code = "forbidden"       // authenticated but not allowed (403)
	NotFound        Code = "not_found"       // missing, or not visible to the caller (404)
	Conflict        Code = "conflict"        // version moved or status does not allow it (409)
	TooLarge        Code = "too_large"       // body or file too large (413)
	Unsupported     Code = "unsupported"     // media type not accepted (415)
	Unprocessable   Code = "unprocessable"   // payload failed validation (422)
	TooMany         Code = "too_many"        // rate limited (429)
	Unavailable     Code = "unavailable"     // a dependency is down; retry later (503)
	Internal        Code = "internal"        // a bug or an unexpected failure (500)
	WxCodeInvalid   Code = "wx_code_invalid" // WeChat login code invalid or reused (401)
	Locked          Code = "account_locked"  // too many failed logins (429)
)

// Error is the application error. Message is shown to users; Err is the
// cause, logged but never shown.
type Error struct {
	Code    Code
	Message string
	Fields  map[string]string
	Err     error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// E builds an error with a code and a message.
func E(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// Ef builds an error with a code and a formatted message.
func Ef(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap builds an error with a code and message around a cause.
func Wrap(code Code, msg string, err error) *Error { return &Error{Code: code, Message: msg, Err: err} }

// Fields builds a validation error (422) with per-field messages; nil when
// fields is empty so callers can return it directly.
func FieldErrors(fields map[string]string) error {
	if len(fields) == 0 {
		return nil
	}
	return &Error{Code: Unprocessable, Message: "提交的内容有误，请检查标注的字段", Fields: fields}
}

// effective is the *Error that classifies err: the outermost one, except
// that a dependency being down (Unavailable) anywhere below an Internal
// error wins, so that code wrapping a storage error as internal still
// answers 503, never 500, during an outage.
func effective(err error) *Error {
	var e *Error
	if !errors.As(err, &e) {
		return nil
	}
	if e.Code == Internal && e.Err != nil {
		if inner := effective(e.Err); inner != nil && inner.Code == Unavailable {
			return inner
		}
	}
	return e
}

// CodeOf returns the code of err, Internal for foreign errors and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	if e := effective(err); e != nil {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return CodeOf(err) == code }

// MessageOf returns the user-facing message of err; foreign errors get a
// generic message so that driver or SQL text never leaks.
func MessageOf(err error) string {
	if e := effective(err); e != nil && e.Code != Internal {
		return e.Message
	}
	return "服务器内部错误，请稍后再试"
}

// FieldsOf returns the per-field messages of err, if any.
func FieldsOf(err error) map[string]string {
	if e := effective(err); e != nil {
		return e.Fields
	}
	return nil
}
