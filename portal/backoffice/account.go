package backoffice

import (
	"encoding/base64"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
	"sunshine/app/web"
	"sunshine/portal/site"
)

// accountView is a staff member's own account: the password change and the
// second factor (TOTP) enrolment by QR code, with the recovery codes shown
// once after it.
type accountView struct {
	Username, Name, RoleLabel, Department string
	TOTP                                  bool   // enrolled
	Enrolling                             bool   // the QR code is shown
	Secret                                string // to type in by hand
	QR                                    template.URL
	Codes                                 []string // recovery codes, shown once
}

// account is GET /staff/account (every staff role).
func (h *handlers) account(c *fiber.Ctx) error { return h.renderAccount(c, accountView{}, nil) }

func (h *handlers) renderAccount(c *fiber.Ctx, v accountView, formErr error) error {
	u := staff(c)
	v.Username, v.Name, v.RoleLabel, v.Department, v.TOTP = u.Username, u.Name, u.Role.Label(), u.Department, u.TOTPEnabled()
	if v.Enrolling && !v.TOTP {
		e, err := h.d.Accounts.StartEnrolment(c.UserContext(), u)
		if err != nil {
			return h.site.Fail(c, err)
		}
		v.Secret = e.Secret
		v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(e.PNG))
	}
	st := status(formErr)
	if st == fiber.StatusUnauthorized {
		st = fiber.StatusUnprocessableEntity // a wrong code or password on a page that stays signed in
	}
	return h.site.Render(c, st, "account", h.page(c, "我的账户", v, formErr))
}

// fieldError: a refusal with per-field messages (a wrong current password
// or code is "unauthenticated" with a field) stays on the page; any other
// goes to the error page.
func fieldError(err error) bool {
	return site.IsFormError(err) || len(errs.FieldsOf(err)) > 0
}

// formFields gives fieldError's errors their fields on the page.
func formFields(err error) error {
	if f := errs.FieldsOf(err); len(f) > 0 && !errs.Is(err, errs.Unprocessable) {
		return &errs.Error{Code: errs.Unprocessable, Message: web.ProblemOf(err).Body.Error.Message, Fields: f}
	}
	return err
}

// changePassword is POST /staff/account/password {current_password,
// new_password, confirm}: every session of the account ends, this one too,
// so the login page follows.
func (h *handlers) changePassword(c *fiber.Ctx) error {
	cur, pw := c.FormValue("current_password"), c.FormValue("new_password")
	if pw != c.FormValue("confirm_password") {
		return h.renderAccount(c, accountView{}, errs.FieldErrors(map[string]string{"confirm_password": "两次输入的新密码不一致"}))
	}
	if err := h.d.Accounts.ChangePassword(c.UserContext(), staff(c), cur, pw); err != nil {
		if fieldError(err) {
			return h.renderAccount(c, accountView{}, formFields(err))
		}
		return h.site.Fail(c, err)
	}
	return c.Redirect(Prefix+"/login?changed=1&next="+Prefix+"/account", fiber.StatusSeeOther)
}

// startTOTP is POST /staff/account/totp: shows the QR code of a pending
// enrolment (the same one on a reload).
func (h *handlers) startTOTP(c *fiber.Ctx) error {
	return h.renderAccount(c, accountView{Enrolling: true}, nil)
}

// confirmTOTP is POST /staff/account/totp/confirm {code}: the first code
// confirms the enrolment; the recovery codes are shown this once.
func (h *handlers) confirmTOTP(c *fiber.Ctx) error {
	codes, err := h.d.Accounts.ConfirmEnrolment(c.UserContext(), staff(c), strings.TrimSpace(c.FormValue("code")))
	if err != nil {
		if fieldError(err) || errs.Is(err, errs.Unauthenticated) {
			if len(errs.FieldsOf(err)) == 0 {
				err = errs.FieldErrors(map[string]string{"code": web.ProblemOf(err).Body.Error.Message})
			}
			return h.renderAccount(c, accountView{Enrolling: true}, formFields(err))
		}
		return h.site.Fail(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.renderAccount(c, accountView{Codes: codes}, nil)
}
