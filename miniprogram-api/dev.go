package mpapi

import (
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"sunshine/app/errs"
	"sunshine/app/web"
	"sunshine/app/wechat"
)

// The simulator's dev endpoints (SPEC §5). They exist only when Deps.Simulator
// is set, which wiring does only in simulator mode (never in production: the
// simulator refuses to be built there).

type devSubscribeRequest struct {
	OpenID      string   `json:"openid"`
	TemplateIDs []string `json:"template_ids"`
}

// devSubscribe is POST /dev/wechat/subscribe {openid, template_ids}: plays
// the user tapping "allow" — one credit per template in the simulator
// (every configured template when template_ids is omitted) and the signed
// subscribe_msg_popup_event push to /wechat/push. A form post from the
// /dev/wechat page is answered with a redirect back to it.
func (h *handlers) devSubscribe(c *fiber.Ctx) error {
	var req devSubscribeRequest
	form := strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationForm)
	if form {
		// Copies: the simulator keeps these strings, Fiber reuses the request's memory.
		req.OpenID = strings.TrimSpace(utils.CopyString(c.FormValue("openid")))
		ids := utils.CopyString(c.FormValue("template_ids"))
		req.TemplateIDs = strings.FieldsFunc(ids, func(r rune) bool { return r == ',' || r == ' ' })
	} else if err := h.decodeJSON(c, &req, false); err != nil {
		return err
	}
	sim := h.d.Simulator
	templates := sim.Config().SubscribeTemplates
	bad := map[string]string{}
	if !strings.HasPrefix(req.OpenID, "sim-openid-") {
		bad["openid"] = "须为模拟器的 openid（sim-openid-<name>）"
	}
	ids := req.TemplateIDs
	if len(ids) == 0 {
		ids = templates
		if len(ids) == 0 {
			bad["template_ids"] = "未配置订阅消息模板，请指定 template_ids"
		}
	}
	for _, id := range ids {
		if id == "" || len(templates) > 0 && !slices.Contains(templates, id) {
			bad["template_ids"] = "未配置的模板：" + id
		}
	}
	if err := errs.FieldErrors(bad); err != nil {
		return err
	}
	if err := sim.Grant(req.OpenID, ids); err != nil {
		h.d.Log.Warn("simulated subscribe push failed", "err", err)
		return errs.Wrap(errs.Unavailable, "已在模拟器中授予订阅次数，但推送到 /wechat/push 失败："+err.Error(), err)
	}
	if form {
		return c.Redirect("/dev/wechat?touser="+url.QueryEscape(req.OpenID), fiber.StatusSeeOther)
	}
	return c.JSON(fiber.Map{"openid": req.OpenID, "granted": ids, "pushed": true})
}

// devMessages is GET /dev/wechat/messages?touser=: every message the
// simulator accepted, newest last.
func (h *handlers) devMessages(c *fiber.Ctx) error {
	msgs := h.d.Simulator.Messages(strings.TrimSpace(c.Query("touser")))
	return c.JSON(web.List[wechat.Message]{Items: msgs})
}

// devPage is GET /dev/wechat: what the phones would show.
func (h *handlers) devPage(c *fiber.Ctx) error {
	touser := strings.TrimSpace(c.Query("touser"))
	sim := h.d.Simulator
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Type("html", "utf-8")
	return renderDevPage(c, devPageData{ToUser: touser, Messages: sim.Messages(touser),
		Templates: strings.Join(sim.Config().SubscribeTemplates, ",")})
}
