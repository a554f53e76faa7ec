package staffapi

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/accounts"
	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/errs"
	"sunshine/app/web"
)

// localStaff is the Locals key of the authenticated staff member.
const localStaff = "staff_user"

// bearer returns the token of an "Authorization: Bearer <token>" header.
func bearer(c *fiber.Ctx) string {
	h := c.Get(fiber.HeaderAuthorization)
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// requireStaff authenticates every staff API request: the session must be
// alive and the account, loaded on each request, still enabled with the
// session's role. It puts the staff member in Locals (see staffOf and
// viewerOf). No or a bad token → 401.
func (h *handlers) requireStaff(c *fiber.Ctx) error {
	if h.d.Accounts == nil {
		return unavailableService(c)
	}
	token := bearer(c)
	if token == "" {
		c.Set(fiber.HeaderWWWAuthenticate, "Bearer")
		return errs.E(errs.Unauthenticated, "请先登录")
	}
	u, err := h.d.Accounts.Authenticate(c.UserContext(), token)
	if err != nil {
		if errs.Is(err, errs.Unauthenticated) {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer error="invalid_token"`)
		}
		return err
	}
	c.Locals(localStaff, u)
	return c.Next()
}

// staffOf returns the staff member authenticated by requireStaff.
func staffOf(c *fiber.Ctx) *accounts.Staff {
	u, _ := c.Locals(localStaff).(*accounts.Staff)
	if u == nil {
		return &accounts.Staff{} // no role: every app check refuses it
	}
	return u
}

// viewerOf returns the authenticated staff member as a case viewer.
func viewerOf(c *fiber.Ctx) cases.Viewer { return cases.Viewer{Actor: staffOf(c).Actor()} }

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      userJSON  `json:"user"`
	// RecoveryCodes are shown once, after an enrolment at login.
	RecoveryCodes []string `json:"recovery_codes,omitempty"`
}

// stepResponse is a login that needs another step: second_factor is
// "totp" (POST /login/totp) or "enrol" (POST /login/enrol, then
// /login/enrol/confirm); password_change is true when a new password is
// due (POST /login/password). next names the step either way.
type stepResponse struct {
	Next           string `json:"next"`
	SecondFactor   string `json:"second_factor,omitempty"`
	PasswordChange bool   `json:"password_change,omitempty"`
	Challenge      string `json:"challenge"`
}

// answerLogin answers a login call: a session, or the next step.
func answerLogin(c *fiber.Ctx, res *accounts.LoginResult) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if res.Next != "" {
		out := stepResponse{Next: res.Next, Challenge: res.Challenge}
		if res.Next == accounts.StepPassword {
			out.PasswordChange = true
		} else {
			out.SecondFactor = res.Next
		}
		return c.JSON(out)
	}
	return c.JSON(loginResponse{Token: res.Token, ExpiresAt: res.ExpiresAt.UTC(), User: toUserJSON(res.User),
		RecoveryCodes: res.RecoveryCodes})
}

func clientIP(c *fiber.Ctx) string { return audit.RequestFrom(c.UserContext()).IP }

// login is POST /login {username, password} → {token, expires_at, user},
// or {next, second_factor | password_change, challenge} when the login
// needs another step (no session yet).
func (h *handlers) login(c *fiber.Ctx) error {
	if h.d.Accounts == nil {
		return unavailableService(c)
	}
	var req loginRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	// The address is the one the root app attached (it knows the proxies);
	// staffContext fills it in when the portal runs on its own.
	res, err := h.d.Accounts.Login(c.UserContext(), accounts.LoginInput{
		Username: req.Username, Password: req.Password, IP: audit.RequestFrom(c.UserContext()).IP})
	if err != nil {
		return err
	}
	return answerLogin(c, res)
}

// logout is POST /logout: the session of the token ends → 204.
func (h *handlers) logout(c *fiber.Ctx) error {
	if err := h.d.Accounts.Logout(c.UserContext(), staffOf(c), bearer(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// me is GET /me: the logged-in staff member.
func (h *handlers) me(c *fiber.Ctx) error { return c.JSON(toUserJSON(staffOf(c))) }
