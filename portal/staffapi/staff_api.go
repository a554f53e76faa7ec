package staffapi

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"sunshine/app/audit"
	"sunshine/app/errs"
	"sunshine/app/web"
)

// discardAudit stands in when Deps.Audit is not set (surface tests that do
// not look at the audit trail); production wiring always sets it.
type discardAudit struct{}

func (discardAudit) Append(context.Context, *audit.Record) error               { return nil }
func (discardAudit) Find(context.Context, audit.Query) ([]audit.Record, error) { return nil, nil }

// staffContext attaches the client address and request id for audit
// records when the root app has not (a surface served on its own).
func staffContext(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if audit.RequestFrom(ctx).IP == "" {
		id, _ := c.Locals("request_id").(string)
		c.SetUserContext(audit.WithRequest(ctx, audit.Request{IP: utils.CopyString(c.IP()), RequestID: id}))
	}
	return c.Next()
}

// jsonBodyLimit refuses JSON bodies above max bytes (uploads keep the
// larger limit of the app).
func jsonBodyLimit(max int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if len(c.Body()) > max && !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
			return errs.E(errs.TooLarge, "请求内容过大")
		}
		return c.Next()
	}
}

// page trims a result fetched with limit+1 rows to limit and names the
// cursor of the next page (nil on the last page).
func page[T, J any](rows []T, limit int, id func(T) int64, conv func(T) J) web.List[J] {
	out := web.List[J]{Items: make([]J, 0, min(len(rows), limit))}
	if len(rows) > limit {
		rows = rows[:limit]
		next := encodeCursor(id(rows[len(rows)-1]))
		out.Next = &next
	}
	for _, r := range rows {
		out.Items = append(out.Items, conv(r))
	}
	return out
}

// encodeCursor makes an opaque cursor from the last id of a page.
func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1:" + strconv.FormatInt(id, 10)))
}

// queryCursor reads ?cursor= (0 when absent). Errors: invalid.
func queryCursor(c *fiber.Ctx) (int64, error) {
	s := c.Query("cursor")
	if s == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil && strings.HasPrefix(string(b), "v1:") {
		if id, err := strconv.ParseInt(string(b[3:]), 10, 64); err == nil && id > 0 {
			return id, nil
		}
	}
	return 0, errs.E(errs.Invalid, "分页游标无效")
}

// queryPage reads ?cursor= and ?limit= together. Errors: invalid.
func queryPage(c *fiber.Ctx) (before int64, limit int, err error) {
	if before, err = queryCursor(c); err != nil {
		return 0, 0, err
	}
	limit, err = queryLimit(c)
	return before, limit, err
}

// queryLimit reads ?limit= (1–100, default 20). Errors: invalid.
func queryLimit(c *fiber.Ctx) (int, error) {
	s := c.Query("limit")
	if s == "" {
		return 20, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 100 {
		return 0, errs.E(errs.Invalid, "limit 应为1到100之间的整数")
	}
	return n, nil
}

// queryBool reads a flag: true/1/yes or false/0/no (absent: false).
// Errors: invalid.
func queryBool(c *fiber.Ctx, name string) (bool, error) {
	switch strings.ToLower(c.Query(name)) {
	case "", "false", "0", "no":
		return false, nil
	case "true", "1", "yes":
		return true, nil
	}
	return false, errs.Ef(errs.Invalid, "参数 %s 只能是 true 或 false", name)
}

// queryID reads a positive id parameter (0 when absent). Errors: invalid.
func queryID(c *fiber.Ctx, name string) (int64, error) {
	s := c.Query(name)
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Ef(errs.Invalid, "参数 %s 应为正整数", name)
	}
	return id, nil
}

// maskPhone keeps the first three and last four digits of a mobile number
// (138****8000); other numbers keep their last four characters.
func maskPhone(p string) string {
	r := []rune(p)
	switch {
	case len(r) == 0:
		return ""
	case len(r) == 11:
		return string(r[:3]) + "****" + string(r[7:])
	case len(r) > 4:
		return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
	}
	return strings.Repeat("*", len(r))
}

// unavailableService answers for a group whose service is not configured.
func unavailableService(*fiber.Ctx) error {
	return errs.E(errs.Unavailable, "该功能未配置，请联系系统管理员")
}
