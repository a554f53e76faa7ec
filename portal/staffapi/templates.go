package staffapi

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
	"sunshine/app/notify"
	"sunshine/app/web"
)

// templateRoutes registers the admin's WeChat template ids (behind
// requireStaff).
func (h *handlers) templateRoutes(app *fiber.App) {
	if h.d.Templates == nil {
		return
	}
	api := app.Group("/api/staff/v1/templates")
	api.Get("", h.listTemplates)
	api.Put("/:event/:channel", h.setTemplate)
	api.Delete("/:event/:channel", h.resetTemplate)
}

type templateRequest struct {
	TemplateID *string `json:"template_id"`
	Fields     string  `json:"fields"`
}

type templateJSON struct {
	Event        string     `json:"event"`
	Channel      string     `json:"channel"`
	TemplateID   string     `json:"template_id"`
	Fields       string     `json:"fields"`
	ConfiguredID string     `json:"configured_id"`
	Override     bool       `json:"override"`
	UpdatedBy    string     `json:"updated_by,omitempty"`
	UpdatedAt    *time.Time `json:"updated_at,omitempty"`
}

func (h *handlers) templateList(c *fiber.Ctx) (web.List[templateJSON], error) {
	list, err := h.d.Templates.List(c.UserContext(), viewerOf(c).Actor)
	if err != nil {
		return web.List[templateJSON]{}, err
	}
	out := web.List[templateJSON]{Items: make([]templateJSON, 0, len(list))}
	for _, v := range list {
		j := templateJSON{Event: v.Event, Channel: v.Channel, TemplateID: v.ID, Fields: notify.FormatFields(v.Fields),
			ConfiguredID: v.BaseID, Override: v.Override, UpdatedBy: v.UpdatedBy}
		if v.Override {
			at := v.UpdatedAt
			j.UpdatedAt = &at
		}
		out.Items = append(out.Items, j)
	}
	return out, nil
}

// listTemplates is GET /templates → {items} (admin): each event's
// subscribe and official-account template in effect.
func (h *handlers) listTemplates(c *fiber.Ctx) error {
	out, err := h.templateList(c)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// setTemplate is PUT /templates/{event}/{channel} {template_id, fields}
// → {items} (admin); template_id "" turns the channel off for the event.
func (h *handlers) setTemplate(c *fiber.Ctx) error {
	var req templateRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	if req.TemplateID == nil {
		return errs.FieldErrors(map[string]string{"template_id": "请填写模板ID（留空字符串表示停用该渠道）"})
	}
	event, channel := strings.Clone(c.Params("event")), strings.Clone(c.Params("channel"))
	if err := h.d.Templates.Set(c.UserContext(), viewerOf(c).Actor, event, channel, *req.TemplateID, req.Fields); err != nil {
		return err
	}
	return h.listTemplates(c)
}

// resetTemplate is DELETE /templates/{event}/{channel} → {items} (admin):
// the configured template applies again.
func (h *handlers) resetTemplate(c *fiber.Ctx) error {
	event, channel := strings.Clone(c.Params("event")), strings.Clone(c.Params("channel"))
	if err := h.d.Templates.Reset(c.UserContext(), viewerOf(c).Actor, event, channel); err != nil {
		return err
	}
	return h.listTemplates(c)
}
