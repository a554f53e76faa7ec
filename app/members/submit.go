package members

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// IdempotencyTTL is how long a submitted key keeps returning its case.
const IdempotencyTTL = 25 * time.Hour

// idemLease bounds how long a submission in flight holds its key: if the
// instance dies mid-submit, the key frees itself after this.
const idemLease = 2 * time.Minute

// idemWait is how long a replay waits for the first request still in flight.
const idemWait = 5 * time.Second

type idemEntry struct {
	Fingerprint string `json:"f"`
	CaseID      int64  `json:"id,omitempty"` // 0 while the first request is in flight
}

// ValidIdempotencyKey reports whether a client-chosen key is acceptable:
// 1–128 characters of letters, digits and - _ . :
func ValidIdempotencyKey(k string) bool {
	if k == "" || len(k) > 128 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == ':') {
			return false
		}
	}
	return true
}

// Submit files an application (FormFull) for the member. With a key, the
// first request creates the case and every replay with the same form gets
// the same case back (replayed is true) for IdempotencyTTL, also while the
// first one is still running; the same key with another form is refused.
// Errors: unprocessable (form, or key reused for another form — nothing is
// created), conflict (the first request is still running after a wait),
// unavailable.
func (s *Service) Submit(ctx context.Context, m *Member, key string, form casework.Form, ch casework.Channel) (c *casework.Case, replayed bool, err error) {
	in := cases.SubmitInput{Form: form, Channel: ch, Mode: casework.FormFull}
	if key == "" {
		c, err = s.d.Cases.Submit(ctx, m.Viewer(), in)
		return c, false, err
	}
	raw, _ := json.Marshal(struct {
		F casework.Form
		C casework.Channel
	}{form, ch})
	sum := sha256.Sum256(raw)
	fp := hex.EncodeToString(sum[:])
	kh := sha256.Sum256([]byte(key))
	rkey := s.d.KeyPrefix + "idem:" + itoa(m.ID) + ":" + hex.EncodeToString(kh[:16])
	pending, _ := json.Marshal(idemEntry{Fingerprint: fp})

	deadline := time.Now().Add(idemWait)
	for {
		ok, err := s.d.KV.SetNX(ctx, rkey, pending, idemLease).Result()
		if err != nil {
			return nil, false, errs.Wrap(errs.Unavailable, "服务暂不可用，请稍后再试", err)
		}
		if ok {
			return s.submitFirst(ctx, m, rkey, pending, fp, in)
		}
		b, err := s.d.KV.Get(ctx, rkey).Bytes()
		if errors.Is(err, redis.Nil) {
			continue // the first request failed or its lease ended: try to be first
		}
		if err != nil {
			return nil, false, errs.Wrap(errs.Unavailable, "服务暂不可用，请稍后再试", err)
		}
		var e idemEntry
		_ = json.Unmarshal(b, &e)
		switch {
		case e.Fingerprint != fp:
			return nil, false, &errs.Error{Code: errs.Unprocessable, Message: "该 Idempotency-Key 已用于另一份申请，请为新的申请使用新的键",
				Fields: map[string]string{"Idempotency-Key": "已用于内容不同的另一份申请"}}
		case e.CaseID != 0:
			c, err := s.d.Cases.CanSee(ctx, m.Viewer(), e.CaseID)
			return c, true, err
		case time.Now().After(deadline):
			return nil, false, errs.E(errs.Conflict, "相同的申请正在提交中，请稍后刷新查看")
		}
		select {
		case <-ctx.Done():
			return nil, false, errs.Wrap(errs.Unavailable, "请求已取消", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// releaseScript deletes the key only while it still holds our pending entry.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

func (s *Service) submitFirst(ctx context.Context, m *Member, rkey string, pending []byte, fp string, in cases.SubmitInput) (*casework.Case, bool, error) {
	c, err := s.d.Cases.Submit(ctx, m.Viewer(), in)
	if err != nil {
		// Nothing was created: free the key so the corrected form can use it.
		if rerr := releaseScript.Run(context.WithoutCancel(ctx), s.d.KV, []string{rkey}, string(pending)).Err(); rerr != nil {
			s.d.Log.WarnContext(ctx, "idempotency key not released", "err", rerr)
		}
		return nil, false, err
	}
	done, _ := json.Marshal(idemEntry{Fingerprint: fp, CaseID: c.ID})
	if err := s.d.KV.Set(context.WithoutCancel(ctx), rkey, done, IdempotencyTTL).Err(); err != nil {
		// The case exists; only the replay protection is weaker until the lease ends.
		s.d.Log.WarnContext(ctx, "idempotency key not recorded", "case", c.ID, "err", err)
	}
	return c, false, nil
}
