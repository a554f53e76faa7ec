// Package session keeps login sessions in Redis, shared by every instance:
// opaque tokens of 256 random bits (only their SHA-256 is stored), an idle
// timeout and an absolute lifetime enforced on the server, logout, and
// ending all sessions of a subject at once (disable, role change).
package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"sunshine/app/errs"
)

// Kind separates the session spaces (staff workbench, enterprise users).
type Kind string

// Session kinds.
const (
	Staff  Kind = "staff"
	Member Kind = "member"
)

// Policy is how long a session of a kind lives.
type Policy struct {
	Idle     time.Duration // ends after this long without a request
	Absolute time.Duration // ends this long after login whatever happens
}

// Policies of SPEC §5 and issue #3/#4.
var (
	StaffPolicy  = Policy{Idle: 30 * time.Minute, Absolute: 12 * time.Hour}
	MemberPolicy = Policy{Idle: 30 * 24 * time.Hour, Absolute: 90 * 24 * time.Hour}
)

// Session is what the server knows about a logged-in subject.
type Session struct {
	Kind      Kind           `json:"kind"`
	SubjectID int64          `json:"sub"`
	Role      string         `json:"role"`
	CreatedAt time.Time      `json:"created"`
	LastSeen  time.Time      `json:"seen"`
	Data      map[string]any `json:"data,omitempty"`
}

// ExpiresAt is when the session ends if it stays idle from now on.
func (s *Session) ExpiresAt(p Policy) time.Time {
	idle, abs := s.LastSeen.Add(p.Idle), s.CreatedAt.Add(p.Absolute)
	if idle.Before(abs) {
		return idle
	}
	return abs
}

// Store keeps sessions in Redis.
type Store struct {
	rdb      redis.UniversalClient
	now      func() time.Time
	policies map[Kind]Policy
}

// NewStore returns a store; now may be nil (time.Now), tests inject a clock.
func NewStore(rdb redis.UniversalClient, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{rdb: rdb, now: now, policies: map[Kind]Policy{Staff: StaffPolicy, Member: MemberPolicy}}
}

// SetPolicy overrides the policy of a kind.
func (s *Store) SetPolicy(k Kind, p Policy) { s.policies[k] = p }

// Policy returns the policy of a kind.
func (s *Store) Policy(k Kind) Policy { return s.policies[k] }

