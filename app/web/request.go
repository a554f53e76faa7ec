package web

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

// DecodeJSON decodes the request body into v strictly: unknown fields and
// trailing data are refused, never silently ignored. A content type other
// than application/json is unsupported (415); an unknown field or a value of
// the wrong type is unprocessable (422) and names the field; malformed JSON
// and data after the value are invalid (400). Body size limits and empty
// bodies are the caller's to handle.
func DecodeJSON(c *fiber.Ctx, v any) error {
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
			// encoding/json has no error type for unknown fields.
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

// PathID parses the positive id route parameter name. Anything else is
// not_found, as a record that does not exist would be.
func PathID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.E(errs.NotFound, "记录不存在")
	}
	return id, nil
}

// List is SPEC's list shape: {"items": [...], "next": cursor-or-null}. How
// a cursor is written is up to each surface.
type List[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}
