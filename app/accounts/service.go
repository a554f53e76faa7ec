package accounts

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/session"
)

// Options are what the account service needs.
type Options struct {
	Store    StaffStore
	Sessions *session.Store
	KV       redis.UniversalClient // login failure counters
	Audit    audit.Store
	Now      func() time.Time // nil: time.Now; tests inject a clock
	Log      *slog.Logger
	Limits   Limits // zero: DefaultLimits
	// TwoFactor says who must have a second factor (zero: off).
	TwoFactor TwoFactorPolicy
	// SecretKey is the master key the TOTP secrets are encrypted with (the
	// materials key, SUNSHINE_ATTACHMENT_KEY).
	SecretKey string
	// SecretKeyPrevious is the master key being rotated away from
	// (SUNSHINE_ATTACHMENT_KEY_PREVIOUS): secrets under it still open.
	SecretKeyPrevious string
	// Codes keeps the recovery codes; nil: Store, when it implements it.
	Codes RecoveryStore
	// BcryptCost hashes the passwords staff set themselves (zero: the
	// default cost; tests that are not about bcrypt use the minimum).
	BcryptCost int
}

// Service runs staff logins and sessions and the administration of staff
// accounts. Every login (both outcomes) and every change is audited.
type Service struct {
	store    StaffStore
	sessions *session.Store
	throttle *throttle
	kv       redis.UniversalClient
	box      *secretBox
	codes    RecoveryStore
	policy   TwoFactorPolicy
	cost     int
	audit    audit.Store
	now      func() time.Time
	log      *slog.Logger
}

// NewService builds the service.
func NewService(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Limits == (Limits{}) {
		o.Limits = DefaultLimits
	}
	if o.Codes == nil {
		o.Codes, _ = o.Store.(RecoveryStore)
	}
	if o.BcryptCost == 0 {
		o.BcryptCost = bcrypt.DefaultCost
	}
	if o.TwoFactor == "" {
		o.TwoFactor = TwoFactorOff
	}
	return &Service{store: o.Store, sessions: o.Sessions, throttle: &throttle{rdb: o.KV, limits: o.Limits},
		kv: o.KV, cost: o.BcryptCost, box: newSecretBox(o.SecretKey, o.SecretKeyPrevious), codes: o.Codes, policy: o.TwoFactor,
		audit: o.Audit, now: o.Now, log: o.Log}
}

// Authenticate returns the staff member behind a session token. The account
// is loaded on every request, so a disabled account or a changed role stops
// working at once even if ending its sessions failed. Errors:
// unauthenticated, unavailable.
func (s *Service) Authenticate(ctx context.Context, token string) (*Staff, error) {
	u, _, err := s.AuthenticateSession(ctx, token)
	return u, err
}

// Logout ends the session of token. Errors: unavailable.
func (s *Service) Logout(ctx context.Context, by *Staff, token string) error {
	if err := s.sessions.Delete(ctx, session.Staff, token); err != nil {
		return err
	}
	s.record(ctx, by.Actor(), "staff.logout", by.ID, audit.OK, "")
	return nil
}

// endAll ends every session of a user; a failure is logged, not returned,
// because Authenticate refuses the sessions anyway.
func (s *Service) endAll(ctx context.Context, id int64) {
	if err := s.sessions.DeleteAll(ctx, session.Staff, id); err != nil {
		s.log.Warn("ending sessions failed", "user_id", id, "err", err)
	}
}

// record appends an audit record about a staff account; a failure is logged.
func (s *Service) record(ctx context.Context, by casework.Actor, action string, target int64, result, detail string) {
	r := &audit.Record{ActorID: by.ID, ActorRole: string(by.Role), ActorName: by.Name, Action: action,
		ObjectType: "staff_user", Result: result, Detail: detail}
	if target != 0 {
		r.ObjectID = strconv.FormatInt(target, 10)
	}
	audit.Fill(ctx, r, s.now())
	if err := s.audit.Append(ctx, r); err != nil {
		s.log.Error("audit write failed", "action", action, "err", err)
	}
}