func key(k Kind, hash string) string { return "sess:" + string(k) + ":" + hash }
func subjectKey(k Kind, id int64) string {
	return "sess:" + string(k) + ":subject:" + strconv.FormatInt(id, 10)
}
func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Create starts a session and returns its token (shown once, to the client).
func (s *Store) Create(ctx context.Context, k Kind, subjectID int64, role string, data map[string]any) (string, *Session, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, errs.Wrap(errs.Internal, "无法创建会话", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	now := s.now().UTC()
	sess := &Session{Kind: k, SubjectID: subjectID, Role: role, CreatedAt: now, LastSeen: now, Data: data}
	if err := s.save(ctx, hashToken(token), sess, false); err != nil {
		return "", nil, err
	}
	sk := subjectKey(k, subjectID)
	p := s.policies[k]
	if err := s.rdb.SAdd(ctx, sk, hashToken(token)).Err(); err != nil {
		return "", nil, errs.Wrap(errs.Unavailable, "会话服务暂不可用", err)
	}
	s.rdb.Expire(ctx, sk, p.Absolute)
	return token, sess, nil
}

// save writes a session. A touch (existing) only overwrites a session that
// is still there: a logout or DeleteAll on another instance between the
// read and this write must not bring it back.
func (s *Store) save(ctx context.Context, hash string, sess *Session, existing bool) error {
	ttl := sess.ExpiresAt(s.policies[sess.Kind]).Sub(s.now())
	if ttl <= 0 {
		return errs.E(errs.Unauthenticated, "登录已过期，请重新登录")
	}
	b, _ := json.Marshal(sess)
	k := key(sess.Kind, hash)
	if !existing {
		if err := s.rdb.Set(ctx, k, b, ttl).Err(); err != nil {
			return errs.Wrap(errs.Unavailable, "会话服务暂不可用", err)
		}
		s.markActive(ctx, sess.Kind, hash, ttl)
		return nil
	}
	ok, err := s.rdb.SetXX(ctx, k, b, ttl).Result()
	if err != nil {
		return errs.Wrap(errs.Unavailable, "会话服务暂不可用", err)
	}
	if !ok {
		return errs.E(errs.Unauthenticated, "登录已失效，请重新登录")
	}
	s.markActive(ctx, sess.Kind, hash, ttl)
	return nil
}

// Get returns the session of a token and records activity. Errors:
// unauthenticated (unknown, ended, idle or past its absolute lifetime),
// unavailable (Redis down).
func (s *Store) Get(ctx context.Context, k Kind, token string) (*Session, error) {
	if token == "" || len(token) > 100 {
		return nil, errs.E(errs.Unauthenticated, "请先登录")
	}
	hash := hashToken(token)
	b, err := s.rdb.Get(ctx, key(k, hash)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, errs.E(errs.Unauthenticated, "登录已失效，请重新登录")
	}
	if err != nil {
		return nil, errs.Wrap(errs.Unavailable, "会话服务暂不可用", err)
	}
	var sess Session
	if err := json.Unmarshal(b, &sess); err != nil || sess.Kind != k {
		return nil, errs.E(errs.Unauthenticated, "登录已失效，请重新登录")
	}
	p, now := s.policies[k], s.now().UTC()
	if now.After(sess.LastSeen.Add(p.Idle)) || now.After(sess.CreatedAt.Add(p.Absolute)) {
		s.rdb.Del(ctx, key(k, hash))
		return nil, errs.E(errs.Unauthenticated, "登录已过期，请重新登录")
	}
	// Touch at most once a minute to keep Redis writes low.
	if now.Sub(sess.LastSeen) > time.Minute {
		sess.LastSeen = now
		if err := s.save(ctx, hash, &sess, true); err != nil {
			return nil, err
		}
	}
	return &sess, nil
}

// Delete ends one session (logout).
func (s *Store) Delete(ctx context.Context, k Kind, token string) error {
	hash := hashToken(token)
	b, err := s.rdb.GetDel(ctx, key(k, hash)).Bytes()
	if err != nil && !errors.Is(err, redis.Nil) {
		return errs.Wrap(errs.Unavailable, "会话服务暂不可用", err)
	}
	var sess Session
	if json.Unmarshal(b, &sess) == nil && sess.SubjectID != 0 {
		s.rdb.SRem(ctx, subjectKey(k, sess.SubjectID), hash)
	}
	s.markEnded(ctx, k, hash)
	return nil
}

// DeleteAll ends every session of a subject at once.
func (s *Store) DeleteAll(ctx context.Context, k Kind, subjectID int64) error {
	sk := subjectKey(k, subjectID)
	hashes, err := s.rdb.SMembers(ctx, sk).Result()
	if err != nil {
		return errs.Wrap(errs.Unavailable, "会话服务暂不可用", err)
	}
	for _, h := range hashes {
		if err := s.rdb.Del(ctx, key(k, h)).Err(); err != nil {
			return errs.Wrap(errs.Unavailable, "会话服务暂不可用", err)
		}
		s.markEnded(ctx, k, h)
	}
	return s.rdb.Del(ctx, sk).Err()
}

// SetData replaces the data of the session of token (a browser surface
// keeps its CSRF token there after a login). Errors: unauthenticated (the
// session ended), unavailable.
func (s *Store) SetData(ctx context.Context, k Kind, token string, data map[string]any) error {
	sess, err := s.Get(ctx, k, token)
	if err != nil {
		return err
	}
	sess.Data = data
	return s.save(ctx, hashToken(token), sess, true)
}
