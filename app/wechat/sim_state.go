package wechat

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// simState is what the simulated WeChat remembers: spent login codes,
// subscribe credits, official-account followers, Work WeChat members,
// access tokens and the message log. memState keeps it in the process (the
// embedded default); redisState keeps it in Redis so that every instance
// talks to one WeChat and the log survives a restart. Faults, call counts
// and the clock offset stay per process: they are test instruments.
type simState interface {
	useCode(ctx context.Context, code string) (used bool, err error)
	addCredit(ctx context.Context, openid, templateID string) error
	takeCredit(ctx context.Context, openid, templateID string) (bool, error)
	credits(ctx context.Context, openid, templateID string) (int, error)
	setFollower(ctx context.Context, openid, unionid string) error
	unfollow(ctx context.Context, openid string) error
	follower(ctx context.Context, openid string) (string, error)
	followerByUnion(ctx context.Context, unionid string) (string, bool, error)
	addWorkUser(ctx context.Context, id string) error
	isWorkUser(ctx context.Context, id string) (bool, error)
	// issueToken returns the token in slot, or a new one (tok) when forced
	// or when the current one is unusable; a replaced token keeps working
	// for tokenGrace.
	issueToken(ctx context.Context, slot string, kind tokenKind, force bool, now time.Time, tok string) (string, time.Time, error)
	token(ctx context.Context, tok string) (simToken, bool, error)
	invalidateTokens(ctx context.Context) error
	// record appends messages to the log and returns the next message id.
	record(ctx context.Context, msgs ...Message) (int64, error)
	messages(ctx context.Context) ([]Message, error)
}

// memState is simState in process memory.
type memState struct {
	mu        sync.Mutex
	usedCodes map[string]struct{}
	credit    map[[2]string]int
	followers map[string]string // OA openid → unionid; "" value = unfollowed
	workUsers map[string]bool   // lower-case userid
	tokens    map[string]*simToken
	current   map[string]string // token slot → current token
	log       []Message
	seq       int64
}

func newMemState() *memState {
	return &memState{usedCodes: map[string]struct{}{}, credit: map[[2]string]int{}, followers: map[string]string{},
		workUsers: map[string]bool{}, tokens: map[string]*simToken{}, current: map[string]string{}}
}

func (m *memState) useCode(_ context.Context, code string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, used := m.usedCodes[code]
	m.usedCodes[code] = struct{}{}
	return used, nil
}

func (m *memState) addCredit(_ context.Context, openid, tmpl string) error {
	m.mu.Lock()
	m.credit[[2]string{openid, tmpl}]++
	m.mu.Unlock()
	return nil
}

func (m *memState) takeCredit(_ context.Context, openid, tmpl string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [2]string{openid, tmpl}
	if m.credit[k] <= 0 {
		return false, nil
	}
	m.credit[k]--
	return true, nil
}

func (m *memState) credits(_ context.Context, openid, tmpl string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.credit[[2]string{openid, tmpl}], nil
}

func (m *memState) setFollower(_ context.Context, openid, unionid string) error {
	m.mu.Lock()
	m.followers[openid] = unionid
	m.mu.Unlock()
	return nil
}

func (m *memState) unfollow(_ context.Context, openid string) error {
	m.mu.Lock()
	if _, ok := m.followers[openid]; ok {
		m.followers[openid] = ""
	}
	m.mu.Unlock()
	return nil
}

func (m *memState) follower(_ context.Context, openid string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.followers[openid], nil
}

func (m *memState) followerByUnion(_ context.Context, unionid string) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for openid, u := range m.followers {
		if u != "" && u == unionid {
			return openid, true, nil
		}
	}
	return "", false, nil
}

func (m *memState) addWorkUser(_ context.Context, id string) error {
	m.mu.Lock()
	m.workUsers[strings.ToLower(id)] = true
	m.mu.Unlock()
	return nil
}

func (m *memState) isWorkUser(_ context.Context, id string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.workUsers[strings.ToLower(id)], nil
}

