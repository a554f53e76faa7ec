package members

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/session"
	"sunshine/app/wechat"
)

// WeChat is the part of the WeChat adapter members need (wechat.Client).
// Errors are *wechat.Error; see wechat.IsCodeInvalid and friends.
type WeChat interface {
	Code2Session(ctx context.Context, code string) (wechat.Session, error)
	PhoneNumber(ctx context.Context, code string) (string, error)
}

// CaseService is the part of the case service members need (cases.Service).
type CaseService interface {
	// Submit creates a case. Errors: unprocessable, forbidden.
	Submit(ctx context.Context, v cases.Viewer, in cases.SubmitInput) (*casework.Case, error)
	// SubmitOnce is Submit honouring in.Key (Idempotency-Key): a replay
	// returns the first case with replayed true.
	SubmitOnce(ctx context.Context, v cases.Viewer, in cases.SubmitInput) (*casework.Case, bool, error)
	// CanSee returns a case the viewer may see. Errors: not_found, forbidden.
	CanSee(ctx context.Context, v cases.Viewer, id int64) (*casework.Case, error)
}

// UrgeNotifier records an enterprise's urge (催办) and queues its reminders
// (notify.Service): the specialist, and the head too when overdue.
type UrgeNotifier interface {
	// Urge refuses a second urge of the case within UrgeInterval. Errors:
	// too_many, conflict (case finished), unavailable.
	Urge(ctx context.Context, c *casework.Case, by casework.Actor) error
}

// Deps are what the service needs; Urged, Docs and Notices may be nil.
type Deps struct {
	Store    Store
	Sessions *session.Store
	WeChat   WeChat
	KV       redis.UniversalClient
	Cases    CaseService
	Urged    UrgeNotifier
	Docs     DocumentFiles // claim documents; nil: uploads unavailable
	Notices  Notices       // claim decisions; nil: nobody is notified
	Now      func() time.Time
	Log      *slog.Logger
	// KeyPrefix prefixes the Redis keys of the service (default
	// DefaultKeyPrefix); tests sharing a Redis use their own.
	KeyPrefix string
}

// DefaultKeyPrefix prefixes the service's Redis keys.
const DefaultKeyPrefix = "sunshine:members:"

// Service runs the enterprise user's use cases.
type Service struct{ d Deps }

// New builds the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.KeyPrefix == "" {
		d.KeyPrefix = DefaultKeyPrefix
	}
	return &Service{d: d}
}

// LoginResult is a new session: the token is shown to the client once.
type LoginResult struct {
	Token     string
	ExpiresAt time.Time
	Profile   *Profile
}

// sessionKeyField is where the WeChat session_key is kept in the session:
// server-side only, for decrypting data the mini-program may send later.
const sessionKeyField = "wx_session_key"

// LoginLimit is how many logins one address may try per minute.
const LoginLimit = 30

// Login exchanges a wx.login code for a session. The member is created on
// first login. Errors: wx_code_invalid (invalid or reused code), forbidden
// (WeChat blocked the user), unavailable (WeChat busy or rate limited —
// retry), too_many (login flood from one address).
func (s *Service) Login(ctx context.Context, code string) (*LoginResult, error) {
	if code == "" || len(code) > 128 {
		return nil, &errs.Error{Code: errs.Unprocessable, Message: "请提供微信登录凭证",
			Fields: map[string]string{"code": "请提供 wx.login 返回的 code"}}
	}
	now := s.d.Now()
	if ip := audit.RequestFrom(ctx).IP; ip != "" {
		ok, err := s.allow(ctx, s.d.KeyPrefix+"login:ip:"+ip, LoginLimit, time.Minute, now)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errs.E(errs.TooMany, "登录过于频繁，请稍后再试")
		}
	}
	ws, err := s.d.WeChat.Code2Session(ctx, code)
	if err != nil {
		return nil, s.wxLoginError(ctx, err)
	}
	m, err := s.d.Store.UpsertMember(ctx, ws.OpenID, ws.UnionID, now)
	if err != nil {
		return nil, err
	}
	token, sess, err := s.d.Sessions.Create(ctx, session.Member, m.ID, string(casework.RoleEnterprise),
		map[string]any{sessionKeyField: ws.SessionKey})
	if err != nil {
		return nil, err
	}
	s.audit(ctx, m.Viewer().Actor, "member.login", "member", m.ID, audit.OK, "")
	p, err := s.Profile(ctx, m)
	if err != nil {
		return nil, err
	}
	return &LoginResult{Token: token, ExpiresAt: sess.ExpiresAt(s.d.Sessions.Policy(session.Member)), Profile: p}, nil
}

