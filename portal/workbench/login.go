package workbench

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/accounts"
	"sunshine/app/audit"
	"sunshine/app/web"
	"sunshine/portal/site"
)

// loginView is the password login form.
type loginView struct {
	Username string
	Next     string
	Token    string // the login form's CSRF token
}

// loginPage is GET /staff/login. A signed-in visitor goes on to next.
func (h *handlers) loginPage(c *fiber.Ctx) error {
	next := site.SafeNext(c.Query("next"))
	if staff(c) != nil {
		return c.Redirect(orHome(next), fiber.StatusSeeOther)
	}
	return h.renderLogin(c, fiber.StatusOK, loginView{Next: next}, nil)
}

func (h *handlers) renderLogin(c *fiber.Ctx, status int, v loginView, err error) error {
	v.Token = h.site.LoginToken(c)
	p := h.site.NewPage(c, "工作人员登录", v)
	if err != nil {
		p.Fields, p.Error = site.Fields(err), site.Message(err)
	}
	return h.site.Render(c, status, "login", p)
}

// login is POST /staff/login: the staff API's login (accounts.Login: the
// same lockout and address limits, the same audit), then a cookie session
// whose data holds the CSRF token.
func (h *handlers) login(c *fiber.Ctx) error {
	v := loginView{Username: strings.TrimSpace(c.FormValue("username")), Next: site.SafeNext(c.FormValue("next"))}
	res, err := h.d.Accounts.Login(c.UserContext(), accounts.LoginInput{Username: v.Username,
		Password: c.FormValue("password"), IP: audit.RequestFrom(c.UserContext()).IP})
	if err != nil {
		if web.ProblemOf(err).Status >= 500 {
			return h.site.Fail(c, err)
		}
		return h.renderLogin(c, web.ProblemOf(err).Status, v, err)
	}
	return h.finishLogin(c, res, v.Next)
}

// finishLogin answers a login result: the next step's page while the login
// needs one (second factor, enrolment, new password), else the session —
// its CSRF token stored with it, the cookie set — and the page asked for
// (after showing new recovery codes once, when an enrolment made them).
func (h *handlers) finishLogin(c *fiber.Ctx, res *accounts.LoginResult, next string) error {
	if res.Token == "" {
		return h.renderStep(c, fiber.StatusOK, stepView{Step: res.Next, Challenge: res.Challenge, Next: next}, nil)
	}
	if err := h.d.Accounts.AttachSessionData(c.UserContext(), res.Token, site.NewSessionData()); err != nil {
		return h.site.Fail(c, err)
	}
	h.site.SignIn(c, res.Token, res.ExpiresAt)
	if len(res.RecoveryCodes) > 0 {
		v := stepView{Step: "codes", Codes: res.RecoveryCodes, Next: orHome(next)}
		return h.site.Render(c, fiber.StatusOK, "login_step", h.site.NewPage(c, "保存恢复码", v))
	}
	return c.Redirect(orHome(next), fiber.StatusSeeOther)
}

// logout is POST /staff/logout: the session ends on the server.
func (h *handlers) logout(c *fiber.Ctx) error {
	if err := h.site.SignOut(c); err != nil {
		return h.site.Fail(c, err)
	}
	return c.Redirect(Prefix+"/login", fiber.StatusSeeOther)
}

func orHome(next string) string {
	if next == "" || !strings.HasPrefix(next, Prefix) {
		return Prefix
	}
	return next
}
