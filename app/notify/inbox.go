package notify

import (
	"context"

	"sunshine/app/errs"
)

// InboxPage is one page of an inbox, newest first.
type InboxPage struct {
	Items  []InboxItem
	Next   int64 // cursor of the next page (0: none)
	Unread int
}

// Inbox returns a page of the recipient's in-app inbox (MemberRecipient or
// StaffRecipient of the signed-in user: the surfaces never take the
// recipient from the request). Every notification of SPEC §4 to a person
// lands here, whatever WeChat channel also carried it.
func (s *Service) Inbox(ctx context.Context, recipient string, before int64, limit int) (*InboxPage, error) {
	if kind, _, id := ParseRecipient(recipient); (kind != KindMember && kind != KindStaff) || id <= 0 {
		return nil, errs.E(errs.Forbidden, "无权查看该消息列表")
	}
	if before < 0 {
		return nil, errs.FieldErrors(map[string]string{"before": "分页参数不正确"})
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	items, err := s.d.Store.Inbox(ctx, recipient, before, limit+1)
	if err != nil {
		return nil, err
	}
	page := &InboxPage{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		page.Next = page.Items[limit-1].ID
	}
	if page.Unread, err = s.d.Store.Unread(ctx, recipient); err != nil {
		return nil, err
	}
	return page, nil
}

// MarkRead marks one inbox entry (or all, id 0) of the recipient read.
// Errors: not_found for an entry of someone else.
func (s *Service) MarkRead(ctx context.Context, recipient string, id int64) error {
	if kind, _, rid := ParseRecipient(recipient); (kind != KindMember && kind != KindStaff) || rid <= 0 {
		return errs.E(errs.Forbidden, "无权操作该消息")
	}
	if id < 0 {
		return errs.E(errs.NotFound, "消息不存在")
	}
	return s.d.Store.MarkRead(ctx, recipient, id, s.now())
}
