package web

import (
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
)

// BodyRule gives the requests it matches their own body limit in bytes.
type BodyRule struct {
	Name  string // what the rule is for, in the docs and the refusal log
	Match func(method, path, contentType string) bool
	Limit int
}

// PathPrefix matches every request to the paths under prefix.
func PathPrefix(prefix string) func(method, path, contentType string) bool {
	return func(_, path, _ string) bool { return strings.HasPrefix(path, prefix) }
}

// uploadSuffixes end the paths of the routes that take files: materials of
// a case (staff API, mini-program, portal), a claim's documents, the
// portal's application form and supplement with their files.
var uploadSuffixes = []string{"/attachments", "/claim/documents", "/cases/new", "/supplement"}

// UploadRoute matches the uploads: a multipart/form-data POST to one of the
// routes that take files. Anything else keeps the JSON limit.
func UploadRoute(method, path, contentType string) bool {
	if method != fiber.MethodPost || !strings.HasPrefix(contentType, fiber.MIMEMultipartForm) {
		return false
	}
	path = strings.TrimSuffix(path, "/")
	for _, s := range uploadSuffixes {
		if strings.HasSuffix(path, s) {
			return true
		}
	}
	return false
}

// LimitBody refuses a request body larger than the limit of the first rule
// that matches the request (def when none does) before the body is read:
// the app must stream request bodies (fiber.Config StreamRequestBody, and
// DisablePreParseMultipartForm, else fasthttp reads a multipart body whole
// first). A declared Content-Length over the limit is refused without
// reading a byte more; a chunked body is read up to the limit and refused
// as soon as it passes it. Either way the connection is closed after the
// 413, so the unread rest is never taken for the next request. A body
// within its limit is read here whole, so the handlers see it as usual.
func LimitBody(def int, rules ...BodyRule) fiber.Handler {
	return func(c *fiber.Ctx) error {
		limit := def
		method, path, ct := c.Method(), c.Path(), strings.ToLower(c.Get(fiber.HeaderContentType))
		for _, r := range rules {
			if r.Match(method, path, ct) {
				limit = r.Limit
				break
			}
		}
		tooLarge := func() error {
			c.Context().SetConnectionClose()
			return errs.E(errs.TooLarge, "请求内容过大")
		}
		if n := c.Request().Header.ContentLength(); n > limit {
			return tooLarge()
		}
		stream := c.Context().RequestBodyStream()
		if stream == nil { // not streaming (tests that build an app without it): the body is read
			if len(c.Body()) > limit {
				return tooLarge()
			}
			return c.Next()
		}
		body, err := io.ReadAll(io.LimitReader(stream, int64(limit)+1))
		if err != nil {
			c.Context().SetConnectionClose()
			return errs.Wrap(errs.Invalid, "请求内容不完整", err)
		}
		if len(body) > limit {
			return tooLarge()
		}
		c.Request().SetBody(body)
		return c.Next()
	}
}
