package enterprise

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
	"sunshine/app/notify"
)

type noticesView struct {
	Items  []notify.InboxItem
	Unread int
	Next   int64
}

// notices is GET /notices?before=: the inbox, newest first.
func (h *handlers) notices(c *fiber.Ctx) error {
	if h.d.Inbox == nil {
		return h.site.Fail(c, errs.E(errs.Unavailable, "消息服务暂不可用"))
	}
	before := int64(c.QueryInt("before", 0))
	if before < 0 {
		before = 0
	}
	p, err := h.d.Inbox.Inbox(c.UserContext(), notify.MemberRecipient(member(c).ID), before, 20)
	if err != nil {
		return h.site.Fail(c, err)
	}
	return h.site.Render(c, fiber.StatusOK, "notices", h.site.NewPage(c, "消息",
		noticesView{Items: p.Items, Unread: p.Unread, Next: p.Next}))
}

// markRead is POST /notices/read {id}: one entry, or all when id is 0.
func (h *handlers) markRead(c *fiber.Ctx) error {
	if h.d.Inbox == nil {
		return h.site.Fail(c, errs.E(errs.Unavailable, "消息服务暂不可用"))
	}
	id, err := strconv.ParseInt(c.FormValue("id", "0"), 10, 64)
	if err != nil || id < 0 {
		return h.site.Fail(c, errs.E(errs.NotFound, "消息不存在"))
	}
	if err := h.d.Inbox.MarkRead(c.UserContext(), notify.MemberRecipient(member(c).ID), id); err != nil {
		return h.site.Fail(c, err)
	}
	msg := "已全部标为已读"
	if id > 0 {
		msg = "已标为已读"
	}
	return h.redirectFlash(c, "/notices", msg)
}
