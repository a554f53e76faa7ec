// Package idem makes creating requests idempotent with a client-chosen
// Idempotency-Key that is kept durably in the database: the key is claimed
// in the same transaction that creates the record (a unique index on scope,
// owner and key), so a replay — also after a Redis restart, also while the
// first request is still running — finds the first record instead of
// creating a second one.
package idem

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"

	"sunshine/app/errs"
)

// The scopes: what a key creates.
const (
	ScopeCase         = "case"         // a case (mini-program submit, staff intake)
	ScopeConsultation = "consultation" // a 咨询 record
	ScopeMatter       = "matter"       // a department matter
)

// Header is the request header that carries the key.
const Header = "Idempotency-Key"

// Key is one client's key for one creating request.
type Key struct {
	Scope       string
	Owner       string // who used it, e.g. member:12, staff:3
	Key         string // as the client sent it
	Fingerprint string // of the request content (Fingerprint)
}

// Hash is the stored form of the client's key.
func (k *Key) Hash() string {
	sum := sha256.Sum256([]byte(k.Key))
	return hex.EncodeToString(sum[:])
}

// Fingerprint hashes a request's content so that a key reused for another
// content is told apart from a replay.
func Fingerprint(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Valid reports whether a client-chosen key is acceptable: 1–128
// characters of letters, digits and - _ . :
func Valid(k string) bool {
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

// Invalid is the error of a malformed key.
func Invalid() error {
	return &errs.Error{Code: errs.Invalid, Message: "Idempotency-Key 格式不正确（1到128位字母、数字或 - _ . :）",
		Fields: map[string]string{Header: "应为1到128位字母、数字或 - _ . :"}}
}

// ErrTaken is returned by a store's claim when another request holds the
// key: the creating transaction rolls back.
var ErrTaken = errs.E(errs.Conflict, "该 Idempotency-Key 已被使用")

// Store finds a claimed key.
type Store interface {
	// IdempotencyKey returns the fingerprint and the created object's id of
	// a claimed key; found is false when nobody claimed it.
	IdempotencyKey(ctx context.Context, scope, owner, hash string) (fingerprint string, id int64, found bool, err error)
}

// Do runs create once per key: a replay with the same content returns the
// id of the first record (replayed true), a key reused for other content is
// refused (unprocessable) and nothing is created. create must claim the key
// in its transaction and return ErrTaken (or wrap it) when it is taken.
// Without a key (nil) create just runs.
func Do(ctx context.Context, st Store, k *Key, create func() (int64, error)) (id int64, replayed bool, err error) {
	if k == nil {
		id, err = create()
		return id, false, err
	}
	if id, found, err := lookup(ctx, st, k); err != nil || found {
		return id, found, err
	}
	id, err = create()
	if errors.Is(err, ErrTaken) {
		// A concurrent request with the same key committed first.
		id, found, lerr := lookup(ctx, st, k)
		if lerr != nil {
			return 0, false, lerr
		}
		if found {
			return id, true, nil
		}
	}
	return id, false, err
}

func lookup(ctx context.Context, st Store, k *Key) (int64, bool, error) {
	fp, id, found, err := st.IdempotencyKey(ctx, k.Scope, k.Owner, k.Hash())
	if err != nil || !found {
		return 0, false, err
	}
	if fp != k.Fingerprint {
		return 0, false, &errs.Error{Code: errs.Unprocessable, Message: "该 Idempotency-Key 已用于另一份内容不同的请求，请为新的请求使用新的键",
			Fields: map[string]string{Header: "已用于内容不同的另一次提交"}}
	}
	return id, true, nil
}
