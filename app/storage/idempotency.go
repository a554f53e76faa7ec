package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"sunshine/app/errs"
	"sunshine/app/idem"
)

type idempotencyRow struct {
	ID          int64
	Scope       string
	Owner       string
	KeyHash     string
	Fingerprint string
	ObjectID    int64
	CreatedAt   time.Time
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

// Idempotency implements idem.Store.
type Idempotency struct{ db *DB }

// Idempotency returns the store of claimed Idempotency-Keys.
func (db *DB) Idempotency() *Idempotency { return &Idempotency{db: db} }

var _ idem.Store = (*Idempotency)(nil)

// IdempotencyKey reads a claimed key from the primary (a replay right after
// the first request must see it).
func (s *Idempotency) IdempotencyKey(ctx context.Context, scope, owner, hash string) (string, int64, bool, error) {
	var rows []idempotencyRow
	err := s.db.W.WithContext(ctx).Where("scope = ? AND owner = ? AND key_hash = ?", scope, owner, hash).Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return "", 0, false, translate(err, "请求记录")
	}
	return rows[0].Fingerprint, rows[0].ObjectID, true, nil
}

// claimKey records k for the object id inside the creating transaction;
// idem.ErrTaken when another request holds it.
func claimKey(tx *gorm.DB, k *idem.Key, id int64) error {
	if k == nil {
		return nil
	}
	row := &idempotencyRow{Scope: k.Scope, Owner: k.Owner, KeyHash: k.Hash(), Fingerprint: k.Fingerprint, ObjectID: id,
		CreatedAt: time.Now().UTC()}
	if err := tx.Create(row).Error; err != nil {
		if terr := translate(err, ""); errs.Is(terr, errs.Conflict) {
			return errors.Join(idem.ErrTaken, err)
		}
		return translate(err, "请求记录")
	}
	return nil
}