func (m *memState) issueToken(_ context.Context, slot string, kind tokenKind, force bool, now time.Time, tok string) (string, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if cur, ok := m.tokens[m.current[slot]]; ok && !force && !cur.invalid && now.Before(cur.expires) {
		return m.current[slot], cur.expires, nil
	}
	if old, ok := m.tokens[m.current[slot]]; ok && old.expires.After(now.Add(tokenGrace)) {
		old.expires = now.Add(tokenGrace)
	}
	t := &simToken{kind: kind, expires: now.Add(tokenLifetime)}
	m.tokens[tok] = t
	m.current[slot] = tok
	return tok, t.expires, nil
}

func (m *memState) token(_ context.Context, tok string) (simToken, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[tok]
	if !ok {
		return simToken{}, false, nil
	}
	return *t, true, nil
}

func (m *memState) invalidateTokens(context.Context) error {
	m.mu.Lock()
	for _, t := range m.tokens {
		t.invalid = true
	}
	m.mu.Unlock()
	return nil
}

func (m *memState) record(_ context.Context, msgs ...Message) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.log = append(m.log, msgs...)
	if n := len(m.log) - maxSimMessages; n > 0 {
		m.log = slices.Delete(m.log, 0, n)
	}
	m.seq++
	return m.seq, nil
}

func (m *memState) messages(context.Context) ([]Message, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Message, len(m.log))
	for i, msg := range m.log {
		msg.Data = maps.Clone(msg.Data) // callers may keep and change what they get
		out[i] = msg
	}
	return out, nil
}

// redisState is simState in Redis. Every key carries one hash tag (the
// prefix holds "{…}"), so the scripts below touch one cluster slot.
type redisState struct {
	rdb redis.UniversalClient
	p   string
}

// codeMemory is how long a spent login code is remembered (WeChat's codes
// expire after five minutes; a week is plenty).
const codeMemory = 7 * 24 * time.Hour

func (r *redisState) useCode(ctx context.Context, code string) (bool, error) {
	ok, err := r.rdb.SetNX(ctx, r.p+"code:"+code, 1, codeMemory).Result()
	return !ok, err
}

func creditField(openid, tmpl string) string { return openid + "|" + tmpl }

func (r *redisState) addCredit(ctx context.Context, openid, tmpl string) error {
	return r.rdb.HIncrBy(ctx, r.p+"credits", creditField(openid, tmpl), 1).Err()
}

var takeCreditScript = redis.NewScript(`
local n = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if n <= 0 then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
return 1`)

func (r *redisState) takeCredit(ctx context.Context, openid, tmpl string) (bool, error) {
	n, err := takeCreditScript.Run(ctx, r.rdb, []string{r.p + "credits"}, creditField(openid, tmpl)).Int()
	return n == 1, err
}

func (r *redisState) credits(ctx context.Context, openid, tmpl string) (int, error) {
	n, err := r.rdb.HGet(ctx, r.p+"credits", creditField(openid, tmpl)).Int()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, err
}

func (r *redisState) setFollower(ctx context.Context, openid, unionid string) error {
	return r.rdb.HSet(ctx, r.p+"followers", openid, unionid).Err()
}

var unfollowScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], '') end
return 1`)

func (r *redisState) unfollow(ctx context.Context, openid string) error {
	return unfollowScript.Run(ctx, r.rdb, []string{r.p + "followers"}, openid).Err()
}

func (r *redisState) follower(ctx context.Context, openid string) (string, error) {
	u, err := r.rdb.HGet(ctx, r.p+"followers", openid).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	return u, err
}

func (r *redisState) followerByUnion(ctx context.Context, unionid string) (string, bool, error) {
	all, err := r.rdb.HGetAll(ctx, r.p+"followers").Result()
	if err != nil {
		return "", false, err
	}
	for openid, u := range all {
		if u != "" && u == unionid {
			return openid, true, nil
		}
	}
	return "", false, nil
}

func (r *redisState) addWorkUser(ctx context.Context, id string) error {
	return r.rdb.SAdd(ctx, r.p+"work", strings.ToLower(id)).Err()
}

func (r *redisState) isWorkUser(ctx context.Context, id string) (bool, error) {
	return r.rdb.SIsMember(ctx, r.p+"work", strings.ToLower(id)).Result()
}

// issueTokenScript: KEYS[1] the slot, KEYS[2] the invalidation epoch;
// ARGV now, force, lifetime, grace (ms), new token, kind, token key prefix.
// A token is invalid when issued before the current epoch.
var issueTokenScript = redis.NewScript(`
local now, life, grace = tonumber(ARGV[1]), tonumber(ARGV[3]), tonumber(ARGV[4])
local epoch = tonumber(redis.call('GET', KEYS[2]) or '0')
local cur = redis.call('HMGET', KEYS[1], 'tok', 'exp', 'epoch')
if cur[1] and ARGV[2] == '0' and tonumber(cur[3]) >= epoch and now < tonumber(cur[2]) then
  return {cur[1], cur[2]}
