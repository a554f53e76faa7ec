package storage

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sunshine/app/errs"
	"sunshine/app/notify"
)

// Inbox lists a recipient's entries newest first.
func (n *Notifications) Inbox(ctx context.Context, recipient string, before int64, limit int) ([]notify.InboxItem, error) {
	q := n.db.R.WithContext(ctx).Where("recipient = ?", recipient)
	if before > 0 {
		q = q.Where("id < ?", before)
	}
	var rows []inboxRow
	if err := q.Order("id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "消息")
	}
	out := make([]notify.InboxItem, len(rows))
	for i, r := range rows {
		out[i] = notify.InboxItem{ID: r.ID, Event: r.Event, CaseID: r.CaseID, Title: r.Title, Body: r.Body,
			Page: r.Page, ReadAt: r.ReadAt, CreatedAt: r.CreatedAt}
	}
	return out, nil
}

// Unread counts a recipient's unread entries.
func (n *Notifications) Unread(ctx context.Context, recipient string) (int, error) {
	var c int64
	err := n.db.R.WithContext(ctx).Model(&inboxRow{}).Where("recipient = ? AND read_at IS NULL", recipient).Count(&c).Error
	return int(c), translate(err, "消息")
}

// MarkRead marks one entry, or all entries (id 0), of the recipient read.
func (n *Notifications) MarkRead(ctx context.Context, recipient string, id int64, now time.Time) error {
	q := n.db.W.WithContext(ctx).Model(&inboxRow{}).Where("recipient = ? AND read_at IS NULL", recipient)
	if id > 0 {
		q = q.Where("id = ?", id)
	}
	res := q.Update("read_at", utc(now))
	if res.Error != nil {
		return translate(res.Error, "消息")
	}
	if id == 0 || res.RowsAffected == 1 {
		return nil
	}
	var c int64
	if err := n.db.W.WithContext(ctx).Model(&inboxRow{}).Where("id = ? AND recipient = ?", id, recipient).Count(&c).Error; err != nil {
		return translate(err, "消息")
	}
	if c == 0 {
		return errs.E(errs.NotFound, "消息不存在")
	}
	return nil // read already
}

type creditRow struct {
	OpenID     string `gorm:"column:openid;primaryKey"`
	TemplateID string `gorm:"primaryKey"`
	Credits    int
	UpdatedAt  time.Time
}

func (creditRow) TableName() string { return "subscribe_credits" }

// AddCredits adds one credit per template (an upsert per row).
func (n *Notifications) AddCredits(ctx context.Context, openid string, templateIDs []string, now time.Time) error {
	err := n.db.transact(ctx, func(tx *gorm.DB) error {
		for _, id := range templateIDs {
			row := &creditRow{OpenID: openid, TemplateID: id, Credits: 1, UpdatedAt: utc(now)}
			err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "openid"}, {Name: "template_id"}},
				DoUpdates: clause.Assignments(map[string]any{"credits": gorm.Expr("credits + 1"), "updated_at": utc(now)}),
			}).Create(row).Error
			if err != nil {
				return err
			}
		}
		return nil
	})
	return translate(err, "订阅授权")
}

func (n *Notifications) credit(ctx context.Context, openid, templateID string) *gorm.DB {
	return n.db.W.WithContext(ctx).Model(&creditRow{}).Where("openid = ? AND template_id = ?", openid, templateID)
}

// SpendCredit takes one credit with a conditional UPDATE.
func (n *Notifications) SpendCredit(ctx context.Context, openid, templateID string, now time.Time) (bool, error) {
	res := n.credit(ctx, openid, templateID).Where("credits > 0").
		Updates(map[string]any{"credits": gorm.Expr("credits - 1"), "updated_at": utc(now)})
	return res.RowsAffected == 1, translate(res.Error, "订阅授权")
}

// RefundCredit gives a credit back.
func (n *Notifications) RefundCredit(ctx context.Context, openid, templateID string, now time.Time) error {
	err := n.credit(ctx, openid, templateID).
		Updates(map[string]any{"credits": gorm.Expr("credits + 1"), "updated_at": utc(now)}).Error
	return translate(err, "订阅授权")
}

// ClearCredits sets the credits to zero.
func (n *Notifications) ClearCredits(ctx context.Context, openid, templateID string, now time.Time) error {
	err := n.credit(ctx, openid, templateID).Updates(map[string]any{"credits": 0, "updated_at": utc(now)}).Error
	return translate(err, "订阅授权")
}

// Credits returns the credits held.
func (n *Notifications) Credits(ctx context.Context, openid, templateID string) (int, error) {
	var c []int
	err := n.db.R.WithContext(ctx).Model(&creditRow{}).Where("openid = ? AND template_id = ?", openid, templateID).
		Limit(1).Pluck("credits", &c).Error
	if err != nil || len(c) == 0 {
		return 0, translate(err, "订阅授权")
	}
	return c[0], nil
}
