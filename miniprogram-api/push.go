package mpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/audit"
	"sunshine/app/errs"
	"sunshine/app/wechat"
)

// pushService handles what WeChat posts to /wechat/push: the verifier
// refuses bad signatures, stale timestamps and replayed nonces (each push is
// handled once); popups grant subscribe credits; subscription changes and
// delivery reports are recorded in the audit trail.
type pushService struct {
	verifier *wechat.PushVerifier
	seen     *wechat.NonceGuard // content of handled pushes (WeChat's retries carry new nonces); nil: none
	credits  Credits
	recorder audit.Store
	now      func() time.Time
	log      *slog.Logger
}

// pushMemory is how long a handled push is remembered by its content.
const pushMemory = 24 * time.Hour

// pushError maps a verification failure to the answer WeChat gets.
func pushError(err error) error {
	switch {
	case errors.Is(err, wechat.ErrReplayed):
		return errs.E(errs.Conflict, "重复的推送")
	case errors.Is(err, wechat.ErrBadSignature), errors.Is(err, wechat.ErrStaleTimestamp):
		return errs.E(errs.Unauthenticated, "推送签名无效或已过期")
	case errors.Is(err, wechat.ErrBadPush):
		return errs.E(errs.Invalid, "推送内容格式不正确")
	}
	return errs.Wrap(errs.Unavailable, "推送暂时无法处理", err)
}

// handle verifies, decodes and processes one push. A processing failure
// releases the nonce so that WeChat's retry of the same push is accepted.
func (p *pushService) handle(ctx context.Context, q wechat.PushQuery, body []byte) error {
	ev, err := p.verifier.Open(ctx, q, body)
	if err != nil {
		return pushError(err)
	}
	sum := sha256.Sum256(ev.Raw)
	digest := hex.EncodeToString(sum[:])
	if p.seen != nil {
		switch err := p.seen.Claim(ctx, "event", digest); {
		case errors.Is(err, wechat.ErrReplayed):
			return nil // the same push came again with a new nonce: handled already
		case err != nil:
			p.forget(ctx, q, "")
			return errs.Wrap(errs.Unavailable, "推送暂时无法处理", err)
		}
	}
	if err := p.process(ctx, ev); err != nil {
		p.forget(ctx, q, digest)
		return err
	}
	return nil
}

// forget lets WeChat's retry of a push that failed be handled.
func (p *pushService) forget(ctx context.Context, q wechat.PushQuery, digest string) {
	if err := p.verifier.Forget(ctx, q); err != nil {
		p.log.WarnContext(ctx, "push nonce not released", "err", err)
	}
	if digest != "" && p.seen != nil {
		if err := p.seen.Release(ctx, "event", digest); err != nil {
			p.log.WarnContext(ctx, "push digest not released", "err", err)
		}
	}
}

func (p *pushService) process(ctx context.Context, ev *wechat.PushEvent) error {
	switch ev.Event {
	case wechat.EventSubscribePopup:
		ids := ev.Accepted()
		if len(ids) > 0 {
			if p.credits == nil {
				return errs.E(errs.Unavailable, "消息服务暂不可用")
			}
			if err := p.credits.Grant(ctx, ev.FromUserName, ids); err != nil {
				return err
			}
		}
		return p.record(ctx, ev, "accepted="+strings.Join(ids, ",")+" rejected="+strings.Join(ev.Rejected(), ","))
	case wechat.EventSubscribeChange:
		return p.record(ctx, ev, "accepted="+strings.Join(ev.Accepted(), ",")+" rejected="+strings.Join(ev.Rejected(), ","))
	case wechat.EventSubscribeSent:
		var parts []string
		for _, s := range ev.Sent {
			parts = append(parts, s.TemplateID+":"+itoa(int64(s.ErrorCode))+":"+s.ErrorStatus)
		}
		return p.record(ctx, ev, "sent="+strings.Join(parts, ","))
	}
	p.log.InfoContext(ctx, "wechat push ignored", "msg_type", ev.MsgType, "event", ev.Event)
	return nil
}

// record keeps a subscription event in the audit trail (the openid is a
// pseudonymous id, not a secret).
func (p *pushService) record(ctx context.Context, ev *wechat.PushEvent, detail string) error {
	if p.recorder == nil {
		return nil
	}
	r := &audit.Record{ActorRole: "wechat", ActorName: "微信推送", Action: "wechat." + ev.Event,
		ObjectType: "wechat_user", ObjectID: ev.FromUserName, Detail: detail}
	audit.Fill(ctx, r, p.now())
	return p.recorder.Append(ctx, r)
}

func pushQuery(c *fiber.Ctx) wechat.PushQuery {
	v, _ := url.ParseQuery(string(c.Request().URI().QueryString())) // string() copies
	return wechat.ParsePushQuery(v)
}

// pushEcho is GET /wechat/push: WeChat's URL verification (echostr).
func (h *handlers) pushEcho(c *fiber.Ctx) error {
	echo, err := h.push.verifier.Echo(c.UserContext(), pushQuery(c))
	if err != nil {
		return pushError(err)
	}
	return c.Type("txt").SendString(echo)
}

// pushReceive is POST /wechat/push: one signed (and in safe mode encrypted)
// push → "success".
func (h *handlers) pushReceive(c *fiber.Ctx) error {
	body := append([]byte(nil), c.Body()...)
	if err := h.push.handle(c.UserContext(), pushQuery(c), body); err != nil {
		return err
	}
	return c.Type("txt").SendString("success")
}
