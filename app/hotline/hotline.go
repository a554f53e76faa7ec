// Package hotline takes in the work orders of the 2135 enterprise hotline
// (SPEC §5): it verifies the HMAC signature and the timestamp window,
// validates the order, and creates a case through the case service — once per
// order_no, whatever the number of retries or concurrent deliveries.
package hotline

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// Window is how far X-Timestamp may be from the server clock.
const Window = 5 * time.Minute

// Submitter creates cases (cases.Service implements it).
type Submitter interface {
	// Submit creates a case. Returns unprocessable, forbidden, and conflict
	// on a duplicate hotline order.
	Submit(ctx context.Context, v cases.Viewer, in cases.SubmitInput) (*casework.Case, error)
}

// Finder finds the case of an order (storage's case store implements it).
type Finder interface {
	// CaseByHotlineOrder returns the case of an order. Returns not_found.
	CaseByHotlineOrder(ctx context.Context, orderNo string) (*casework.Case, error)
}

// Service verifies and takes in hotline orders.
type Service struct {
	secret []byte
	cases  Submitter
	find   Finder
	audit  audit.Store
	now    func() time.Time
	log    *slog.Logger
	seen   redis.UniversalClient // replay guard; nil: none
	prefix string                // of the guard's keys
}

// GuardReplays makes Verify recognise a signed request that was already
// accepted once (the same X-Signature within the window), remembering
// signatures in Redis so that every instance knows them. Such an exact
// repeat is what the hotline system sends when its first try timed out
// (SPEC §5): it is accepted, logged as a repeat, and gets the same case,
// since intake is idempotent on order_no — the signature covers the body,
// so a repeat can carry nothing new. Stale, forged and altered requests stay
// refused by the signature and the window. Keys start with prefix
// ("hotline:sig:" when empty).
func (s *Service) GuardReplays(rdb redis.UniversalClient, prefix string) *Service {
	if prefix == "" {
		prefix = "hotline:sig:"
	}
	s.seen, s.prefix = rdb, prefix
	return s
}

// New builds the service; now may be nil (time.Now).
func New(secret string, submit Submitter, find Finder, auditStore audit.Store, now func() time.Time, log *slog.Logger) (*Service, error) {
	if secret == "" {
		return nil, errors.New("hotline: no secret configured")
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{secret: []byte(secret), cases: submit, find: find, audit: auditStore, now: now, log: log}, nil
}

// Sign returns the signature of a body sent at timestamp: hex HMAC-SHA256
// over timestamp + "\n" + body (what the hotline system computes).
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte("\n"))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Verify checks X-Timestamp (unix seconds within Window of the server
// clock) and X-Signature in constant time. Every refusal is audited.
// Errors: unauthenticated.
func (s *Service) Verify(ctx context.Context, timestamp, signature string, body []byte) error {
	fail := func(detail, msg string) error {
		s.deny(ctx, detail)
		return errs.E(errs.Unauthenticated, msg)
	}
	timestamp, signature = strings.TrimSpace(timestamp), strings.TrimSpace(signature)
	if timestamp == "" || signature == "" {
		return fail("missing headers", "缺少签名（X-Timestamp 与 X-Signature）")
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || strings.HasPrefix(timestamp, "+") {
		return fail("bad timestamp", "X-Timestamp 应为 Unix 秒数")
	}
	got, err := hex.DecodeString(signature)
	if err != nil {
		return fail("bad signature encoding", "签名无效")
	}
	mac := hmac.New(sha256.New, s.secret)
	mac.Write([]byte(timestamp))
	mac.Write([]byte("\n"))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return fail("bad signature", "签名无效")
	}
	if d := s.now().Sub(time.Unix(sec, 0)); d > Window || d < -Window {
		return fail("stale timestamp", "请求已过期（X-Timestamp 与服务器时间相差超过5分钟）")
	}
	if s.seen != nil {
		// Kept a little longer than a timestamp stays acceptable.
		fresh, err := s.seen.SetNX(ctx, s.prefix+strings.ToLower(signature), 1, 2*Window+time.Minute).Result()
		switch {
		case err != nil:
			// order_no keeps intake idempotent anyway: accept rather than
			// stop the hotline while Redis is down.
			s.log.Warn("hotline replay guard unavailable", "err", err)
		case !fresh:
			// A transport retry of the very same request: the order's case
			// is answered again (Intake finds it by order_no).
			s.log.Info("hotline request repeated", "timestamp", timestamp)
		}
	}
	return nil
}

func (s *Service) deny(ctx context.Context, detail string) {
	if s.audit == nil {
		return
	}
	r := &audit.Record{ActorRole: string(casework.RoleHotline), ActorName: casework.RoleHotline.Label(),
		Action: "hotline.order", ObjectType: "hotline", Result: audit.Denied, Detail: detail}
	audit.Fill(ctx, r, s.now())
	if err := s.audit.Append(ctx, r); err != nil {
		s.log.Error("audit write failed", "err", err, "action", r.Action)
	}
}
