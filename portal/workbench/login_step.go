package workbench

import (
	"encoding/base64"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/accounts"
	"sunshine/app/audit"
	"sunshine/app/web"
	"sunshine/portal/site"
)

// stepView is a login between its steps (accounts.StepTOTP, StepEnrol,
// StepPassword), or "codes": the recovery codes shown once.
type stepView struct {
	Step      string
	Challenge string
	Next      string
	Token     string // the login form's CSRF token
	Secret    string // enrolment: the key to type in by hand
	QR        template.URL
	Codes     []string
}

var stepTitles = map[string]string{accounts.StepTOTP: "输入动态验证码", accounts.StepEnrol: "绑定身份验证器",
	accounts.StepPassword: "设置新密码", "codes": "保存恢复码"}

func (h *handlers) renderStep(c *fiber.Ctx, status int, v stepView, err error) error {
	v.Token = h.site.LoginToken(c)
	if v.Step == accounts.StepEnrol {
		e, eerr := h.d.Accounts.EnrolChallenge(c.UserContext(), v.Challenge)
		if eerr != nil {
			return h.stepFailed(c, v, eerr)
		}
		v.Secret = e.Secret
		v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(e.PNG))
	}
	p := h.site.NewPage(c, stepTitles[v.Step], v)
	if err != nil {
		p.Fields, p.Error = site.Fields(err), site.Message(err)
	}
	return h.site.Render(c, status, "login_step", p)
}

// loginStep is POST /staff/login/step: one step of a login that needs more
// than the password, by the same calls as the staff API's login steps.
func (h *handlers) loginStep(c *fiber.Ctx) error {
	v := stepView{Step: c.FormValue("step"), Challenge: c.FormValue("challenge"), Next: site.SafeNext(c.FormValue("next"))}
	ctx, ip := c.UserContext(), audit.RequestFrom(c.UserContext()).IP
	var res *accounts.LoginResult
	var err error
	switch v.Step {
	case accounts.StepTOTP:
		res, err = h.d.Accounts.VerifySecondFactor(ctx, accounts.SecondFactorInput{Challenge: v.Challenge,
			Code: strings.TrimSpace(c.FormValue("code")), RecoveryCode: strings.TrimSpace(c.FormValue("recovery_code")), IP: ip})
	case accounts.StepEnrol:
		res, err = h.d.Accounts.ConfirmEnrolChallenge(ctx, v.Challenge, strings.TrimSpace(c.FormValue("code")), ip)
	case accounts.StepPassword:
		res, err = h.d.Accounts.SetExpiredPassword(ctx, v.Challenge, c.FormValue("new_password"), ip)
	default:
		return h.renderLogin(c, fiber.StatusBadRequest, loginView{Next: v.Next}, nil)
	}
	if err != nil {
		return h.stepFailed(c, v, err)
	}
	return h.finishLogin(c, res, v.Next)
}

// stepFailed shows a refused step again (a wrong code, a weak password);
// an ended or unknown challenge starts the login over.
func (h *handlers) stepFailed(c *fiber.Ctx, v stepView, err error) error {
	st := web.ProblemOf(err).Status
	switch {
	case st >= 500:
		return h.site.Fail(c, err)
	case st == fiber.StatusUnprocessableEntity || st == fiber.StatusBadRequest ||
		(st == fiber.StatusUnauthorized && strings.Contains(site.Message(err), "验证码")):
		return h.renderStep(c, st, v, err)
	}
	return h.renderLogin(c, st, loginView{Next: v.Next}, err)
}
