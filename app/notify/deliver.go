package notify

import (
	"context"
	"errors"
	"strings"

	"sunshine/app/errs"
	"sunshine/app/wechat"
)

// WeChat sends the WeChat messages. *wechat.Client implements it; its
// errors are *wechat.Error, classified by wechat.IsNoCredit (43101),
// IsNotFollowing (43004), IsInvalidUser and IsTemporary (-1, 45011, 5xx,
// timeouts).
type WeChat interface {
	SendSubscribe(ctx context.Context, m wechat.SubscribeMessage) error
	SendTemplate(ctx context.Context, m wechat.TemplateMessage) error
	SendWorkText(ctx context.Context, userID, text string) error
}

// result is what one delivery attempt came to.
type result struct {
	channel string   // the channel that took it (ChannelInbox: none did)
	retry   bool     // a temporary failure: try again later
	failed  bool     // a permanent failure: give up now
	notes   []string // why channels were passed over
}

func (r *result) note(s string) { r.notes = append(r.notes, s) }

// deliver tries the row's channel plan in order. The inbox entry already
// exists, so a recipient no push channel can reach still has the notice.
func (s *Service) deliver(ctx context.Context, row *Row) result {
	kind, _, id := ParseRecipient(row.Recipient)
	switch kind {
	case KindMember:
		return s.deliverMember(ctx, row, id)
	case KindStaff:
		return s.deliverStaff(ctx, row, id)
	case KindHotline:
		err := s.postHotline(ctx, row)
		switch {
		case err == nil:
			return result{channel: ChannelHotline}
		case errors.Is(err, errNoHotlineURL):
			return result{failed: true, notes: []string{err.Error()}}
		}
		return result{retry: true, notes: []string{err.Error()}}
	}
	return result{failed: true, notes: []string{"unknown recipient " + row.Recipient}}
}

func (s *Service) deliverMember(ctx context.Context, row *Row, id int64) result {
	var r result
	who, err := s.d.Store.Member(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return result{channel: ChannelInbox, notes: []string{"member not found"}}
	} else if err != nil {
		return result{retry: true, notes: []string{"member lookup: " + err.Error()}}
	}
	page := str(row.Payload, "page")
	for _, ch := range row.Channels {
		switch ch {
		case ChannelSubscribe:
			tpl, ok := s.o.Templates.Subscribe(row.Event)
			switch {
			case !ok || s.d.WeChat == nil:
				r.note("subscribe: no template")
				continue
			case who.OpenID == "":
				r.note("subscribe: no openid")
				continue
			}
			spent, err := s.d.Store.SpendCredit(ctx, who.OpenID, tpl.ID, s.now())
			if err != nil {
				r.retry = true
				r.note("credit: " + err.Error())
				return r
			}
			if !spent {
				r.note("subscribe: no credit")
				continue
			}
			err = s.d.WeChat.SendSubscribe(ctx, wechat.SubscribeMessage{ToUser: who.OpenID, TemplateID: tpl.ID,
				Page: page, Data: tpl.Render(row.Payload)})
			if err == nil {
				r.channel = ChannelSubscribe
				return r
			}
			if wechat.IsNoCredit(err) {
				_ = s.d.Store.ClearCredits(ctx, who.OpenID, tpl.ID, s.now())
			} else {
				_ = s.d.Store.RefundCredit(context.WithoutCancel(ctx), who.OpenID, tpl.ID, s.now())
			}
			if s.passOver(ctx, &r, "subscribe", err) {
				continue
			}
			return r
		case ChannelTemplate:
			tpl, ok := s.o.Templates.Official(row.Event)
			switch {
			case !ok || s.d.WeChat == nil:
				r.note("template: no template")
				continue
			case who.OAOpenID == "":
				r.note("template: official-account openid unknown")
				continue
			}
			err := s.d.WeChat.SendTemplate(ctx, wechat.TemplateMessage{ToUser: who.OAOpenID, TemplateID: tpl.ID,
				MiniProgramPage: page, Data: tpl.Render(row.Payload)})
			if err == nil {
				r.channel = ChannelTemplate
				return r
			}
			if s.passOver(ctx, &r, "template", err) {
				continue
			}
			return r
		}
	}
	r.channel = ChannelInbox
	return r
}

func (s *Service) deliverStaff(ctx context.Context, row *Row, id int64) result {
	var r result
	who, err := s.d.Store.Staff(ctx, id)
	switch {
	case errs.Is(err, errs.NotFound):
		return result{channel: ChannelInbox, notes: []string{"staff user not found"}}
	case err != nil:
		return result{retry: true, notes: []string{"staff lookup: " + err.Error()}}
	case who.Disabled:
		return result{channel: ChannelInbox, notes: []string{"staff user disabled"}}
	}
	for _, ch := range row.Channels {
		if ch != ChannelWork {
			continue
		}
		if s.d.WeChat == nil || who.WecomUserID == "" {
			r.note("work: no Work WeChat user id")
			continue
		}
		text := "【阳光代办】" + str(row.Payload, "title") + "\n" + str(row.Payload, "body")
		err := s.d.WeChat.SendWorkText(ctx, who.WecomUserID, text)
		if err == nil {
			r.channel = ChannelWork
			return r
		}
		if wechat.IsInvalidUser(err) {
			r.note("work: invalid user " + who.WecomUserID)
			continue
		}
		if s.passOver(ctx, &r, "work", err) {
			continue
		}
		return r
	}
	r.channel = ChannelInbox
	return r
}

// passOver records a failed send and reports whether to try the next
// channel: a temporary failure (or the worker stopping) retries the whole
// row later instead, so a WeChat outage does not push every notice down to
// a lesser channel.
func (s *Service) passOver(ctx context.Context, r *result, ch string, err error) bool {
	r.note(ch + ": " + err.Error())
	if wechat.IsTemporary(err) || ctx.Err() != nil {
		r.retry = true
		return false
	}
	return true
}

func (r result) summary() string {
	s := strings.Join(r.notes, "; ")
	if len([]rune(s)) > 480 {
		s = string([]rune(s)[:480]) + "…"
	}
	return s
}
