package mpapi

import (
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
)

// devScanTemplate plays the phone's side of scan-to-login: pick a simulated
// WeChat user, who logs in to the mini-program with sim-<name> and confirms
// the ticket shown on the portal's login page.
var devScanTemplate = template.Must(template.New("scan").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>微信模拟器 · 扫码登录</title></head>
<body><main>
<h1>微信模拟器 · 扫码登录</h1>
{{if .Done}}<p role="status"><strong>已确认登录。</strong>请回到电脑端页面，将自动登录为模拟用户 {{.Name}}。</p>
{{else}}
{{if .Error}}<p role="alert"><strong>{{.Error}}</strong></p>{{end}}
<p>扫到的二维码：<code>{{.Ticket}}</code></p>
<form method="post" action="/dev/wechat/scan">
<input type="hidden" name="ticket" value="{{.Ticket}}">
<p><label for="name">模拟微信用户名（字母、数字、-、_）</label><br>
<input id="name" name="name" value="{{.Name}}" required pattern="[A-Za-z0-9_\-]{1,64}"></p>
<p class="hint">以 sim-名字 登录小程序（模拟器的每个登录码只能用一次：同一次运行中请为每次扫码换一个名字）。</p>
<button type="submit">确认登录</button>
</form>{{end}}
</main></body></html>`))

type devScanData struct {
	Ticket, Name, Error string
	Done                bool
}

func randomSimName() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return "user-" + hex.EncodeToString(b)
}

// devScanPage is GET /dev/wechat/scan?ticket=: the phone's confirm screen.
func (h *handlers) devScanPage(c *fiber.Ctx) error {
	return h.renderDevScan(c, fiber.StatusOK, devScanData{Ticket: c.Query("ticket"), Name: randomSimName()})
}

func (h *handlers) renderDevScan(c *fiber.Ctx, status int, d devScanData) error {
	var b strings.Builder
	if err := devScanTemplate.Execute(&b, d); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).SendString(b.String())
}

// devScan is POST /dev/wechat/scan {ticket, name}: logs in as sim-<name>
// and confirms the ticket as that member, as the mini-program would.
func (h *handlers) devScan(c *fiber.Ctx) error {
	d := devScanData{Ticket: strings.TrimSpace(c.FormValue("ticket")), Name: strings.TrimSpace(c.FormValue("name"))}
	if h.d.ScanLogin == nil {
		return errs.E(errs.Unavailable, "扫码登录暂不可用")
	}
	ctx := c.UserContext()
	res, err := h.d.Members.Login(ctx, "sim-"+d.Name)
	if err != nil {
		d.Error = errs.MessageOf(err)
		if errs.Is(err, errs.WxCodeInvalid) {
			d.Error = "该模拟用户名无效，或本次运行中已登录过（模拟器的登录码只能用一次），请换一个名字"
		}
		return h.renderDevScan(c, fiber.StatusUnprocessableEntity, d)
	}
	defer func() { _ = h.d.Members.Logout(ctx, res.Token) }()
	if err := h.d.ScanLogin.Confirm(ctx, d.Ticket, res.Profile.Member.ID); err != nil {
		d.Error = errs.MessageOf(err)
		return h.renderDevScan(c, fiber.StatusConflict, d)
	}
	d.Done = true
	return h.renderDevScan(c, fiber.StatusOK, d)
}
