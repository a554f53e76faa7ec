package site

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"sunshine/app/errs"
	"sunshine/app/session"
)

// Visitor is the signed-in principal of a request and its session.
type Visitor struct {
	Principal any // what Options.Authenticate returned (*members.Member …)
	Session   *session.Session
	token     string
}

// CSRF is the session's synchronizer token.
func (v *Visitor) CSRF() string {
	if v == nil || v.Session == nil {
		return ""
	}
	s, _ := v.Session.Data[csrfKey].(string)
	return s
}

const (
	visitorLocal = "site.visitor"
	csrfKey      = "csrf"
	// CSRFField is the hidden form field that carries the token.
	CSRFField = "_csrf"
	// CSRFHeader carries the token of htmx requests.
	CSRFHeader = "X-CSRF-Token"
)

// VisitorOf returns the signed-in visitor of the request, nil when signed out.
func VisitorOf(c *fiber.Ctx) *Visitor {
	v, _ := c.Locals(visitorLocal).(*Visitor)
	return v
}

// NewSessionData is the data a browser session starts with: its CSRF token.
// Pass it to the session store when signing in.
func NewSessionData() map[string]any {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return map[string]any{csrfKey: base64.RawURLEncoding.EncodeToString(b)}
}

// session resolves the cookie; when required and nobody is signed in it
// sends the visitor to the login page (htmx: HX-Redirect) and comes back.
func (s *Site) session(required bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if token := c.Cookies(s.CookieName()); token != "" {
			p, sess, err := s.o.Authenticate(c.UserContext(), token)
			switch {
			case err == nil:
				c.Locals(visitorLocal, &Visitor{Principal: p, Session: sess, token: utils.CopyString(token)})
			case errs.Is(err, errs.Unauthenticated):
				s.clearCookie(c)
			default:
				return s.Fail(c, err)
			}
		}
		if required && VisitorOf(c) == nil {
			return s.toLogin(c)
		}
		return c.Next()
	}
}

// toLogin redirects to the login page, coming back to this page.
func (s *Site) toLogin(c *fiber.Ctx) error {
	next := c.OriginalURL()
	if c.Method() != fiber.MethodGet {
		next = c.Get("HX-Current-URL")
		if u, err := url.Parse(next); err == nil {
			next = u.RequestURI()
		}
	}
	target := s.LoginURL(next)
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Redirect", target)
		return c.SendStatus(fiber.StatusUnauthorized)
	}
	return c.Redirect(target, fiber.StatusSeeOther)
}

// SignIn sets the session cookie of a new session.
func (s *Site) SignIn(c *fiber.Ctx, token string, expires time.Time) {
	c.Cookie(&fiber.Cookie{Name: s.CookieName(), Value: token, Path: "/", Expires: expires,
		Secure: s.o.Secure, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
}

func (s *Site) clearCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: s.CookieName(), Value: "", Path: "/", MaxAge: -1,
		Expires: time.Unix(0, 0), Secure: s.o.Secure, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
}

// SignOut ends the visitor's session on the server and clears the cookie.
func (s *Site) SignOut(c *fiber.Ctx) error {
	if v := VisitorOf(c); v != nil && s.o.Logout != nil {
		if err := s.o.Logout(c.UserContext(), v.token); err != nil {
			return err
		}
	}
	s.clearCookie(c)
	return nil
}

// csrf refuses a state-changing request whose Origin is another site or
// whose token does not match the session's.
func (s *Site) csrf(c *fiber.Ctx) error {
	if !s.sameOrigin(c) {
		return s.Fail(c, errs.E(errs.Forbidden, "请求来源不可信，操作未执行。请回到页面重新提交。"))
	}
	want := VisitorOf(c).CSRF()
	got := c.Get(CSRFHeader)
	if got == "" {
		got = c.FormValue(CSRFField)
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return s.Fail(c, errs.E(errs.Forbidden, "页面已过期或请求不完整（安全校验未通过），操作未执行。请刷新页面后重试。"))
	}
	return c.Next()
}

// sameOrigin checks the Origin header (or the Referer when a browser sends
// no Origin) against the request's own scheme and host.
func (s *Site) sameOrigin(c *fiber.Ctx) bool {
	self := c.Protocol() + "://" + c.Hostname()
	if o := c.Get(fiber.HeaderOrigin); o != "" {
		return o == self
	}
	if r := c.Get(fiber.HeaderReferer); r != "" {
		return r == self || strings.HasPrefix(r, self+"/")
	}
	return true // neither header: the token alone decides
}

// flashCookie carries a one-line confirmation across a redirect.
const flashCookie = "sunshine_flash"

// SetFlash shows msg on the next page this browser draws (after a redirect).
func (s *Site) SetFlash(c *fiber.Ctx, msg string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", MaxAge: 60,
		Secure: s.o.Secure, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
}

// takeFlash returns and clears the pending confirmation.
func (s *Site) takeFlash(c *fiber.Ctx) string {
	raw := c.Cookies(flashCookie)
	if raw == "" {
		return ""
	}
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0), Secure: s.o.Secure, HTTPOnly: true})
	msg, err := url.QueryUnescape(raw)
	if err != nil || len(msg) > 2000 {
		return ""
	}
	return msg
}

// loginCookie is the double-submit CSRF token of a login form.
func (s *Site) loginCookie() string { return s.CookieName() + "_login" }

// LoginToken returns the CSRF token of a login form (Access Login) and
// sets it as a short-lived cookie the post must match: before a login
// there is no session to keep a synchronizer token in.
func (s *Site) LoginToken(c *fiber.Ctx) string {
	if t := c.Cookies(s.loginCookie()); len(t) == 43 {
		return t
	}
	t := NewSessionData()[csrfKey].(string)
	c.Cookie(&fiber.Cookie{Name: s.loginCookie(), Value: t, Path: "/", MaxAge: 3600,
		Secure: s.o.Secure, HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode})
	return t
}

// loginCSRF checks a login form: same origin, and the posted token equals
// the login cookie.
func (s *Site) loginCSRF(c *fiber.Ctx) error {
	if !s.sameOrigin(c) {
		return s.Fail(c, errs.E(errs.Forbidden, "请求来源不可信，操作未执行。请回到页面重新提交。"))
	}
	want, got := c.Cookies(s.loginCookie()), c.FormValue(CSRFField)
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return s.Fail(c, errs.E(errs.Forbidden, "页面已过期（安全校验未通过），请刷新登录页后重试。"))
	}
	return c.Next()
}
