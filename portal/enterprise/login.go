package enterprise

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
	"sunshine/app/scanlogin"
	"sunshine/portal/site"
)

// scanCookie holds the waiting browser's ticket and its secret: only this
// browser may take the ticket once it is confirmed.
const scanCookie = "sunshine_scan"

type loginView struct {
	Ticket    string
	ExpiresAt time.Time
	Next      string // validated local path
	WaitURL   string
	Simulator bool
	SimURL    string
	Ended     string // why the ticket can no longer log in ("" while waiting)
}

func nextOf(c *fiber.Ctx) string {
	if n := site.SafeNext(c.Query("next")); n != "" && !strings.HasPrefix(n, "/login") {
		return n
	}
	return "/cases"
}

// login is GET /login: a new ticket as a mini-program code; the page then
// waits for the confirmation (htmx polls /login/wait every second).
func (h *handlers) login(c *fiber.Ctx) error {
	next := nextOf(c)
	if site.VisitorOf(c) != nil {
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	if h.d.ScanLogin == nil {
		return h.site.Fail(c, errs.E(errs.Unavailable, "扫码登录暂不可用"))
	}
	t, err := h.d.ScanLogin.Create(c.UserContext())
	if err != nil {
		return h.site.Fail(c, err)
	}
	c.Cookie(&fiber.Cookie{Name: scanCookie, Value: t.ID + "." + t.Secret, Path: "/login",
		MaxAge: int(scanlogin.TTL / time.Second), Secure: h.d.Secure, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
	return h.renderLogin(c, fiber.StatusOK, t.ID, t.ExpiresAt, next, "")
}

func (h *handlers) renderLogin(c *fiber.Ctx, status int, ticket string, exp time.Time, next, ended string) error {
	v := loginView{Ticket: ticket, ExpiresAt: exp, Next: next, WaitURL: "/login/wait?next=" + url.QueryEscape(next),
		Simulator: h.d.Simulator, SimURL: "/dev/wechat/scan?ticket=" + url.QueryEscape(ticket), Ended: ended}
	return h.site.Render(c, status, "login", h.site.NewPage(c, "扫码登录", v))
}

// scanTicket reads the waiting browser's ticket cookie.
func scanTicket(c *fiber.Ctx) (id, secret string) {
	id, secret, _ = strings.Cut(c.Cookies(scanCookie), ".")
	return id, secret
}

// loginCode is GET /login/code?t=: the mini-program code of this browser's
// own ticket (JPEG), fetched through WeChat (the simulator draws a QR code).
func (h *handlers) loginCode(c *fiber.Ctx) error {
	id, _ := scanTicket(c)
	if id == "" || id != c.Query("t") || !scanlogin.ValidID(id) {
		return h.site.NotFound(c)
	}
	if h.d.Codes == nil {
		return h.site.Fail(c, errs.E(errs.Unavailable, "小程序码暂不可用"))
	}
	img, err := h.d.Codes.MiniProgramCode(c.UserContext(), id, h.d.ScanPage)
	if err != nil {
		h.d.Log.WarnContext(c.UserContext(), "mini-program code failed", "err", err)
		return h.site.Fail(c, errs.Wrap(errs.Unavailable, "暂时无法生成小程序码，请稍后刷新", err))
	}
	c.Set(fiber.HeaderContentType, "image/jpeg")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(img)
}

var endedMessages = map[scanlogin.State]string{
	scanlogin.Expired: "二维码已过期（有效期5分钟）。请刷新二维码后重新扫码。",
	scanlogin.Used:    "该二维码已使用过，不能再次登录。请刷新二维码后重新扫码。",
	scanlogin.Unknown: "二维码无效或已失效。请刷新二维码后重新扫码。",
}

// loginWait is GET /login/wait: the waiting page's poll. Pending → the
// waiting fragment again; confirmed → a new cookie session as the member
// who confirmed (the ticket is spent) and on to next; expired, used or
// unknown → a clear message and a new code to ask for.
func (h *handlers) loginWait(c *fiber.Ctx) error {
	next := nextOf(c)
	htmx := c.Get("HX-Request") == "true"
	id, secret := scanTicket(c)
	if h.d.ScanLogin == nil {
		return h.site.Fail(c, errs.E(errs.Unavailable, "扫码登录暂不可用"))
	}
	state, memberID, err := h.d.ScanLogin.Take(c.UserContext(), id, secret)
	if err != nil {
		return h.site.Fail(c, err)
	}
	switch state {
	case scanlogin.Pending:
		if htmx {
			v := loginView{WaitURL: "/login/wait?next=" + url.QueryEscape(next)}
			return h.site.RenderFragment(c, fiber.StatusOK, "login", "wait", h.site.NewPage(c, "扫码登录", v))
		}
		return h.renderLogin(c, fiber.StatusOK, id, time.Time{}, next, "")
	case scanlogin.Confirmed:
		res, err := h.d.Members.LoginByScan(c.UserContext(), memberID, site.NewSessionData())
		if err != nil {
			return h.site.Fail(c, err)
		}
		h.site.SignIn(c, res.Token, res.ExpiresAt)
		c.Cookie(&fiber.Cookie{Name: scanCookie, Value: "", Path: "/login", MaxAge: -1, Expires: time.Unix(0, 0), Secure: h.d.Secure, HTTPOnly: true})
		if htmx {
			c.Set("HX-Redirect", next)
			return c.SendStatus(fiber.StatusOK)
		}
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	msg := endedMessages[state]
	if msg == "" {
		msg = endedMessages[scanlogin.Unknown]
	}
	if htmx {
		v := loginView{Next: next, Ended: msg}
		return h.site.RenderFragment(c, fiber.StatusOK, "login", "wait", h.site.NewPage(c, "扫码登录", v))
	}
	return h.renderLogin(c, fiber.StatusGone, "", time.Time{}, next, msg)
}

// logout is POST /logout: the session ends on the server, the cookie goes.
func (h *handlers) logout(c *fiber.Ctx) error {
	if err := h.site.SignOut(c); err != nil {
		return h.site.Fail(c, err)
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}
