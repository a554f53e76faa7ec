package staffapi

import (
	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
	"sunshine/app/hotline"
	"sunshine/app/web"
)

// hotlineBodyLimit bounds an order: the fields are short texts.
const hotlineBodyLimit = 64 << 10

// hotlineRoutes registers the 2135 hotline intake, POST
// /api/hotline/v1/orders (SPEC §5). It is authenticated by its HMAC
// signature, not by a staff session. Uses Deps.Hotline; left out when nil.
func (h *handlers) hotlineRoutes(app *fiber.App) {
	if h.d.Hotline == nil {
		return
	}
	app.Post("/api/hotline/v1/orders", h.hotlineOrder)
}

// hotlineOrderRequest is the body the hotline system sends.
type hotlineOrderRequest struct {
	OrderNo    string `json:"order_no"`
	Title      string `json:"title"`
	Content    string `json:"content"`
	Company    string `json:"company"`
	CreditCode string `json:"credit_code"`
	Contact    string `json:"contact"`
	Phone      string `json:"phone"`
	ReceivedAt string `json:"received_at"`
}

func (r hotlineOrderRequest) toOrder() hotline.Order {
	return hotline.Order{OrderNo: r.OrderNo, Title: r.Title, Content: r.Content, Company: r.Company,
		CreditCode: r.CreditCode, Contact: r.Contact, Phone: r.Phone, ReceivedAt: r.ReceivedAt}
}

// hotlineOrderResponse is the answer: the case of the order.
type hotlineOrderResponse struct {
	CaseID int64  `json:"case_id"`
	Number string `json:"number"`
	Status string `json:"status"`
}

// hotlineOrder verifies the signature over the raw body before reading it,
// then creates the case once per order_no: 201 the first time, 200 with the
// same case on every repeat.
func (h *handlers) hotlineOrder(c *fiber.Ctx) error {
	body := c.Body()
	if len(body) > hotlineBodyLimit {
		return errs.E(errs.TooLarge, "工单内容过大")
	}
	ctx := c.UserContext()
	if err := h.d.Hotline.Verify(ctx, c.Get("X-Timestamp"), c.Get("X-Signature"), body); err != nil {
		return err
	}
	var req hotlineOrderRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	cs, created, err := h.d.Hotline.Intake(ctx, req.toOrder())
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(hotlineOrderResponse{CaseID: cs.ID, Number: cs.Number, Status: string(cs.Status)})
}
