package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
)

func TestProblemOf(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		body   string
	}{
		{"invalid", errs.E(errs.Invalid, "格式不对"), 400, `{"error":{"code":"invalid","message":"格式不对"}}`},
		{"unauthenticated", errs.E(errs.Unauthenticated, "请先登录"), 401, `{"error":{"code":"unauthenticated","message":"请先登录"}}`},
		{"wx_code_invalid", errs.E(errs.WxCodeInvalid, "x"), 401, `{"error":{"code":"wx_code_invalid","message":"x"}}`},
		{"forbidden", errs.E(errs.Forbidden, "x"), 403, `{"error":{"code":"forbidden","message":"x"}}`},
		{"not_found", errs.E(errs.NotFound, "x"), 404, `{"error":{"code":"not_found","message":"x"}}`},
		{"conflict wrapped", fmt.Errorf("act: %w", errs.E(errs.Conflict, "x")), 409, `{"error":{"code":"conflict","message":"x"}}`},
		{"too_large", errs.E(errs.TooLarge, "x"), 413, `{"error":{"code":"too_large","message":"x"}}`},
		{"unsupported", errs.E(errs.Unsupported, "x"), 415, `{"error":{"code":"unsupported","message":"x"}}`},
		{"unprocessable", errs.FieldErrors(map[string]string{"name": "必填"}), 422,
			`{"error":{"code":"unprocessable","message":"提交的内容有误，请检查标注的字段","fields":{"name":"必填"}}}`},
		{"too_many", errs.E(errs.TooMany, "x"), 429, `{"error":{"code":"too_many","message":"x"}}`},
		{"account_locked", errs.E(errs.Locked, "x"), 429, `{"error":{"code":"account_locked","message":"x"}}`},
		{"unavailable", errs.Wrap(errs.Unavailable, "x", errors.New("redis down")), 503, `{"error":{"code":"unavailable","message":"x"}}`},
		{"internal hides message", errs.E(errs.Internal, "SELECT secret"), 500, `{"error":{"code":"internal","message":"服务器内部错误，请稍后再试"}}`},
		{"foreign error", errors.New("dial tcp: refused"), 500, `{"error":{"code":"internal","message":"服务器内部错误，请稍后再试"}}`},
		{"unknown code", errs.E(errs.Code("odd"), "x"), 500, `{"error":{"code":"internal","message":"x"}}`},
		{"fiber 404", fiber.ErrNotFound, 404, `{"error":{"code":"not_found","message":"请求的地址不存在"}}`},
		{"fiber 405", fiber.ErrMethodNotAllowed, 400, `{"error":{"code":"invalid","message":"不支持该请求方法"}}`},
		{"fiber 400", fiber.ErrBadRequest, 400, `{"error":{"code":"invalid","message":"请求格式不正确"}}`},
		{"fiber 413", fiber.ErrRequestEntityTooLarge, 413, `{"error":{"code":"too_large","message":"请求内容过大"}}`},
		{"fiber 415", fiber.ErrUnsupportedMediaType, 415, `{"error":{"code":"unsupported","message":"不支持的内容类型"}}`},
		{"fiber other", fiber.ErrRequestTimeout, 500, `{"error":{"code":"internal","message":"服务器内部错误，请稍后再试"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ProblemOf(tt.err)
			body, err := json.Marshal(p.Body)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := p.Status, tt.status; got != want {
				t.Errorf("status = %d, want %d", got, want)
			}
			if got, want := string(body), tt.body; got != want {
				t.Errorf("body = %s, want %s", got, want)
			}
			if p.Err == nil {
				t.Error("no error to log")
			}
		})
	}
}

// TestProblemOfKeepsFiberCause: the logged error of a Fiber error still
// carries it.
func TestProblemOfKeepsFiberCause(t *testing.T) {
	p := ProblemOf(fiber.ErrRequestTimeout)
	if !errors.Is(p.Err, fiber.ErrRequestTimeout) {
		t.Fatalf("Err = %v, want it to wrap the Fiber error", p.Err)
	}
}
