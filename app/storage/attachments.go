package storage

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/files"
)

type attachmentRow struct {
	ID           int64
	CaseID       int64
	Step         string
	FileName     string
	StoredName   string
	ContentType  string
	Size         int64
	Sha256       string `gorm:"column:sha256"`
	KeyID        string
	UploaderRole string
	UploaderID   int64
	CreatedAt    time.Time
}

func (attachmentRow) TableName() string { return "attachments" }

func (r *attachmentRow) toMeta() files.Meta {
	return files.Meta{ID: r.ID, CaseID: r.CaseID, Step: r.Step, Name: r.FileName, StoredName: r.StoredName,
		ContentType: r.ContentType, Size: r.Size, SHA256: r.Sha256, UploaderRole: casework.Role(r.UploaderRole),
		UploaderID: r.UploaderID, CreatedAt: r.CreatedAt, KeyID: r.KeyID}
}

// Attachments implements files.Store.
type Attachments struct{ db *DB }

// Attachments returns the attachment metadata store.
func (db *DB) Attachments() *Attachments { return &Attachments{db: db} }

var _ files.Store = (*Attachments)(nil)

// InsertAttachment stores the metadata and the upload's audit record in one
// transaction.
func (s *Attachments) InsertAttachment(ctx context.Context, m *files.Meta, rec *audit.Record) error {
	row := &attachmentRow{CaseID: m.CaseID, Step: m.Step, FileName: m.Name, StoredName: m.StoredName,
		ContentType: m.ContentType, Size: m.Size, Sha256: m.SHA256, UploaderRole: string(m.UploaderRole),
		UploaderID: m.UploaderID, CreatedAt: m.CreatedAt.UTC(), KeyID: m.KeyID}
	err := s.db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		if rec.ObjectID == "" {
			rec.ObjectID = strconv.FormatInt(row.ID, 10)
		}
		return appendAudit(tx, rec)
	})
	if err != nil {
		return translate(err, "附件")
	}
	m.ID = row.ID
	return nil
}

// Attachment returns one attachment's metadata.
func (s *Attachments) Attachment(ctx context.Context, id int64) (*files.Meta, error) {
	var row attachmentRow
	if err := s.db.R.WithContext(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return nil, translate(err, "附件")
	}
	m := row.toMeta()
	return &m, nil
}

// Attachments lists the attachments of a case, oldest first.
func (s *Attachments) Attachments(ctx context.Context, caseID int64) ([]files.Meta, error) {
	var rows []attachmentRow
	if err := s.db.R.WithContext(ctx).Where("case_id = ?", caseID).Order("id").Limit(1000).Find(&rows).Error; err != nil {
		return nil, translate(err, "附件")
	}
	out := make([]files.Meta, len(rows))
	for i := range rows {
		out[i] = rows[i].toMeta()
	}
	return out, nil
}

// CaseUsage counts the attachments of a case and their bytes.
func (s *Attachments) CaseUsage(ctx context.Context, caseID int64) (files.Usage, error) {
	var u files.Usage
	err := s.db.R.WithContext(ctx).Model(&attachmentRow{}).Where("case_id = ?", caseID).
		Select("COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes").Scan(&u).Error
	return u, translate(err, "附件")
}

// EnterpriseUsage counts the attachments of every case of an enterprise
// and their bytes.
func (s *Attachments) EnterpriseUsage(ctx context.Context, enterpriseID int64) (files.Usage, error) {
	var u files.Usage
	err := s.db.R.WithContext(ctx).Model(&attachmentRow{}).
		Joins("JOIN cases ON cases.id = attachments.case_id").Where("cases.enterprise_id = ?", enterpriseID).
		Select("COUNT(*) AS files, COALESCE(SUM(attachments.size), 0) AS bytes").Scan(&u).Error
	return u, translate(err, "附件")
}

// AttachmentByStoredName returns the attachment whose object has this name.
func (s *Attachments) AttachmentByStoredName(ctx context.Context, name string) (*files.Meta, error) {
	var row attachmentRow
	if err := s.db.W.WithContext(ctx).Take(&row, "stored_name = ?", name).Error; err != nil {
		return nil, translate(err, "附件")
	}
	m := row.toMeta()
	return &m, nil
}

// AttachmentsAfter lists attachments by id after afterID; with notKeyID,
// only those encrypted under another key.
func (s *Attachments) AttachmentsAfter(ctx context.Context, afterID int64, limit int, notKeyID string) ([]files.Meta, error) {
	q := s.db.W.WithContext(ctx).Where("id > ?", afterID)
	if notKeyID != "" {
		q = q.Where("key_id <> ?", notKeyID)
	}
	var rows []attachmentRow
	if err := q.Order("id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "附件")
	}
	out := make([]files.Meta, len(rows))
	for i := range rows {
		out[i] = rows[i].toMeta()
	}
	return out, nil
}

type attachmentGarbageRow struct {
	StoredName string `gorm:"primaryKey"`
	CreatedAt  time.Time
}

func (attachmentGarbageRow) TableName() string { return "attachment_garbage" }

// ReplaceObject switches an attachment to a re-encrypted object and records
// the old one as garbage, in one transaction.
func (s *Attachments) ReplaceObject(ctx context.Context, id int64, oldName, newName, keyID string) error {
	err := s.db.transact(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&attachmentRow{}).Where("id = ? AND stored_name = ?", id, oldName).
			Updates(map[string]any{"stored_name": newName, "key_id": keyID})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errs.E(errs.Conflict, "附件已被其他进程改写")
		}
		return tx.Create(&attachmentGarbageRow{StoredName: oldName, CreatedAt: time.Now().UTC()}).Error
	})
	if err != nil && !errs.Is(err, errs.Conflict) {
		return translate(err, "附件")
	}
	return err
}

// Garbage lists objects to remove.
func (s *Attachments) Garbage(ctx context.Context, limit int) ([]string, error) {
	var names []string
	if err := s.db.W.WithContext(ctx).Model(&attachmentGarbageRow{}).Order("created_at, stored_name").Limit(limit).
		Pluck("stored_name", &names).Error; err != nil {
		return nil, translate(err, "附件")
	}
	return names, nil
}

// DropGarbage forgets a removed object.
func (s *Attachments) DropGarbage(ctx context.Context, name string) error {
	return translate(s.db.W.WithContext(ctx).Delete(&attachmentGarbageRow{}, "stored_name = ?", name).Error, "附件")
}
