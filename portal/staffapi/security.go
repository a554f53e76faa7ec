package staffapi

import (
	"github.com/gofiber/fiber/v2"

	"sunshine/app/accounts"
	"sunshine/app/web"
)

// The login steps after the password and each staff member's own security
// settings (docs/security.md). The step routes are public: the challenge
// from POST /login is their credential.

type totpStepRequest struct {
	Challenge    string `json:"challenge"`
	Code         string `json:"code"`
	RecoveryCode string `json:"recovery_code"`
}

type challengeRequest struct {
	Challenge string `json:"challenge"`
}

type codeRequest struct {
	Challenge string `json:"challenge"`
	Code      string `json:"code"`
}

type passwordStepRequest struct {
	Challenge   string `json:"challenge"`
	NewPassword string `json:"new_password"`
}

type enrolmentJSON struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
}

type recoveryCodesJSON struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

type changePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// loginTOTP is POST /login/totp {challenge, code | recovery_code}.
func (h *handlers) loginTOTP(c *fiber.Ctx) error {
	if h.d.Accounts == nil {
		return unavailableService(c)
	}
	var req totpStepRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	res, err := h.d.Accounts.VerifySecondFactor(c.UserContext(), accounts.SecondFactorInput{
		Challenge: req.Challenge, Code: req.Code, RecoveryCode: req.RecoveryCode, IP: clientIP(c)})
	if err != nil {
		return err
	}
	return answerLogin(c, res)
}

// loginEnrol is POST /login/enrol {challenge} → {secret, otpauth_url}.
func (h *handlers) loginEnrol(c *fiber.Ctx) error {
	if h.d.Accounts == nil {
		return unavailableService(c)
	}
	var req challengeRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	e, err := h.d.Accounts.EnrolChallenge(c.UserContext(), req.Challenge)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(enrolmentJSON{Secret: e.Secret, OTPAuthURL: e.URL})
}

// loginEnrolQR is POST /login/enrol/qr.png {challenge} → the QR code.
func (h *handlers) loginEnrolQR(c *fiber.Ctx) error {
	if h.d.Accounts == nil {
		return unavailableService(c)
	}
	var req challengeRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	e, err := h.d.Accounts.EnrolChallenge(c.UserContext(), req.Challenge)
	if err != nil {
		return err
	}
	return sendPNG(c, e.PNG)
}

// loginEnrolConfirm is POST /login/enrol/confirm {challenge, code} → the
// session with recovery_codes (shown once), or the next step.
func (h *handlers) loginEnrolConfirm(c *fiber.Ctx) error {
	if h.d.Accounts == nil {
		return unavailableService(c)
	}
	var req codeRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	res, err := h.d.Accounts.ConfirmEnrolChallenge(c.UserContext(), req.Challenge, req.Code, clientIP(c))
	if err != nil {
		return err
	}
	if res.Next != "" && len(res.RecoveryCodes) > 0 {
		// Another step follows (a password change): the codes still
		// must be shown now, they are not kept anywhere in clear.
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(fiber.Map{"next": res.Next, "password_change": res.Next == "password",
			"challenge": res.Challenge, "recovery_codes": res.RecoveryCodes})
	}
	return answerLogin(c, res)
}

// loginPassword is POST /login/password {challenge, new_password}.
func (h *handlers) loginPassword(c *fiber.Ctx) error {
	if h.d.Accounts == nil {
		return unavailableService(c)
	}
	var req passwordStepRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	res, err := h.d.Accounts.SetExpiredPassword(c.UserContext(), req.Challenge, req.NewPassword, clientIP(c))
	if err != nil {
		return err
	}
	return answerLogin(c, res)
}

// changeOwnPassword is POST /me/password {current_password, new_password}
// → 204; every session of the account ends (log in again).
func (h *handlers) changeOwnPassword(c *fiber.Ctx) error {
	var req changePasswordRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := h.d.Accounts.ChangePassword(c.UserContext(), staffOf(c), req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// startOwnTOTP is POST /me/totp → {secret, otpauth_url}: enrol a second
// factor voluntarily.
func (h *handlers) startOwnTOTP(c *fiber.Ctx) error {
	e, err := h.d.Accounts.StartEnrolment(c.UserContext(), staffOf(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(enrolmentJSON{Secret: e.Secret, OTPAuthURL: e.URL})
}

// ownTOTPQR is GET /me/totp/qr.png: the pending enrolment's QR code.
func (h *handlers) ownTOTPQR(c *fiber.Ctx) error {
	e, err := h.d.Accounts.StartEnrolment(c.UserContext(), staffOf(c))
	if err != nil {
		return err
	}
	return sendPNG(c, e.PNG)
}

// confirmOwnTOTP is POST /me/totp/confirm {code} → {recovery_codes}.
func (h *handlers) confirmOwnTOTP(c *fiber.Ctx) error {
	var req struct {
		Code string `json:"code"`
	}
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	codes, err := h.d.Accounts.ConfirmEnrolment(c.UserContext(), staffOf(c), req.Code)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(recoveryCodesJSON{RecoveryCodes: codes})
}

// resetTOTP is POST /users/{id}/totp/reset (admin) → 204.
func (h *handlers) resetTOTP(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.d.Accounts.ResetSecondFactor(c.UserContext(), viewerOf(c).Actor, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func sendPNG(c *fiber.Ctx, png []byte) error {
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(png)
}
