package notify

import (
	"context"
	"slices"
	"strings"

	"sunshine/app/errs"
)

// Credits counts the subscribe-message credits users grant in the
// mini-program (wx.requestSubscribeMessage): one per (openid, template) per
// tap on "allow", spent by one send.
//
// Both the mini-program (POST /api/mp/v1/subscriptions) and WeChat (the
// subscribe_msg_popup_event push) report a grant, and nothing tells two
// reports of one tap from two taps, so both add a credit. The local count
// is a hint that may run high, never low: a send WeChat refuses with 43101
// sets it to zero and the notice goes on to the next channel.
type Credits struct{ s *Service }

// Credits returns the credit book.
func (s *Service) Credits() *Credits { return &Credits{s: s} }

// Grant adds one credit for each template id (ids the service does not
// use are ignored, as are duplicates in one call). Errors: unprocessable
// for an empty openid.
func (c *Credits) Grant(ctx context.Context, openid string, templateIDs []string) error {
	openid = strings.TrimSpace(openid)
	if openid == "" || len(openid) > 64 {
		return errs.FieldErrors(map[string]string{"openid": "缺少有效的用户标识"})
	}
	known := c.s.o.Templates.SubscribeIDs()
	var ids []string
	for _, id := range templateIDs {
		id = strings.TrimSpace(id)
		if slices.Contains(known, id) && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	if err := c.s.d.Store.AddCredits(ctx, openid, ids, c.s.now()); err != nil {
		return err
	}
	// Rows that fell back for want of a credit are not resent: a grant only
	// serves later notices.
	return nil
}

// Balance returns the credits openid holds for a template.
func (c *Credits) Balance(ctx context.Context, openid, templateID string) (int, error) {
	return c.s.d.Store.Credits(ctx, openid, templateID)
}
