package storage

import (
	"context"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sunshine/app/audit"
)

// Audit implements audit.Store and audit.ChainStore: append, read, verify
// and purge, no update.
type Audit struct{ db *DB }

// Audit returns the audit store.
func (db *DB) Audit() *Audit { return &Audit{db: db} }

var (
	_ audit.Store      = (*Audit)(nil)
	_ audit.ChainStore = (*Audit)(nil)
)

// Append stores a record.
func (a *Audit) Append(ctx context.Context, r *audit.Record) error {
	return appendAudit(a.db.W.WithContext(ctx), r)
}

// chainRow is the one row of audit_chain: the head of the chain and the
// anchor left by the last purge.
type chainRow struct {
	ID         int
	Seq        int64
	Hash       string
	AnchorSeq  int64
	AnchorHash string
}

func (chainRow) TableName() string { return "audit_chain" }

// inTx runs fn in tx when tx is already a transaction, else in a new one.
func inTx(tx *gorm.DB, fn func(tx *gorm.DB) error) error {
	if _, ok := tx.Statement.ConnPool.(gorm.TxCommitter); ok {
		return fn(tx)
	}
	return tx.Transaction(fn)
}

// lockChain takes the chain head for the rest of the transaction and
// returns it. The UPDATE comes first so that the row lock is taken before
// the head is read: two instances on MySQL (or TiDB, which has no SKIP
// LOCKED but does lock on UPDATE) then append one after the other, never
// both after the same record. SQLite has one writer anyway.
func lockChain(tx *gorm.DB) (*chainRow, error) {
	for try := 0; ; try++ {
		if err := tx.Exec("UPDATE audit_chain SET seq = seq WHERE id = 1").Error; err != nil {
			return nil, err
		}
		// A locking read: under REPEATABLE READ a plain SELECT would answer
		// from the snapshot of the transaction's first read (an UPDATE that
		// changes nothing makes no new row version), so a caller that read
		// before auditing would chain onto a stale head and collide on seq.
		var head chainRow
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&head, "id = ?", 1).Error
		if err == nil {
			return &head, nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) || try > 0 {
			return nil, err
		}
		// No chain yet (a new database not started by serve): create the
		// head, then lock it.
		if err := ensureChain(tx); err != nil {
			return nil, err
		}
	}
}

// ensureChain creates the empty chain head when there is none.
func ensureChain(tx *gorm.DB) error {
	ignore := "INSERT OR IGNORE"
	if tx.Dialector.Name() == "mysql" {
		ignore = "INSERT IGNORE"
	}
	return tx.Exec(ignore + " INTO audit_chain (id, seq, hash, anchor_seq, anchor_hash) VALUES (1, 0, '', 0, '')").Error
}

// EnsureAuditChain creates the chain head of a new database (called at
// start, with the seeding of the calendar, so that the first writers do not
// race to create it). A migrated database stays empty until then, as a
// restore needs it.
func (db *DB) EnsureAuditChain(ctx context.Context) error {
	return translate(ensureChain(db.W.WithContext(ctx)), "审计链")
}

// appendAudit appends r to the chain in tx (or in a transaction of its own):
// it takes the chain head, computes the record's hash over the previous one
// and moves the head, so the record and the head commit or roll back
// together with the caller's change. Callers append audit records as the
// last write of their transaction: the chain head is locked until commit.
func appendAudit(tx *gorm.DB, r *audit.Record) error {
	if r.At.IsZero() {
		r.At = time.Now()
	}
	r.At = audit.Canonical(r.At)
	r.Detail = truncate(r.Detail, 2000)
	err := inTx(tx, func(tx *gorm.DB) error {
		head, err := lockChain(tx)
		if err != nil {
			return err
		}
		return chainOne(tx, head, r)
	})
	if err != nil {
		return translate(err, "审计记录")
	}
	return nil
}

// chainOne inserts r as the record after head and moves the head.
func chainOne(tx *gorm.DB, head *chainRow, r *audit.Record) error {
	r.Seq, r.PrevHash = head.Seq+1, head.Hash
	r.Hash = audit.ChainHash(r.PrevHash, r)
	seq := r.Seq
	row := &auditRow{At: r.At, ActorID: r.ActorID, ActorRole: r.ActorRole, ActorName: r.ActorName,
		IP: r.IP, Action: r.Action, ObjectType: r.ObjectType, ObjectID: r.ObjectID, Result: r.Result,
		RequestID: r.RequestID, Detail: r.Detail, Seq: &seq, PrevHash: r.PrevHash, Hash: r.Hash}
	if err := tx.Create(row).Error; err != nil {
		return err
	}
	r.ID = row.ID
	head.Seq, head.Hash = r.Seq, r.Hash
	return tx.Exec("UPDATE audit_chain SET seq = ?, hash = ? WHERE id = 1", head.Seq, head.Hash).Error
}

