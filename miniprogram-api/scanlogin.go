package mpapi

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
)

// ScanLogin confirms the portal's scan-to-login tickets (scanlogin.Service).
type ScanLogin interface {
	// Confirm records that the member confirms the ticket. Errors:
	// not_found (unknown), conflict (expired, used, or confirmed by another
	// member), unavailable.
	Confirm(ctx context.Context, ticket string, memberID int64) error
}

type scanConfirmJSON struct {
	Confirmed bool   `json:"confirmed"`
	Message   string `json:"message"`
}

// scanConfirm is POST /scan-login/{ticket}/confirm: the logged-in member
// confirms the QR ticket shown on the portal's login page; the waiting
// browser then logs in as this member.
func (h *handlers) scanConfirm(c *fiber.Ctx, m *member) error {
	if h.d.ScanLogin == nil {
		return errs.E(errs.Unavailable, "扫码登录暂不可用")
	}
	if err := h.d.ScanLogin.Confirm(c.UserContext(), c.Params("ticket"), m.ID); err != nil {
		return err
	}
	return c.JSON(scanConfirmJSON{Confirmed: true, Message: "已确认，电脑端将自动登录"})
}