// Authenticate returns the member of a session token, read fresh so that a
// verification takes effect at once. Errors: unauthenticated, unavailable.
func (s *Service) Authenticate(ctx context.Context, token string) (*Member, error) {
	sess, err := s.d.Sessions.Get(ctx, session.Member, token)
	if err != nil {
		return nil, err
	}
	m, err := s.d.Store.Member(ctx, sess.SubjectID)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.E(errs.Unauthenticated, "登录已失效，请重新登录")
	}
	return m, err
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.d.Sessions.Delete(ctx, session.Member, token)
}

// Profile returns the member with their enterprise.
func (s *Service) Profile(ctx context.Context, m *Member) (*Profile, error) {
	p := &Profile{Member: m}
	if m.EnterpriseID == 0 {
		return p, nil
	}
	e, err := s.d.Store.Enterprise(ctx, m.EnterpriseID)
	if err != nil {
		return nil, err
	}
	p.Enterprise = e
	return p, nil
}

// BindPhone exchanges a getPhoneNumber code for the user's number and keeps
// it. Errors: unprocessable (invalid or used code), unavailable.
func (s *Service) BindPhone(ctx context.Context, m *Member, code string) (*Profile, error) {
	if code == "" || len(code) > 128 {
		return nil, &errs.Error{Code: errs.Unprocessable, Message: "请提供手机号授权凭证",
			Fields: map[string]string{"code": "请提供 getPhoneNumber 返回的 code"}}
	}
	phone, err := s.d.WeChat.PhoneNumber(ctx, code)
	if err != nil {
		if wechat.IsCodeInvalid(err) {
			return nil, &errs.Error{Code: errs.Unprocessable, Message: "手机号授权凭证无效或已使用",
				Fields: map[string]string{"code": "手机号授权凭证无效或已使用，请重新授权"}}
		}
		return nil, s.wxLoginError(ctx, err)
	}
	if err := s.d.Store.SetPhone(ctx, m.ID, phone, s.d.Now()); err != nil {
		return nil, err
	}
	m.Phone = phone
	s.audit(ctx, m.Viewer().Actor, "member.phone", "member", m.ID, audit.OK, "")
	return s.Profile(ctx, m)
}

// wxLoginError maps a WeChat failure to the code the client acts on.
func (s *Service) wxLoginError(ctx context.Context, err error) error {
	switch {
	case wechat.IsCodeInvalid(err):
		return errs.Wrap(errs.WxCodeInvalid, "微信登录凭证无效或已使用，请重新登录", err)
	case wechat.IsForbidden(err):
		return errs.Wrap(errs.Forbidden, "该微信账号存在安全风险，暂时无法登录", err)
	case wechat.IsRateLimited(err), wechat.IsSystemBusy(err), wechat.IsTemporary(err):
		s.d.Log.WarnContext(ctx, "wechat temporarily unavailable", "err", err)
		return errs.Wrap(errs.Unavailable, "微信服务繁忙，请稍后重试", err)
	}
	return errs.Wrap(errs.Internal, "微信服务调用失败", err)
}

// audit writes one record in its own short transaction; a failure is logged.
func (s *Service) audit(ctx context.Context, a casework.Actor, action, objType string, id int64, result, detail string) {
	r := s.record(ctx, a, action, objType, id, detail)
	r.Result = result
	if err := s.d.Store.InTx(ctx, func(tx Tx) error { return tx.Audit(r) }); err != nil {
		s.d.Log.ErrorContext(ctx, "audit write failed", "action", action, "err", err)
	}
}

// allow counts one event in the fixed window that now falls in and reports
// whether the count is within limit. The count lives in Redis, shared by
// every instance; the window comes from the service clock, so the rule
// holds under a test clock, and the TTL only collects garbage.
func (s *Service) allow(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (bool, error) {
	slot := now.UnixNano() / int64(window)
	k := key + ":" + strconv.FormatInt(slot, 10)
	pipe := s.d.KV.TxPipeline()
	incr := pipe.Incr(ctx, k)
	pipe.Expire(ctx, k, 2*window)
	if _, err := pipe.Exec(ctx); err != nil {
		return false, errs.Wrap(errs.Unavailable, "服务暂不可用，请稍后再试", err)
	}
	return incr.Val() <= int64(limit), nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
