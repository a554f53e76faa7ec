package web

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// testApp answers every POST /x/:id with the decoded body, or with the
// error as ProblemOf makes it.
func testApp() *fiber.App {
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		p := ProblemOf(err)
		return c.Status(p.Status).JSON(p.Body)
	}})
	app.Post("/x/:id", func(c *fiber.Ctx) error {
		id, err := PathID(c, "id")
		if err != nil {
			return err
		}
		var req struct {
			Name  string `json:"name"`
			Count int    `json:"count"`
		}
		if err := DecodeJSON(c, &req); err != nil {
			return err
		}
		return c.JSON(fiber.Map{"id": id, "name": req.Name, "count": req.Count})
	})
	return app
}

func TestDecodeJSON(t *testing.T) {
	app := testApp()
	tests := []struct {
		name, path, contentType, body string
		status                        int
		want                          string
	}{
		{"ok", "/x/7", "application/json", `{"name":"a","count":2}`, 200, `{"count":2,"id":7,"name":"a"}`},
		{"ok with charset", "/x/7", "application/json; charset=utf-8", `{"name":"a"}`, 200, `{"count":0,"id":7,"name":"a"}`},
		{"content type", "/x/7", "text/plain", `{"name":"a"}`, 415,
			`{"error":{"code":"unsupported","message":"请求内容类型须为 application/json"}}`},
		{"no content type", "/x/7", "", `{"name":"a"}`, 415,
			`{"error":{"code":"unsupported","message":"请求内容类型须为 application/json"}}`},
		{"unknown field", "/x/7", "application/json", `{"nmae":"a"}`, 422,
			`{"error":{"code":"unprocessable","message":"提交的内容包含不支持的字段","fields":{"nmae":"不支持的字段"}}}`},
		{"wrong type", "/x/7", "application/json", `{"count":"2"}`, 422,
			`{"error":{"code":"unprocessable","message":"提交的内容有误，请检查标注的字段","fields":{"count":"类型不正确"}}}`},
		{"malformed", "/x/7", "application/json", `{"name":`, 400, `{"error":{"code":"invalid","message":"请求体不是有效的JSON"}}`},
		{"empty", "/x/7", "application/json", ``, 400, `{"error":{"code":"invalid","message":"请求体不是有效的JSON"}}`},
		{"trailing data", "/x/7", "application/json", `{"name":"a"} {}`, 400,
			`{"error":{"code":"invalid","message":"请求体包含多余的内容"}}`},
		{"path id not a number", "/x/abc", "application/json", `{}`, 404, `{"error":{"code":"not_found","message":"记录不存在"}}`},
		{"path id zero", "/x/0", "application/json", `{}`, 404, `{"error":{"code":"not_found","message":"记录不存在"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", tt.path, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			res, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			raw, _ := io.ReadAll(res.Body)
			if got, want := res.StatusCode, tt.status; got != want {
				t.Errorf("status = %d, want %d (%s)", got, want, raw)
			}
			if got, want := string(raw), tt.want; got != want {
				t.Errorf("body = %s, want %s", got, want)
			}
		})
	}
}

func TestListNextIsNull(t *testing.T) {
	b, _ := json.Marshal(List[int]{Items: []int{}})
	if got, want := string(b), `{"items":[],"next":null}`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}
