package portal

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
)

// decodeJSON decodes a JSON body strictly: unknown fields and trailing data
// are refused with a clear 400/422, never silently ignored.
func decodeJSON(c *fiber.Ctx, v any) error {
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		return errs.E(errs.Unsupported, "请求内容类型须为 application/json")
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var ute *json.UnmarshalTypeError
		switch {
		case errors.As(err, &ute) && ute.Field != "":
			return &errs.Error{Code: errs.Unprocessable, Message: "提交的内容有误，请检查标注的字段",
				Fields: map[string]string{ute.Field: "类型不正确"}}
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return &errs.Error{Code: errs.Unprocessable, Message: "提交的内容包含不支持的字段",
				Fields: map[string]string{field: "不支持的字段"}}
		}
		return errs.Wrap(errs.Invalid, "请求体不是有效的JSON", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errs.E(errs.Invalid, "请求体包含多余的内容")
	}
	return nil
}

// pathID parses a positive id route parameter; anything else is 404.
func pathID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.E(errs.NotFound, "记录不存在")
	}
	return id, nil
}
