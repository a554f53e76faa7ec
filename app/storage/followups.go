package storage

import (
	"context"
	"time"

	"gorm.io/gorm"

	"sunshine/app/audit"
	"sunshine/app/errs"
	"sunshine/app/followup"
)

// Followups implements followup.Store.
type Followups struct{ db *DB }

// Followups returns the follow-up store.
func (db *DB) Followups() *Followups { return &Followups{db: db} }

var _ followup.Store = (*Followups)(nil)

// followupView is a task joined with its rating and case.
type followupView struct {
	ID             int64
	CaseID         int64
	Status         string
	Outcome        string
	DoneBy         string
	DoneAt         *time.Time
	CreatedAt      time.Time
	Number         string
	EnterpriseName string
	ProjectName    string
	Score          int
	Comment        string
}

func (v *followupView) toTask() followup.Task {
	return followup.Task{ID: v.ID, CaseID: v.CaseID, CaseNumber: v.Number, EnterpriseName: v.EnterpriseName,
		ProjectName: v.ProjectName, Score: v.Score, Comment: v.Comment, Status: v.Status, Outcome: v.Outcome,
		DoneBy: v.DoneBy, DoneAt: v.DoneAt, CreatedAt: v.CreatedAt}
}

func (f *Followups) query(ctx context.Context) *gorm.DB {
	return f.db.R.WithContext(ctx).Table("followups AS f").
		Select("f.id, f.case_id, f.status, f.outcome, f.done_by, f.done_at, f.created_at, c.number, c.enterprise_name, c.project_name, r.score, r.comment").
		Joins("JOIN cases c ON c.id = f.case_id").
		Joins("JOIN ratings r ON r.id = f.rating_id")
}

// ListFollowups returns one page, newest first.
func (f *Followups) ListFollowups(ctx context.Context, flt followup.Filter) ([]followup.Task, error) {
	q := f.query(ctx)
	if flt.Status != "" {
		q = q.Where("f.status = ?", flt.Status)
	}
	if flt.Before > 0 {
		q = q.Where("f.id < ?", flt.Before)
	}
	var rows []followupView
	if err := q.Order("f.id DESC").Limit(flt.Limit).Scan(&rows).Error; err != nil {
		return nil, translate(err, "回访")
	}
	out := make([]followup.Task, len(rows))
	for i := range rows {
		out[i] = rows[i].toTask()
	}
	return out, nil
}

// FollowupByID returns one task.
func (f *Followups) FollowupByID(ctx context.Context, id int64) (*followup.Task, error) {
	var rows []followupView
	if err := f.query(ctx).Where("f.id = ?", id).Limit(1).Scan(&rows).Error; err != nil {
		return nil, translate(err, "回访")
	}
	if len(rows) == 0 {
		return nil, errs.E(errs.NotFound, "回访任务不存在")
	}
	t := rows[0].toTask()
	return &t, nil
}

// CompleteFollowup closes an open task and appends the audit record in one
// transaction; the conditional update makes a second completion a conflict.
func (f *Followups) CompleteFollowup(ctx context.Context, id int64, outcome, by string, at time.Time, a *audit.Record) error {
	err := f.db.transact(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&followupRow{}).Where("id = ? AND status = ?", id, followup.Open).
			Updates(map[string]any{"status": followup.Done, "outcome": outcome, "done_by": by, "done_at": at.UTC()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errs.E(errs.Conflict, "该回访已完成")
		}
		return appendAudit(tx, a)
	})
	return translate(err, "回访")
}
