package storage

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sunshine/app/audit"
	"sunshine/app/notify"
)

// NotifyTemplates implements notify.TemplateStore.
type NotifyTemplates struct{ db *DB }

// NotifyTemplates returns the store of the admin's template overrides.
func (db *DB) NotifyTemplates() *NotifyTemplates { return &NotifyTemplates{db: db} }

var _ notify.TemplateStore = (*NotifyTemplates)(nil)

type templateRow struct {
	Event      string `gorm:"primaryKey"`
	Channel    string `gorm:"primaryKey"`
	TemplateID string
	Fields     string // "thing1=project,phrase2=status"; "" the event's layout
	UpdatedBy  string
	UpdatedAt  time.Time
}

func (templateRow) TableName() string { return "notify_templates" }

// TemplateOverrides lists every override.
func (s *NotifyTemplates) TemplateOverrides(ctx context.Context) ([]notify.TemplateOverride, error) {
	var rows []templateRow
	if err := s.db.R.WithContext(ctx).Order("event, channel").Find(&rows).Error; err != nil {
		return nil, translate(err, "消息模板")
	}
	out := make([]notify.TemplateOverride, len(rows))
	for i, r := range rows {
		out[i] = notify.TemplateOverride{Event: r.Event, Channel: r.Channel, ID: r.TemplateID,
			UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt}
		for _, part := range strings.Split(r.Fields, ",") {
			if k, src, ok := strings.Cut(part, "="); ok {
				out[i].Fields = append(out[i].Fields, notify.Field{Key: k, Source: src})
			}
		}
	}
	return out, nil
}

// SaveTemplateOverride inserts or replaces one override with its audit record.
func (s *NotifyTemplates) SaveTemplateOverride(ctx context.Context, o notify.TemplateOverride, rec *audit.Record) error {
	row := &templateRow{Event: o.Event, Channel: o.Channel, TemplateID: o.ID, Fields: notify.FormatFields(o.Fields),
		UpdatedBy: o.UpdatedBy, UpdatedAt: o.UpdatedAt.UTC()}
	err := s.db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(row).Error; err != nil {
			return err
		}
		return appendAudit(tx, rec)
	})
	return translate(err, "消息模板")
}

// DeleteTemplateOverride removes one override with its audit record.
func (s *NotifyTemplates) DeleteTemplateOverride(ctx context.Context, event, channel string, rec *audit.Record) error {
	err := s.db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("event = ? AND channel = ?", event, channel).Delete(&templateRow{}).Error; err != nil {
			return err
		}
		return appendAudit(tx, rec)
	})
	return translate(err, "消息模板")
}
