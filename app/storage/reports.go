package storage

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"

	"sunshine/app/audit"
	"sunshine/app/errs"
	"sunshine/app/supervision"
)

type reportRow struct {
	ID           int64
	CaseID       int64
	EnterpriseID int64
	MemberID     int64
	Kind         string
	Description  string
	Status       string
	HandlerID    int64
	Handling     string
	Outcome      string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ClosedAt     *time.Time
	// Read with the case.
	CaseNumber  string `gorm:"->;-:migration"`
	ProjectName string `gorm:"->;-:migration"`
}

func (reportRow) TableName() string { return "misconduct_reports" }

func (r *reportRow) toReport() supervision.Report {
	return supervision.Report{ID: r.ID, CaseID: r.CaseID, CaseNumber: r.CaseNumber, ProjectName: r.ProjectName,
		EnterpriseID: r.EnterpriseID, MemberID: r.MemberID, Kind: r.Kind, Description: r.Description,
		Status: supervision.Status(r.Status), HandlerID: r.HandlerID, Handling: r.Handling, Outcome: r.Outcome,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, ClosedAt: r.ClosedAt}
}

// Reports implements supervision.Store.
type Reports struct{ db *DB }

// Reports returns the store of misconduct reports.
func (db *DB) Reports() *Reports { return &Reports{db: db} }

var _ supervision.Store = (*Reports)(nil)

// InsertReport stores a report with its audit record.
func (s *Reports) InsertReport(ctx context.Context, r *supervision.Report, rec *audit.Record) error {
	row := &reportRow{CaseID: r.CaseID, EnterpriseID: r.EnterpriseID, MemberID: r.MemberID, Kind: r.Kind,
		Description: r.Description, Status: string(r.Status), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	err := s.db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Omit("CaseNumber", "ProjectName").Create(row).Error; err != nil {
			return err
		}
		rec.ObjectID = strconv.FormatInt(row.ID, 10)
		return appendAudit(tx, rec)
	})
	if err != nil {
		return translate(err, "反映")
	}
	r.ID = row.ID
	return nil
}

func (s *Reports) query(ctx context.Context) *gorm.DB {
	return s.db.R.WithContext(ctx).Table("misconduct_reports AS r").
		Select("r.*, c.number AS case_number, c.project_name AS project_name").
		Joins("LEFT JOIN cases AS c ON c.id = r.case_id")
}

// Report returns one report.
func (s *Reports) Report(ctx context.Context, id int64) (*supervision.Report, error) {
	var rows []reportRow
	if err := s.query(ctx).Where("r.id = ?", id).Limit(1).Scan(&rows).Error; err != nil {
		return nil, translate(err, "反映")
	}
	if len(rows) == 0 {
		return nil, errs.E(errs.NotFound, "反映不存在")
	}
	r := rows[0].toReport()
	return &r, nil
}

// ListReports returns one page, newest first.
func (s *Reports) ListReports(ctx context.Context, f supervision.Filter) ([]supervision.Report, error) {
	q := s.query(ctx)
	if f.Status != "" {
		q = q.Where("r.status = ?", string(f.Status))
	}
	if f.CaseID != 0 {
		q = q.Where("r.case_id = ?", f.CaseID)
	}
	if f.MemberID != 0 {
		q = q.Where("r.member_id = ?", f.MemberID)
	}
	if f.Before > 0 {
		q = q.Where("r.id < ?", f.Before)
	}
	var rows []reportRow
	if err := q.Order("r.id DESC").Limit(f.Limit).Scan(&rows).Error; err != nil {
		return nil, translate(err, "反映")
	}
	out := make([]supervision.Report, len(rows))
	for i := range rows {
		out[i] = rows[i].toReport()
	}
	return out, nil
}

// UpdateReport saves the report if its status is still from.
func (s *Reports) UpdateReport(ctx context.Context, r *supervision.Report, from supervision.Status, rec *audit.Record) error {
	var closed any
	if r.ClosedAt != nil {
		closed = r.ClosedAt.UTC()
	}
	err := s.db.transact(ctx, func(tx *gorm.DB) error {
		res := tx.Table("misconduct_reports").Where("id = ? AND status = ?", r.ID, string(from)).Updates(map[string]any{
			"status": string(r.Status), "handler_id": r.HandlerID, "handling": r.Handling, "outcome": r.Outcome,
			"updated_at": r.UpdatedAt.UTC(), "closed_at": closed})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errs.E(errs.Conflict, "该反映已被他人处理，请刷新后重试")
		}
		return appendAudit(tx, rec)
	})
	return translate(err, "反映")
}