// sealAudit chains the records written before migration 100 (seq NULL), in
// id order, a batch per transaction. Called by Migrate; a no-op afterwards.
func (db *DB) sealAudit(ctx context.Context) error {
	for {
		n := 0
		err := db.transact(ctx, func(tx *gorm.DB) error {
			var rows []auditRow
			if err := tx.Where("seq IS NULL").Order("id").Limit(500).Find(&rows).Error; err != nil {
				return err
			}
			if n = len(rows); n == 0 {
				return nil
			}
			head, err := lockChain(tx)
			if err != nil {
				return err
			}
			for i := range rows {
				r := rows[i].toRecord()
				r.Seq, r.PrevHash = head.Seq+1, head.Hash
				r.Hash = audit.ChainHash(r.PrevHash, &r)
				if err := tx.Model(&auditRow{}).Where("id = ?", r.ID).
					Updates(map[string]any{"seq": r.Seq, "prev_hash": r.PrevHash, "hash": r.Hash}).Error; err != nil {
					return err
				}
				head.Seq, head.Hash = r.Seq, r.Hash
			}
			return tx.Exec("UPDATE audit_chain SET seq = ?, hash = ? WHERE id = 1", head.Seq, head.Hash).Error
		})
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
	}
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
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 100
	}
	var rows []auditRow
	if err := tx.Order("id DESC").Limit(q.Limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "审计记录")
	}
	out := make([]audit.Record, len(rows))
	for i := range rows {
		out[i] = rows[i].toRecord()
	}
	return out, nil
}

// ChainState returns the anchor and the head of the chain.
func (a *Audit) ChainState(ctx context.Context) (audit.Anchor, audit.Head, error) {
	var c chainRow
	if err := a.db.R.WithContext(ctx).Take(&c, "id = ?", 1).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return audit.Anchor{}, audit.Head{}, nil // nothing chained yet
	} else if err != nil {
		return audit.Anchor{}, audit.Head{}, translate(err, "审计链")
	}
	return audit.Anchor{Seq: c.AnchorSeq, Hash: c.AnchorHash}, audit.Head{Seq: c.Seq, Hash: c.Hash}, nil
}

// ChainRange returns up to limit records with after < seq <= upto, in seq
// order.
func (a *Audit) ChainRange(ctx context.Context, after, upto int64, limit int) ([]audit.Record, error) {
	var rows []auditRow
	if err := a.db.R.WithContext(ctx).Where("seq > ? AND seq <= ?", after, upto).Order("seq").Limit(limit).
		Find(&rows).Error; err != nil {
		return nil, translate(err, "审计记录")
	}
	out := make([]audit.Record, len(rows))
	for i := range rows {
		out[i] = rows[i].toRecord()
	}
	return out, nil
}

// Purge removes the oldest records, all of them older than before, in one
// transaction that holds the chain head: it cuts the chain just before the
// first record at or after before (so nothing younger goes, even when the
// clocks of several instances disagree), moves the anchor to the last
// removed record and appends rec (the purge's own record) to the chain.
// It returns how many records were removed and the new anchor.
func (a *Audit) Purge(ctx context.Context, before time.Time, rec *audit.Record) (int64, audit.Anchor, error) {
	var removed int64
	var anchor audit.Anchor
	err := a.db.transact(ctx, func(tx *gorm.DB) error {
		head, err := lockChain(tx)
		if err != nil {
			return err
		}
		anchor = audit.Anchor{Seq: head.AnchorSeq, Hash: head.AnchorHash}
		var firstYoung struct{ Seq *int64 }
		if err := tx.Model(&auditRow{}).Select("MIN(seq) AS seq").Where("at >= ?", before.UTC()).
			Scan(&firstYoung).Error; err != nil {
			return err
		}
		cut := head.Seq
		if firstYoung.Seq != nil {
			cut = *firstYoung.Seq - 1
		}
		if cut > head.AnchorSeq {
			var last auditRow
			if err := tx.Take(&last, "seq = ?", cut).Error; err != nil {
				return err
			}
			res := tx.Where("seq <= ?", cut).Delete(&auditRow{})
			if res.Error != nil {
				return res.Error
			}
			removed = res.RowsAffected
			anchor = audit.Anchor{Seq: cut, Hash: last.Hash}
			if err := tx.Exec("UPDATE audit_chain SET anchor_seq = ?, anchor_hash = ? WHERE id = 1",
				anchor.Seq, anchor.Hash).Error; err != nil {
				return err
			}
		}
		rec.Detail = truncate(rec.Detail+" removed="+itoa(removed)+" anchor_seq="+itoa(anchor.Seq), 2000)
		rec.At = audit.Canonical(rec.At)
		return chainOne(tx, head, rec)
	})
	if err != nil {
		return 0, audit.Anchor{}, translate(err, "审计记录")
	}
	return removed, anchor, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
