package staffapi

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
	"sunshine/app/notify"
	"sunshine/app/web"
)

// notificationRoutes registers the notification outbox for administrators
// (states, failures with their last error, manual retry) and every staff
// member's in-app inbox. Uses Deps.Notify; behind requireStaff (routes()
// calls it after staffRoutes).
func (h *handlers) notificationRoutes(app *fiber.App) {
	if h.d.Notify == nil {
		return
	}
	r := app.Group("/api/staff/v1")
	r.Get("/notifications", h.listNotifications)
	r.Post("/notifications/:id/retry", h.retryNotification)
	r.Get("/inbox", h.staffInbox)
	r.Post("/inbox/read", h.staffInboxRead)
}

// notificationJSON is one outbox row as an administrator sees it: no
// message content, only where it goes and how delivery went.
type notificationJSON struct {
	ID            int64      `json:"id"`
	Event         string     `json:"event"`
	CaseID        *int64     `json:"case_id"`
	Recipient     string     `json:"recipient"`
	Channels      []string   `json:"channels"`
	Channel       string     `json:"channel,omitempty"`
	State         string     `json:"state"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
	RetryUntil    time.Time  `json:"retry_until"`
	LastError     string     `json:"last_error,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	SentAt        *time.Time `json:"sent_at,omitempty"`
}

func toNotificationJSON(r notify.Row) notificationJSON {
	out := notificationJSON{ID: r.ID, Event: r.Event, Recipient: r.Recipient, Channels: r.Channels,
		Channel: r.Channel, State: r.State, Attempts: r.Attempts, RetryUntil: r.RetryUntil.UTC(),
		LastError: r.LastError, CreatedAt: r.CreatedAt.UTC()}
	if out.Channels == nil {
		out.Channels = []string{}
	}
	if r.CaseID != 0 {
		id := r.CaseID
		out.CaseID = &id
	}
	if r.State == notify.StatePending || r.State == notify.StateSending {
		t := r.NextAttemptAt.UTC()
		out.NextAttemptAt = &t
	}
	if r.SentAt != nil {
		t := r.SentAt.UTC()
		out.SentAt = &t
	}
	return out
}

// listBefore reads the page position: ?before=<id> or the opaque ?cursor=.
func listBefore(c *fiber.Ctx) (int64, error) {
	if s := c.Query("before"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return 0, errs.E(errs.Invalid, "参数 before 应为正整数")
		}
		return id, nil
	}
	return queryCursor(c)
}

// listNotifications is GET /notifications?state=&before=&limit= (admin):
// outbox rows newest first, {items, next}.
func (h *handlers) listNotifications(c *fiber.Ctx) error {
	before, err := listBefore(c)
	if err != nil {
		return err
	}
	limit, err := queryLimit(c)
	if err != nil {
		return err
	}
	p, err := h.d.Notify.List(c.UserContext(), staffOf(c).Actor(),
		notify.ListFilter{State: c.Query("state"), Before: before, Limit: limit})
	if err != nil {
		return err
	}
	out := web.List[notificationJSON]{Items: make([]notificationJSON, len(p.Items))}
	for i, r := range p.Items {
		out.Items[i] = toNotificationJSON(r)
	}
	if p.Next > 0 {
		next := encodeCursor(p.Next)
		out.Next = &next
	}
	return c.JSON(out)
}

type retryJSON struct {
	ID    int64  `json:"id"`
	State string `json:"state"`
}

// retryNotification is POST /notifications/{id}/retry (admin): a failed
// notification is sent again now → 200 {id, state: "pending"}.
func (h *handlers) retryNotification(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.d.Notify.Retry(c.UserContext(), staffOf(c).Actor(), id); err != nil {
		return err
	}
	return c.JSON(retryJSON{ID: id, State: notify.StatePending})
}

// inboxItemJSON is a staff inbox entry. Unlike the mini-program it names no
// page: the page of a notice is a mini-program page.
type inboxItemJSON struct {
	web.Notice
	Read      bool      `json:"read"`
	CreatedAt time.Time `json:"created_at"`
}

// staffInbox is GET /inbox?cursor=&limit=: the signed-in staff member's
// notices (reminders, assignments), newest first, with the unread count.
func (h *handlers) staffInbox(c *fiber.Ctx) error {
	before, err := listBefore(c)
	if err != nil {
		return err
	}
	limit, err := queryLimit(c)
	if err != nil {
		return err
	}
	p, err := h.d.Notify.Inbox(c.UserContext(), notify.StaffRecipient(staffOf(c).ID), before, limit)
	if err != nil {
		return err
	}
	out := web.Inbox[inboxItemJSON]{Items: make([]inboxItemJSON, len(p.Items)), Unread: p.Unread}
	for i := range p.Items {
		n := &p.Items[i]
		out.Items[i] = inboxItemJSON{Notice: web.NoticeOf(n), Read: n.ReadAt != nil, CreatedAt: n.CreatedAt.UTC()}
	}
	if p.Next > 0 {
		next := encodeCursor(p.Next)
		out.Next = &next
	}
	return c.JSON(out)
}

type inboxReadRequest struct {
	ID int64 `json:"id"`
}

// staffInboxRead is POST /inbox/read {id}: marks one notice read, or all
// when id is left out → 204.
func (h *handlers) staffInboxRead(c *fiber.Ctx) error {
	var req inboxReadRequest
	if len(c.Body()) > 0 {
		if err := web.DecodeJSON(c, &req); err != nil {
			return err
		}
	}
	if req.ID < 0 {
		return errs.FieldErrors(map[string]string{"id": "消息编号无效"})
	}
	if err := h.d.Notify.MarkRead(c.UserContext(), notify.StaffRecipient(staffOf(c).ID), req.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
