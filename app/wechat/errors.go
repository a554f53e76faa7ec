package wechat

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"

	"github.com/silenceper/wechat/v2/util"
)

// WeChat errcodes this package gives a meaning to.
const (
	CodeSystemBusy        = -1
	CodeInvalidCredential = 40001 // access token invalid or not the latest (also a wrong Work secret)
	CodeInvalidOpenID     = 40003
	CodeInvalidToken      = 40014
	CodeInvalidCode       = 40029
	CodeInvalidTemplate   = 40037
	CodeInvalidAppID      = 40013
	CodeInvalidAgentID    = 40056
	CodeInvalidAppSecret  = 40125
	CodeCodeUsed          = 40163
	CodeForbidden         = 40226 // high-risk user, login blocked
	CodeMissingToken      = 41001
	CodeMissingCode       = 41008
	CodeTokenExpired      = 42001
	CodeNotFollowing      = 43004
	CodeNoCredit          = 43101
	CodeEmptyContent      = 44004
	CodeRateLimited       = 45011
	CodeDataFormat        = 47001
	CodeInvalidScene      = 40169 // wxacode: invalid scene
	CodeArgumentInvalid   = 47003
	CodeUnauthorized      = 48001
	CodeInvalidUser       = 81013 // Work WeChat: recipient user/party/tag invalid
)

// ErrNotConfigured is wrapped by the *Error of a call to a channel without credentials.
var ErrNotConfigured = errors.New("wechat: channel not configured")

// Error is every failure a Client method returns. Code is WeChat's errcode
// (0 when the failure was not an answer from WeChat: a transport error, a
// timeout or an HTTP status). Its text never carries a URL, token or secret.
type Error struct {
	Op         string // the call, e.g. "code2session"
	Code       int    // WeChat errcode
	Msg        string // WeChat errmsg or a scrubbed description
	HTTPStatus int    // non-200 HTTP status answered by WeChat
	Timeout    bool   // the call timed out
	Network    bool   // the call failed below HTTP (connection, DNS, timeout)
	cause      error
}

// Error implements error.
func (e *Error) Error() string {
	switch {
	case e.Code != 0:
		return fmt.Sprintf("wechat %s: errcode=%d errmsg=%s", e.Op, e.Code, e.Msg)
	case e.HTTPStatus != 0:
		return fmt.Sprintf("wechat %s: http status %d", e.Op, e.HTTPStatus)
	default:
		return fmt.Sprintf("wechat %s: %s", e.Op, e.Msg)
	}
}

// Unwrap returns the scrubbed cause (a context error, ErrNotConfigured, …).
func (e *Error) Unwrap() error { return e.cause }

// Temporary reports whether retrying the same call later may succeed.
func (e *Error) Temporary() bool {
	if errors.Is(e.cause, context.Canceled) {
		return false
	}
	return e.Code == CodeSystemBusy || e.Code == CodeRateLimited ||
		e.HTTPStatus >= 500 || e.Timeout || e.Network
}

// CodeOf returns the WeChat errcode carried by err, or 0.
func CodeOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// IsNoCredit reports errcode 43101: the user granted no subscribe credit for this template.
func IsNoCredit(err error) bool { return CodeOf(err) == CodeNoCredit }

// IsNotFollowing reports errcode 43004: the user does not follow the official account.
func IsNotFollowing(err error) bool { return CodeOf(err) == CodeNotFollowing }

// IsCodeInvalid reports a login or phone code that is invalid, already used or missing.
func IsCodeInvalid(err error) bool {
	c := CodeOf(err)
	return c == CodeInvalidCode || c == CodeCodeUsed || c == CodeMissingCode
}

// IsRateLimited reports errcode 45011 (API minute quota reached).
func IsRateLimited(err error) bool { return CodeOf(err) == CodeRateLimited }

// IsSystemBusy reports errcode -1 (WeChat system busy).
func IsSystemBusy(err error) bool { return CodeOf(err) == CodeSystemBusy }

// IsForbidden reports errcode 40226 (high-risk user blocked by WeChat).
func IsForbidden(err error) bool { return CodeOf(err) == CodeForbidden }

// IsInvalidUser reports a Work WeChat recipient that does not exist (errcode 81013 or invaliduser).
func IsInvalidUser(err error) bool { return CodeOf(err) == CodeInvalidUser }

// IsTemporary reports whether err is worth retrying later: -1, 45011, HTTP 5xx,
// timeouts and network failures.
func IsTemporary(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Temporary()
	}
	return false
}

func isTokenRejected(err error) bool {
	c := CodeOf(err)
	return c == CodeInvalidCredential || c == CodeTokenExpired || c == CodeInvalidToken
}

var (
	reErrCode = regexp.MustCompile(`errcode=(-?\d+)\s*,\s*(?:errmsg|errormsg)=(.*)$`)
	reStatus  = regexp.MustCompile(`statusCode=(\d+)`)
	reSecrets = regexp.MustCompile(`(?i)\b(access_token|secret|corpsecret|js_code)=[^&\s"]*`)
)

// wrapErr turns whatever the SDK returned into an *Error with no secret in it.
// The SDK reports errcodes in three ways (typed *util.CommonError, plain
// fmt.Errorf text, result structs); HTTP failures embed the full URL, which
// carries the access token or the app secret, so that text is never kept.
func wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var ce *util.CommonError
	if errors.As(err, &ce) {
		return &Error{Op: op, Code: int(ce.ErrCode), Msg: ce.ErrMsg}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		out := &Error{Op: op, Network: true, Timeout: ue.Timeout() || errors.Is(ue.Err, context.DeadlineExceeded), cause: ue.Err}
		where := ""
		if u, perr := url.Parse(ue.URL); perr == nil {
			where = u.Host + u.Path
		}
		out.Msg = fmt.Sprintf("%s %s: %s", ue.Op, where, scrub(ue.Err.Error()))
		return out
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &Error{Op: op, Msg: err.Error(), Timeout: errors.Is(err, context.DeadlineExceeded), cause: err}
	}
	text := err.Error()
	if m := reErrCode.FindStringSubmatch(text); m != nil {
		code, _ := strconv.Atoi(m[1])
		return &Error{Op: op, Code: code, Msg: scrub(m[2])}
	}
	if m := reStatus.FindStringSubmatch(text); m != nil {
		status, _ := strconv.Atoi(m[1])
		return &Error{Op: op, HTTPStatus: status, Msg: "http status " + m[1]}
	}
	return &Error{Op: op, Msg: scrub(text)}
}

func scrub(s string) string { return reSecrets.ReplaceAllString(s, "$1=***") }
