package notify

import (
	"context"
	"slices"
	"strconv"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// States lists the row states, for filters.
var States = []string{StatePending, StateSending, StateSent, StateFailed}

// NotificationPage is one page of the admin view, newest first.
type NotificationPage struct {
	Items []Row
	Next  int64 // cursor of the next page (0: none)
}

func mayAdminister(by casework.Actor) error {
	if by.Role != casework.RoleAdmin {
		return errs.E(errs.Forbidden, "仅系统管理员可以查看和重发通知")
	}
	return nil
}

// List shows the outbox to an administrator: states, attempts and the last
// error of each row (no message content). Errors: forbidden,
// unprocessable (unknown state).
func (s *Service) List(ctx context.Context, by casework.Actor, f ListFilter) (*NotificationPage, error) {
	if err := mayAdminister(by); err != nil {
		return nil, err
	}
	bad := map[string]string{}
	if f.State != "" && !slices.Contains(States, f.State) {
		bad["state"] = "状态只能是 pending、sending、sent、failed 之一"
	}
	if f.Before < 0 {
		bad["before"] = "分页参数不正确"
	}
	if err := errs.FieldErrors(bad); err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	f.Limit = limit + 1
	rows, err := s.d.Store.Notifications(ctx, f)
	if err != nil {
		return nil, err
	}
	page := &NotificationPage{Items: rows}
	if len(rows) > limit {
		page.Items = rows[:limit]
		page.Next = page.Items[limit-1].ID
	}
	return page, nil
}

// Retry sends a failed notification again now, with a fresh retry window.
// Errors: forbidden, not_found, conflict (the row is not failed).
func (s *Service) Retry(ctx context.Context, by casework.Actor, id int64) error {
	if err := mayAdminister(by); err != nil {
		return err
	}
	now := s.now()
	if err := s.d.Store.Retry(ctx, id, now, now.Add(RetryWindow)); err != nil {
		return err
	}
	if s.d.Audit != nil {
		r := &audit.Record{ActorID: by.ID, ActorRole: string(by.Role), ActorName: by.Name, Action: "notification.retry",
			ObjectType: "notification", ObjectID: strconv.FormatInt(id, 10), Result: audit.OK}
		audit.Fill(ctx, r, now)
		if err := s.d.Audit.Append(ctx, r); err != nil {
			s.log.Error("audit write failed", "err", err, "action", r.Action)
		}
	}
	s.wake.Notify()
	return nil
}
