package backoffice

import (
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/notify"
	"sunshine/app/web"
)

// notificationsView is the outbox page: failed notifications by default
// (others by state), newest first, with a retry button on each failed one.
// It shows the event, the recipient's id and the error — never the
// message's content (the administrator sees no case content).
type notificationsView struct {
	State  string
	States []string
	Items  []notify.Row
	Next   string // the next page's link
}

var stateLabels = map[string]string{notify.StatePending: "待发送", notify.StateSending: "发送中",
	notify.StateSent: "已发送", notify.StateFailed: "发送失败"}

// notifications is GET /staff/admin/notifications[?state=&before=] (admin).
func (h *handlers) notifications(c *fiber.Ctx) error {
	v := notificationsView{State: c.Query("state", notify.StateFailed), States: notify.States}
	if v.State == "all" {
		v.State = ""
	}
	if v.State != "" && !slices.Contains(notify.States, v.State) {
		v.State = notify.StateFailed
	}
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	pg, err := h.d.Notify.List(c.UserContext(), actor(c), notify.ListFilter{State: v.State, Before: max(before, 0), Limit: 50})
	if err != nil {
		return h.site.Fail(c, err)
	}
	v.Items = pg.Items
	if pg.Next > 0 {
		state := v.State
		if state == "" {
			state = "all"
		}
		v.Next = Prefix + "/admin/notifications?state=" + state + "&before=" + strconv.FormatInt(pg.Next, 10)
	}
	return h.site.Render(c, fiber.StatusOK, "notifications", h.page(c, "失败通知", v, nil))
}

// retryNotification is POST /staff/admin/notifications/{id}/retry (admin):
// a failed notification is sent again now.
func (h *handlers) retryNotification(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	if err := h.d.Notify.Retry(c.UserContext(), actor(c), id); err != nil {
		return h.site.Fail(c, err) // a row not failed any more: 409 page
	}
	return h.done(c, "已重新加入发送队列", Prefix+"/admin/notifications")
}
