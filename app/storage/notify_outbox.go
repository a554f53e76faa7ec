package storage

import (
	"context"
	"time"

	"gorm.io/gorm"

	"sunshine/app/cases"
	"sunshine/app/errs"
	"sunshine/app/notify"
)

// Notifications implements notify.Store: the outbox, the inboxes, the
// subscribe credits and the reads the notification service needs.
type Notifications struct{ db *DB }

// Notifications returns the notification store.
func (db *DB) Notifications() *Notifications { return &Notifications{db: db} }

var _ notify.Store = (*Notifications)(nil)

// Enqueue stores notifications outside a case action in one transaction.
func (n *Notifications) Enqueue(ctx context.Context, items []cases.Notification, now time.Time) (int, error) {
	stored := 0
	err := n.db.transact(ctx, func(tx *gorm.DB) error {
		var err error
		stored, err = insertNotifications(tx, items, now)
		return err
	})
	if err != nil {
		return 0, translate(err, "通知")
	}
	return stored, nil
}

// DueIDs lists due rows, oldest first. It reads through the write handle:
// on SQLite that waits for a writing action to commit, and a claim must see
// the newest rows anyway. Two plain range queries (rather than one OR)
// keep each on the (state, next_attempt_at) index.
func (n *Notifications) DueIDs(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	now = utc(now)
	type due struct {
		ID            int64
		NextAttemptAt time.Time
	}
	var pending, stale []due
	q := n.db.W.WithContext(ctx).Model(&notificationRow{}).Select("id, next_attempt_at")
	if err := q.Where("state = ? AND next_attempt_at <= ?", notify.StatePending, now).
		Order("next_attempt_at, id").Limit(limit).Find(&pending).Error; err != nil {
		return nil, translate(err, "通知")
	}
	q = n.db.W.WithContext(ctx).Model(&notificationRow{}).Select("id, next_attempt_at")
	if err := q.Where("state = ? AND claim_expires_at < ?", notify.StateSending, now).
		Order("id").Limit(limit).Find(&stale).Error; err != nil {
		return nil, translate(err, "通知")
	}
	all := append(stale, pending...) // a crashed worker's rows first: they are the oldest
	ids := make([]int64, 0, min(len(all), limit))
	for _, d := range all[:min(len(all), limit)] {
		ids = append(ids, d.ID)
	}
	return ids, nil
}

// Claim takes a due row with one conditional UPDATE by id: of several
// workers trying at once, the database lets exactly one match.
func (n *Notifications) Claim(ctx context.Context, id int64, token string, now, expires time.Time) (*notify.Row, bool, error) {
	now = utc(now)
	res := n.db.W.WithContext(ctx).Model(&notificationRow{}).
		Where("id = ? AND ((state = ? AND next_attempt_at <= ?) OR (state = ? AND claim_expires_at < ?))",
			id, notify.StatePending, now, notify.StateSending, now).
		Updates(map[string]any{"state": notify.StateSending, "claim_token": token, "claim_expires_at": utc(expires),
			"attempts": gorm.Expr("attempts + 1"), "updated_at": now})
	if res.Error != nil {
		return nil, false, translate(res.Error, "通知")
	}
	if res.RowsAffected != 1 {
		return nil, false, nil
	}
	var row notificationRow
	if err := n.db.W.WithContext(ctx).Take(&row, "id = ? AND claim_token = ?", id, token).Error; err != nil {
		if errs.Is(translate(err, ""), errs.NotFound) {
			return nil, false, nil // expired and taken meanwhile
		}
		return nil, false, translate(err, "通知")
	}
	return row.toRow(), true, nil
}

// Finish records the outcome if the claim still holds.
func (n *Notifications) Finish(ctx context.Context, id int64, token string, o notify.Outcome) error {
	at := utc(o.At)
	set := map[string]any{"state": o.State, "channel": o.Channel, "last_error": truncate(o.LastError, 500),
		"claim_token": nil, "claim_expires_at": nil, "updated_at": at}
	if o.State == notify.StateSent {
		set["sent_at"] = at
	} else {
		set["next_attempt_at"] = utc(o.NextAttemptAt)
	}
	res := n.db.W.WithContext(ctx).Model(&notificationRow{}).Where("id = ? AND claim_token = ?", id, token).Updates(set)
	if res.Error != nil {
		return translate(res.Error, "通知")
	}
	if res.RowsAffected != 1 {
		return errs.E(errs.Conflict, "通知已被其他进程接手")
	}
	return nil
}

// Notifications lists rows newest first.
func (n *Notifications) Notifications(ctx context.Context, f notify.ListFilter) ([]notify.Row, error) {
	q := n.db.R.WithContext(ctx).Model(&notificationRow{})
	if f.State != "" {
		q = q.Where("state = ?", f.State)
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	var rows []notificationRow
	if err := q.Order("id DESC").Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "通知")
	}
	out := make([]notify.Row, len(rows))
	for i := range rows {
		out[i] = *rows[i].toRow()
	}
	return out, nil
}

// Retry makes a failed row pending again with a fresh window; attempts
// count again from zero.
func (n *Notifications) Retry(ctx context.Context, id int64, now, until time.Time) error {
	res := n.db.W.WithContext(ctx).Model(&notificationRow{}).Where("id = ? AND state = ?", id, notify.StateFailed).
		Updates(map[string]any{"state": notify.StatePending, "next_attempt_at": utc(now), "retry_until": utc(until),
			"attempts": 0, "updated_at": utc(now)})
	if res.Error != nil {
		return translate(res.Error, "通知")
	}
	if res.RowsAffected == 1 {
		return nil
	}
	var state string
	err := n.db.W.WithContext(ctx).Model(&notificationRow{}).Where("id = ?", id).Limit(1).Pluck("state", &state).Error
	if err != nil {
		return translate(err, "通知")
	}
	if state == "" {
		return errs.E(errs.NotFound, "通知不存在")
	}
	return errs.Ef(errs.Conflict, "只有发送失败的通知可以重发（当前状态：%s）", state)
}

// LastOf returns the newest row of an event for a case.
func (n *Notifications) LastOf(ctx context.Context, caseID int64, event string) (*notify.Row, error) {
	var rows []notificationRow
	err := n.db.W.WithContext(ctx).Where("case_id = ? AND event = ?", caseID, event).Order("id DESC").Limit(1).Find(&rows).Error
	if err != nil {
		return nil, translate(err, "通知")
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return rows[0].toRow(), nil
}
