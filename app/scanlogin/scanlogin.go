// Package scanlogin runs the portal's scan-to-login (SPEC §5): the browser
// asks for a ticket, shows it as a mini-program code, the logged-in
// mini-program user confirms it, and the waiting browser takes the ticket
// once and is logged in as that user.
//
// A ticket is random, at most 32 characters (WeChat's scene limit), lives
// five minutes and is used once. It is kept in Redis, shared by every
// instance, in one hash per ticket; every change is one Lua script, so two
// confirmations or two takes cannot interleave. Only the browser that asked
// for a ticket can take it: it holds a secret whose hash the ticket keeps.
// Expiry is decided by the service clock (tests inject one); the Redis TTL
// only collects garbage, and outlives the ticket so that an expired ticket
// is told apart from an unknown one.
package scanlogin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"sunshine/app/errs"
)

// TTL is how long a ticket may be confirmed and taken.
const TTL = 5 * time.Minute

// keep is how long Redis keeps a ticket after it was made, so that an
// expired ticket can still be named as expired.
const keep = 30 * time.Minute

// DefaultKeyPrefix prefixes the Redis keys of the service.
const DefaultKeyPrefix = "sunshine:scanlogin:"

// State is where a ticket stands.
type State string

// Ticket states as a caller sees them.
const (
	Pending   State = "pending"   // shown, not yet confirmed
	Confirmed State = "confirmed" // confirmed in the mini-program, not yet taken
	Used      State = "used"      // taken by the browser: spent
	Expired   State = "expired"   // older than TTL
	Unknown   State = "unknown"   // never made here (or long gone)
)

// Service makes, confirms and takes tickets.
type Service struct {
	rdb    redis.UniversalClient
	now    func() time.Time
	prefix string
}

// New returns a service; now may be nil (time.Now), prefix empty (DefaultKeyPrefix).
func New(rdb redis.UniversalClient, now func() time.Time, prefix string) *Service {
	if now == nil {
		now = time.Now
	}
	if prefix == "" {
		prefix = DefaultKeyPrefix
	}
	return &Service{rdb: rdb, now: now, prefix: prefix}
}

// Ticket is a new ticket and the browser secret that may take it.
type Ticket struct {
	ID        string // the scene of the mini-program code: 24 characters
	Secret    string // kept by the browser (a cookie); never shown in the page
	ExpiresAt time.Time
}

// alphabet is a subset of the characters WeChat allows in a scene.
const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

// idLen gives 24 × log2(57) ≈ 140 random bits.
const idLen = 24

func randomID() (string, error) {
	b := make([]byte, idLen)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	var sb strings.Builder
	for _, x := range b {
		// 256 is not a multiple of 57: reject the top to keep it uniform.
		for x >= 228 {
			var one [1]byte
			if _, err := rand.Read(one[:]); err != nil {
				return "", err
			}
			x = one[0]
		}
		sb.WriteByte(alphabet[int(x)%len(alphabet)])
	}
	return sb.String(), nil
}

// ValidID reports whether s has the shape of a ticket id.
func ValidID(s string) bool {
	if len(s) != idLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(alphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func (s *Service) key(id string) string { return s.prefix + "t:{" + id + "}" }

func unavailable(err error) error {
	return errs.Wrap(errs.Unavailable, "登录服务暂不可用，请稍后再试", err)
}

// Create makes a ticket. Errors: unavailable.
func (s *Service) Create(ctx context.Context) (*Ticket, error) {
	id, err := randomID()
	if err != nil {
		return nil, errs.Wrap(errs.Internal, "无法生成二维码", err)
	}
	sec := make([]byte, 32)
	if _, err := rand.Read(sec); err != nil {
		return nil, errs.Wrap(errs.Internal, "无法生成二维码", err)
	}
	t := &Ticket{ID: id, Secret: hex.EncodeToString(sec), ExpiresAt: s.now().Add(TTL)}
	k := s.key(id)
	pipe := s.rdb.TxPipeline()
	pipe.HSet(ctx, k, "state", string(Pending), "exp", strconv.FormatInt(t.ExpiresAt.UnixMilli(), 10),
		"secret", hashSecret(t.Secret))
	pipe.Expire(ctx, k, keep)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, unavailable(err)
	}
	return t, nil
}

// confirmScript: KEYS[1] ticket; ARGV now (ms), member id.
var confirmScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'state')
if not st then return 'unknown' end
if tonumber(ARGV[1]) > tonumber(redis.call('HGET', KEYS[1], 'exp')) then return 'expired' end
if st == 'pending' then
  redis.call('HSET', KEYS[1], 'state', 'confirmed', 'member', ARGV[2])
  return 'ok'
end
if st == 'confirmed' then
  if redis.call('HGET', KEYS[1], 'member') == ARGV[2] then return 'ok' end
  return 'taken'
end
return 'used'
`)

// Confirm records that memberID, logged in to the mini-program, confirms the
// ticket. Confirming again by the same member is harmless. Errors: not_found
// (unknown ticket), conflict (expired, already used, or confirmed by another
// member — who cannot take it over), unavailable.
func (s *Service) Confirm(ctx context.Context, id string, memberID int64) error {
	if !ValidID(id) {
		return errs.E(errs.NotFound, "二维码无效，请在电脑上刷新后重新扫码")
	}
	res, err := confirmScript.Run(ctx, s.rdb, []string{s.key(id)}, s.now().UnixMilli(), memberID).Text()
	if err != nil {
		return unavailable(err)
	}
	switch res {
	case "ok":
		return nil
	case "unknown":
		return errs.E(errs.NotFound, "二维码无效，请在电脑上刷新后重新扫码")
	case "expired":
		return errs.E(errs.Conflict, "二维码已过期，请在电脑上刷新后重新扫码")
	case "taken":
		return errs.E(errs.Conflict, "该二维码已由其他用户确认，不能再次确认")
	}
	return errs.E(errs.Conflict, "该二维码已使用，请在电脑上刷新后重新扫码")
}

// takeScript: KEYS[1] ticket; ARGV now (ms), secret hash.
var takeScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'state')
if not st then return 'unknown' end
if redis.call('HGET', KEYS[1], 'secret') ~= ARGV[2] then return 'unknown' end
if st == 'used' then return 'used' end
if tonumber(ARGV[1]) > tonumber(redis.call('HGET', KEYS[1], 'exp')) then return 'expired' end
if st == 'pending' then return 'pending' end
redis.call('HSET', KEYS[1], 'state', 'used')
return 'member:' .. redis.call('HGET', KEYS[1], 'member')
`)

// Take is the waiting browser's poll: with the ticket's secret it returns
// Pending until the ticket is confirmed, then once Confirmed with the member
// id (the ticket is spent), then Used; Expired and Unknown (also for a wrong
// secret) otherwise. Errors: unavailable.
func (s *Service) Take(ctx context.Context, id, secret string) (State, int64, error) {
	if !ValidID(id) || secret == "" || len(secret) > 128 {
		return Unknown, 0, nil
	}
	res, err := takeScript.Run(ctx, s.rdb, []string{s.key(id)}, s.now().UnixMilli(), hashSecret(secret)).Text()
	if err != nil {
		return "", 0, unavailable(err)
	}
	if v, ok := strings.CutPrefix(res, "member:"); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return Unknown, 0, nil
		}
		return Confirmed, n, nil
	}
	return State(res), 0, nil
}
