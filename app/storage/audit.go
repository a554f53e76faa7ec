package storage

import (
	"context"
	"time"

	"gorm.io/gorm"

	"sunshine/app/audit"
)

// Audit implements audit.Store: append and read, nothing else.
type Audit struct{ db *DB }

// Audit returns the audit store.
func (db *DB) Audit() *Audit { return &Audit{db: db} }

var _ audit.Store = (*Audit)(nil)

// Append stores a record.
func (a *Audit) Append(ctx context.Context, r *audit.Record) error {
	return appendAudit(a.db.W.WithContext(ctx), r)
}

func appendAudit(tx *gorm.DB, r *audit.Record) error {
	if r.At.IsZero() {
		r.At = time.Now().UTC()
	}
	row := &auditRow{At: r.At.UTC(), ActorID: r.ActorID, ActorRole: r.ActorRole, ActorName: r.ActorName,
		IP: r.IP, Action: r.Action, ObjectType: r.ObjectType, ObjectID: r.ObjectID, Result: r.Result,
		RequestID: r.RequestID, Detail: truncate(r.Detail, 2000)}
	if err := tx.Create(row).Error; err != nil {
		return translate(err, "审计记录")
	}
	r.ID = row.ID
	return nil
}

// Find lists records newest first.
func (a *Audit) Find(ctx context.Context, q audit.Query) ([]audit.Record, error) {
	tx := a.db.R.WithContext(ctx).Model(&auditRow{})
	if !q.From.IsZero() {
		tx = tx.Where("at >= ?", q.From.UTC())
	}
	if !q.To.IsZero() {
		tx = tx.Where("at < ?", q.To.UTC())
	}
	if q.ActorID != 0 {
		tx = tx.Where("actor_id = ?", q.ActorID)
	}
	for col, v := range map[string]string{"action": q.Action, "object_type": q.ObjectType, "object_id": q.ObjectID, "result": q.Result} {
		if v != "" {
			tx = tx.Where(col+" = ?", v)
		}
	}
	if q.Before > 0 {
		tx = tx.Where("id < ?", q.Before)
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	var rows []auditRow
	if err := tx.Order("id DESC").Limit(q.Limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "审计记录")
	}
	out := make([]audit.Record, len(rows))
	for i, r := range rows {
		out[i] = audit.Record{ID: r.ID, At: r.At, ActorID: r.ActorID, ActorRole: r.ActorRole, ActorName: r.ActorName,
			IP: r.IP, Action: r.Action, ObjectType: r.ObjectType, ObjectID: r.ObjectID, Result: r.Result,
			RequestID: r.RequestID, Detail: r.Detail}
	}
	return out, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
