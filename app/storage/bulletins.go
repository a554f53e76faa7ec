package storage

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"

	"sunshine/app/audit"
	"sunshine/app/bulletin"
)

// Bulletins implements bulletin.Store.
type Bulletins struct{ db *DB }

// Bulletins returns the bulletins store.
func (db *DB) Bulletins() *Bulletins { return &Bulletins{db: db} }

var _ bulletin.Store = (*Bulletins)(nil)

type bulletinRow struct {
	ID            int64
	Subject       string
	Department    string
	PeriodFrom    string
	PeriodTo      string
	Title         string
	Findings      string
	CaseNumbers   []string `gorm:"serializer:json;type:longtext"`
	CreatedBy     int64
	CreatedByName string
	CreatedAt     time.Time
}

func (bulletinRow) TableName() string { return "bulletins" }

func (r *bulletinRow) toBulletin() bulletin.Bulletin {
	nums := r.CaseNumbers
	if nums == nil {
		nums = []string{}
	}
	return bulletin.Bulletin{ID: r.ID, Subject: bulletin.Subject(r.Subject), Department: r.Department,
		PeriodFrom: r.PeriodFrom, PeriodTo: r.PeriodTo, Title: r.Title, Findings: r.Findings, CaseNumbers: nums,
		CreatedByID: r.CreatedBy, CreatedBy: r.CreatedByName, CreatedAt: r.CreatedAt}
}

// InsertBulletin stores a bulletin and its audit record in one transaction.
func (s *Bulletins) InsertBulletin(ctx context.Context, b *bulletin.Bulletin, rec *audit.Record) error {
	row := &bulletinRow{Subject: string(b.Subject), Department: b.Department, PeriodFrom: b.PeriodFrom,
		PeriodTo: b.PeriodTo, Title: b.Title, Findings: b.Findings, CaseNumbers: b.CaseNumbers,
		CreatedBy: b.CreatedByID, CreatedByName: b.CreatedBy, CreatedAt: b.CreatedAt.UTC()}
	err := s.db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		rec.ObjectID = strconv.FormatInt(row.ID, 10)
		return appendAudit(tx, rec)
	})
	if err != nil {
		return translate(err, "通报")
	}
	b.ID = row.ID
	return nil
}

// Bulletin returns one bulletin.
func (s *Bulletins) Bulletin(ctx context.Context, id int64) (*bulletin.Bulletin, error) {
	var row bulletinRow
	if err := s.db.R.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, translate(err, "通报")
	}
	b := row.toBulletin()
	return &b, nil
}

// ListBulletins lists bulletins newest first.
func (s *Bulletins) ListBulletins(ctx context.Context, f bulletin.Filter) ([]bulletin.Bulletin, error) {
	q := s.db.R.WithContext(ctx).Model(&bulletinRow{})
	if f.Subject != "" {
		q = q.Where("subject = ?", string(f.Subject))
	}
	if f.Department != "" {
		q = q.Where("department = ?", f.Department)
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	var rows []bulletinRow
	if err := q.Order("id DESC").Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "通报")
	}
	out := make([]bulletin.Bulletin, len(rows))
	for i := range rows {
		out[i] = rows[i].toBulletin()
	}
	return out, nil
}

// KnownDepartment is the matters' rule: listed and active, or a liaison's.
func (s *Bulletins) KnownDepartment(ctx context.Context, name string) (bool, error) {
	return (&Matters{db: s.db}).KnownDepartment(ctx, name)
}
