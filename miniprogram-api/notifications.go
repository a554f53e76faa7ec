package mpapi

import (
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
	"sunshine/app/notify"
	"sunshine/app/web"
)

type subscriptionsRequest struct {
	Accepted []string `json:"accepted"`
}

type subscriptionsJSON struct {
	Granted []string `json:"granted"`
}

// subscriptions is POST /subscriptions {accepted: [template ids]}: the
// mini-program reports what the user allowed in wx.requestSubscribeMessage;
// each id grants one credit for a subscribe message.
func (h *handlers) subscriptions(c *fiber.Ctx, m *member) error {
	var req subscriptionsRequest
	if err := h.decodeJSON(c, &req, false); err != nil {
		return err
	}
	ids := []string{}
	for _, id := range req.Accepted {
		id = strings.TrimSpace(id)
		switch {
		case id == "" || len(id) > 128:
			return errs.FieldErrors(map[string]string{"accepted": "模板编号不能为空或过长"})
		case len(h.d.Templates) > 0 && !slices.Contains(h.d.Templates, id) &&
			(h.d.TemplateIDs == nil || !slices.Contains(h.d.TemplateIDs(), id)):
			return errs.FieldErrors(map[string]string{"accepted": "未知的订阅消息模板：" + id})
		case !slices.Contains(ids, id):
			ids = append(ids, id)
		}
	}
	if len(ids) > 20 {
		return errs.FieldErrors(map[string]string{"accepted": "一次最多报告20个模板"})
	}
	if len(ids) > 0 {
		if h.d.Credits == nil {
			return errs.E(errs.Unavailable, "消息服务暂不可用")
		}
		if err := h.d.Credits.Grant(c.UserContext(), m.OpenID, ids); err != nil {
			return err
		}
	}
	return c.JSON(subscriptionsJSON{Granted: ids})
}

// noticeJSON is an inbox entry with the mini-program page that opens it.
type noticeJSON struct {
	web.Notice
	Page      string    `json:"page,omitempty"`
	Read      bool      `json:"read"`
	CreatedAt time.Time `json:"created_at"`
}

func (h *handlers) inbox() (Inbox, error) {
	if h.d.Inbox == nil {
		return nil, errs.E(errs.Unavailable, "消息服务暂不可用")
	}
	return h.d.Inbox, nil
}

// notifications is GET /notifications?cursor=&limit=: the user's in-app
// inbox, newest first, with the number of unread entries.
func (h *handlers) notifications(c *fiber.Ctx, m *member) error {
	in, err := h.inbox()
	if err != nil {
		return err
	}
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	p, err := in.Inbox(c.UserContext(), notify.MemberRecipient(m.ID), before, limit)
	if err != nil {
		return err
	}
	out := web.Inbox[noticeJSON]{Items: make([]noticeJSON, len(p.Items)), Unread: p.Unread}
	for i := range p.Items {
		n := &p.Items[i]
		out.Items[i] = noticeJSON{Notice: web.NoticeOf(n), Page: n.Page, Read: n.ReadAt != nil, CreatedAt: n.CreatedAt.UTC()}
	}
	if p.Next > 0 {
		out.Next = nextCursor(1, 0, p.Next)
	}
	return c.JSON(out)
}

type readRequest struct {
	ID int64 `json:"id"`
}

// markRead is POST /notifications/read {id}: marks one entry read, or every
// entry when id is left out → 204.
func (h *handlers) markRead(c *fiber.Ctx, m *member) error {
	in, err := h.inbox()
	if err != nil {
		return err
	}
	var req readRequest
	if err := h.decodeJSON(c, &req, true); err != nil {
		return err
	}
	if req.ID < 0 {
		return errs.FieldErrors(map[string]string{"id": "消息编号无效"})
	}
	if err := in.MarkRead(c.UserContext(), notify.MemberRecipient(m.ID), req.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
