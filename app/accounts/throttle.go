package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"sunshine/app/errs"
)

// Limits are the login throttling rules.
type Limits struct {
	AccountFailures int           // failures on one account within AccountWindow …
	AccountWindow   time.Duration // … lock it
	AccountLock     time.Duration // for this long
	IPFailures      int           // failures from one address within IPWindow block it
	IPWindow        time.Duration
}

// DefaultLimits are those of issue #3: 5 failures in 15 min lock an account
// for 30 min; 20 failures in 15 min block an address.
var DefaultLimits = Limits{AccountFailures: 5, AccountWindow: 15 * time.Minute, AccountLock: 30 * time.Minute,
	IPFailures: 20, IPWindow: 15 * time.Minute}

// throttle counts login failures in Redis, shared by every instance. Times
// come from the injected clock and are stored as scores and values, so the
// rules hold under a test clock; Redis TTLs only collect garbage.
type throttle struct {
	rdb    redis.UniversalClient
	limits Limits
}

// accountKey hides the typed name (it may be a mistyped password) and folds
// case, since MySQL compares usernames case-insensitively.
func accountKey(username string) string {
	h := sha256.Sum256([]byte(strings.ToLower(username)))
	return hex.EncodeToString(h[:12])
}

func failKey(kind, id string) string { return "login:fail:" + kind + ":" + id }
func lockKey(id string) string       { return "login:lock:acct:" + id }

func unavailable(err error) error {
	return errs.Wrap(errs.Unavailable, "登录服务暂不可用，请稍后再试", err)
}

// lockedUntil returns when the account's lock ends (zero if not locked).
func (t *throttle) lockedUntil(ctx context.Context, acct string, now time.Time) (time.Time, error) {
	v, err := t.rdb.Get(ctx, lockKey(acct)).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, unavailable(err)
	}
	ms, _ := strconv.ParseInt(v, 10, 64)
	until := time.UnixMilli(ms)
	if !until.After(now) {
		return time.Time{}, nil
	}
	return until, nil
}

// ipBlocked reports whether the address has too many recent failures.
func (t *throttle) ipBlocked(ctx context.Context, ip string, now time.Time) (bool, error) {
	if ip == "" {
		return false, nil
	}
	n, err := t.rdb.ZCount(ctx, failKey("ip", ip), strconv.FormatInt(now.Add(-t.limits.IPWindow).UnixMilli(), 10), "+inf").Result()
	if err != nil {
		return false, unavailable(err)
	}
	return int(n) >= t.limits.IPFailures, nil
}

// fail records a failure of the account from ip and returns when the
// account is locked as a result (zero if not).
func (t *throttle) fail(ctx context.Context, acct, ip string, now time.Time) (time.Time, error) {
	n, err := t.add(ctx, failKey("acct", acct), now, t.limits.AccountWindow)
	if err != nil {
		return time.Time{}, err
	}
	if ip != "" {
		if _, err := t.add(ctx, failKey("ip", ip), now, t.limits.IPWindow); err != nil {
			return time.Time{}, err
		}
	}
	if n < t.limits.AccountFailures {
		return time.Time{}, nil
	}
	until := now.Add(t.limits.AccountLock)
	if err := t.rdb.Set(ctx, lockKey(acct), strconv.FormatInt(until.UnixMilli(), 10), t.limits.AccountLock).Err(); err != nil {
		return time.Time{}, unavailable(err)
	}
	t.rdb.Del(ctx, failKey("acct", acct))
	return until, nil
}

// add appends one failure to a sliding window and returns how many fall
// within it.
func (t *throttle) add(ctx context.Context, key string, now time.Time, window time.Duration) (int, error) {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	member := strconv.FormatInt(now.UnixNano(), 10) + "-" + hex.EncodeToString(b)
	pipe := t.rdb.TxPipeline()
	pipe.ZAdd(ctx, key, redis.Z{Score: float64(now.UnixMilli()), Member: member})
	pipe.ZRemRangeByScore(ctx, key, "-inf", "("+strconv.FormatInt(now.Add(-window).UnixMilli(), 10))
	card := pipe.ZCard(ctx, key)
	pipe.Expire(ctx, key, window)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, unavailable(err)
	}
	return int(card.Val()), nil
}

// succeed forgets the account's failures (the address keeps its count, so
// one valid account cannot launder guesses at others).
func (t *throttle) succeed(ctx context.Context, acct string) {
	t.rdb.Del(ctx, failKey("acct", acct))
}

// unlock forgets the account's failures and lifts its lock.
func (t *throttle) unlock(ctx context.Context, acct string) {
	t.rdb.Del(ctx, failKey("acct", acct)) // one key per call: the keys may live on different cluster slots
	t.rdb.Del(ctx, lockKey(acct))
}

// lockedError is the answer while an account is locked.
func lockedError(until, now time.Time) error {
	mins := int(until.Sub(now).Minutes()) + 1
	return errs.Ef(errs.Locked, "登录失败次数过多，账号已被锁定，请%d分钟后再试", mins)
}