end
if cur[1] and tonumber(cur[2]) > now + grace then
  redis.call('HSET', ARGV[7] .. cur[1], 'exp', now + grace)
end
local exp = now + life
redis.call('HSET', ARGV[7] .. ARGV[5], 'kind', ARGV[6], 'exp', exp, 'epoch', epoch)
redis.call('PEXPIRE', ARGV[7] .. ARGV[5], life + grace + 3600000)
redis.call('HSET', KEYS[1], 'tok', ARGV[5], 'exp', exp, 'epoch', epoch)
return {ARGV[5], tostring(exp)}`)

func (r *redisState) issueToken(ctx context.Context, slot string, kind tokenKind, force bool, now time.Time, tok string) (string, time.Time, error) {
	f := "0"
	if force {
		f = "1"
	}
	res, err := issueTokenScript.Run(ctx, r.rdb, []string{r.p + "slot:" + slot, r.p + "epoch"},
		now.UnixMilli(), f, tokenLifetime.Milliseconds(), tokenGrace.Milliseconds(), tok, string(kind), r.p+"tok:").StringSlice()
	if err != nil {
		return "", time.Time{}, err
	}
	ms, err := strconv.ParseInt(res[1], 10, 64)
	if err != nil {
		return "", time.Time{}, err
	}
	return res[0], time.UnixMilli(ms), nil
}

func (r *redisState) token(ctx context.Context, tok string) (simToken, bool, error) {
	pipe := r.rdb.Pipeline()
	h := pipe.HMGet(ctx, r.p+"tok:"+tok, "kind", "exp", "epoch")
	ep := pipe.Get(ctx, r.p+"epoch")
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return simToken{}, false, err
	}
	v := h.Val()
	if len(v) != 3 || v[0] == nil {
		return simToken{}, false, nil
	}
	exp, _ := strconv.ParseInt(v[1].(string), 10, 64)
	tokEpoch, _ := strconv.ParseInt(v[2].(string), 10, 64)
	cur, _ := ep.Int64()
	return simToken{kind: tokenKind(v[0].(string)), expires: time.UnixMilli(exp), invalid: tokEpoch < cur}, true, nil
}

func (r *redisState) invalidateTokens(ctx context.Context) error {
	return r.rdb.Incr(ctx, r.p+"epoch").Err()
}

var recordScript = redis.NewScript(`
for i = 1, #ARGV - 1 do redis.call('RPUSH', KEYS[1], ARGV[i]) end
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[#ARGV]), -1)
return redis.call('INCR', KEYS[2])`)

func (r *redisState) record(ctx context.Context, msgs ...Message) (int64, error) {
	args := make([]any, 0, len(msgs)+1)
	for _, m := range msgs {
		b, err := json.Marshal(m)
		if err != nil {
			return 0, err
		}
		args = append(args, string(b))
	}
	args = append(args, maxSimMessages)
	return recordScript.Run(ctx, r.rdb, []string{r.p + "messages", r.p + "seq"}, args...).Int64()
}

func (r *redisState) messages(ctx context.Context) ([]Message, error) {
	raw, err := r.rdb.LRange(ctx, r.p+"messages", 0, -1).Result()
	if err != nil {
		return nil, err
	}
	out := make([]Message, 0, len(raw))
	for _, s := range raw {
		var m Message
		if err := json.Unmarshal([]byte(s), &m); err == nil {
			out = append(out, m)
		}
	}
	return out, nil
}
