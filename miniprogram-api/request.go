package mpapi

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"sunshine/app/audit"
	"sunshine/app/errs"
	"sunshine/app/web"
)

// api wraps a handler: it attaches the request's address and id for audit
// records (when the root app has not) and answers errors itself, so the
// surface keeps its error format wherever it is mounted.
func (h *handlers) api(fn fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		if audit.RequestFrom(ctx).IP == "" {
			id, _ := c.Locals("request_id").(string)
			c.SetUserContext(audit.WithRequest(ctx, audit.Request{IP: utils.CopyString(c.IP()), RequestID: id}))
		}
		if err := fn(c); err != nil {
			return writeError(c, h.d.Log, err)
		}
		return nil
	}
}

// authed wraps a handler that needs a logged-in member (Bearer token).
func (h *handlers) authed(fn func(c *fiber.Ctx, m *member) error) fiber.Handler {
	return h.api(func(c *fiber.Ctx) error {
		token := bearer(c)
		if token == "" {
			return errs.E(errs.Unauthenticated, "请先登录")
		}
		mem, err := h.d.Members.Authenticate(c.UserContext(), token)
		if err != nil {
			return err
		}
		return fn(c, &member{Member: mem, viewer: mem.Viewer()})
	})
}

// bearer returns the token of an "Authorization: Bearer <token>" header.
func bearer(c *fiber.Ctx) string {
	v := c.Get(fiber.HeaderAuthorization)
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		return strings.TrimSpace(v[7:])
	}
	return ""
}

// decodeJSON decodes a JSON body strictly (web.DecodeJSON) within this
// API's JSON size limit. An empty body is decoded as {} when emptyOK.
func (h *handlers) decodeJSON(c *fiber.Ctx, v any, emptyOK bool) error {
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 && emptyOK {
		return nil
	}
	if len(body) > h.d.JSONLimit {
		return errs.E(errs.TooLarge, "请求内容过大")
	}
	return web.DecodeJSON(c, v)
}

// page reads the cursor and limit of a list request.
func page(c *fiber.Ctx) (before int64, limit int, err error) {
	limit = 20
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 50 {
			return 0, 0, &errs.Error{Code: errs.Invalid, Message: "limit 应为1到50之间的整数",
				Fields: map[string]string{"limit": "应为1到50之间的整数"}}
		}
		limit = n
	}
	if v := c.Query("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return 0, 0, &errs.Error{Code: errs.Invalid, Message: "cursor 无效",
				Fields: map[string]string{"cursor": "无效的分页游标"}}
		}
		before = n
	}
	return before, limit, nil
}

// nextCursor returns the cursor after a page fetched with limit+1 items.
func nextCursor(n, limit int, lastID int64) *string {
	if n <= limit {
		return nil
	}
	s := strconv.FormatInt(lastID, 10)
	return &s
}
