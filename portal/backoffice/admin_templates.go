package backoffice

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/notify"
)

// templatesView is the notification template page: for each event and
// channel the WeChat template id in effect, the configured one, and the
// admin's override.
type templatesView struct {
	Items []templateRow
	// Key is "event/channel" of a refused form (its values are kept).
	Key, ID, Fields string
}

type templateRow struct {
	notify.TemplateView
	Key        string // event/channel
	FieldsText string
}

// templates is GET /staff/admin/templates (admin).
func (h *handlers) templates(c *fiber.Ctx) error { return h.renderTemplates(c, templatesView{}, nil) }

func (h *handlers) renderTemplates(c *fiber.Ctx, v templatesView, formErr error) error {
	list, err := h.d.Templates.List(c.UserContext(), actor(c))
	if err != nil {
		return h.site.Fail(c, err)
	}
	for _, t := range list {
		row := templateRow{TemplateView: t, Key: t.Event + "/" + t.Channel, FieldsText: notify.FormatFields(t.Fields)}
		if row.Key == v.Key {
			row.ID, row.FieldsText = v.ID, v.Fields
		}
		v.Items = append(v.Items, row)
	}
	return h.site.Render(c, status(formErr), "templates", h.page(c, "通知模板", v, formErr))
}

// setTemplate is POST /staff/admin/templates/{event}/{channel}
// {template_id, fields} (admin): takes effect on every instance at its
// next reload, without a restart; an empty id turns the channel off.
func (h *handlers) setTemplate(c *fiber.Ctx) error {
	event, channel := strings.Clone(c.Params("event")), strings.Clone(c.Params("channel"))
	id, fields := strings.TrimSpace(c.FormValue("template_id")), strings.TrimSpace(c.FormValue("fields"))
	if err := h.d.Templates.Set(c.UserContext(), actor(c), event, channel, id, fields); err != nil {
		v := templatesView{Key: event + "/" + channel, ID: id, Fields: fields}
		return h.failForm(c, err, func() error { return h.renderTemplates(c, v, flatten(err)) })
	}
	return h.done(c, "已保存模板设置", Prefix+"/admin/templates")
}

// resetTemplate is POST /staff/admin/templates/{event}/{channel}/reset
// (admin): the configured template applies again.
func (h *handlers) resetTemplate(c *fiber.Ctx) error {
	event, channel := strings.Clone(c.Params("event")), strings.Clone(c.Params("channel"))
	if err := h.d.Templates.Reset(c.UserContext(), actor(c), event, channel); err != nil {
		return h.failForm(c, err, func() error { return h.renderTemplates(c, templatesView{}, flatten(err)) })
	}
	return h.done(c, "已恢复为配置文件中的模板", Prefix+"/admin/templates")
}
