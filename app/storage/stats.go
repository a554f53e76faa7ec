package storage

import (
	"context"
	"time"

	"gorm.io/gorm"

	"sunshine/app/casework"
	"sunshine/app/stats"
)

// Stats implements stats.Store with aggregate queries on indexed columns.
type Stats struct{ db *DB }

// Stats returns the statistics store.
func (db *DB) Stats() *Stats { return &Stats{db: db} }

var _ stats.Store = (*Stats)(nil)

// trackingStatuses are the statuses in which a specialist holds the case.
var trackingStatuses = casework.StatusNames(casework.Holding)

// Intake groups the cases created in [from, to).
func (s *Stats) Intake(ctx context.Context, from, to time.Time) ([]stats.Intake, error) {
	var rows []struct {
		Status, Channel, ServiceType string
		N                            int
	}
	err := s.db.R.WithContext(ctx).Table("cases").Select("status, channel, service_type, COUNT(*) AS n").
		Where("created_at >= ? AND created_at < ?", from.UTC(), to.UTC()).
		Group("status, channel, service_type").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "统计")
	}
	out := make([]stats.Intake, len(rows))
	for i, r := range rows {
		out[i] = stats.Intake{Status: casework.Status(r.Status), Channel: casework.Channel(r.Channel), ServiceType: r.ServiceType, Count: r.N}
	}
	return out, nil
}

// SignOffs lists the sign_off events in [from, to) with the case deadline.
func (s *Stats) SignOffs(ctx context.Context, from, to time.Time) ([]stats.SignOff, error) {
	var rows []struct {
		At       time.Time
		Status   string
		Deadline string
	}
	err := s.db.R.WithContext(ctx).Table("case_events AS e").Select("e.at, e.status, c.deadline").
		Joins("JOIN cases AS c ON c.id = e.case_id").
		Where("e.action = ? AND e.at >= ? AND e.at < ?", string(casework.ActionSignOff), from.UTC(), to.UTC()).
		Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "统计")
	}
	out := make([]stats.SignOff, len(rows))
	for i, r := range rows {
		out[i] = stats.SignOff{At: r.At, Status: casework.Status(r.Status), Deadline: r.Deadline}
	}
	return out, nil
}

// PaperRatings counts the paper ratings given in [from, to).
func (s *Stats) PaperRatings(ctx context.Context, from, to time.Time) (int, error) {
	var n int64
	err := s.db.R.WithContext(ctx).Table("ratings").
		Where("created_at >= ? AND created_at < ? AND source = ?", from.UTC(), to.UTC(), "paper").Count(&n).Error
	return int(n), translate(err, "统计")
}

// Ratings counts the ratings given in [from, to) by score.
func (s *Stats) Ratings(ctx context.Context, from, to time.Time) (map[int]int, error) {
	var rows []struct{ Score, N int }
	err := s.db.R.WithContext(ctx).Table("ratings").Select("score, COUNT(*) AS n").
		Where("created_at >= ? AND created_at < ?", from.UTC(), to.UTC()).Group("score").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "统计")
	}
	out := map[int]int{}
	for _, r := range rows {
		out[r.Score] = r.N
	}
	return out, nil
}

func (s *Stats) overdue(ctx context.Context, today string) *gorm.DB {
	return s.db.R.WithContext(ctx).Table("cases").
		Where("deadline <> '' AND deadline < ? AND status IN ?", today, runningStatuses)
}

// OverdueCount counts the open cases past their deadline.
func (s *Stats) OverdueCount(ctx context.Context, today string) (int, error) {
	var n int64
	err := s.overdue(ctx, today).Count(&n).Error
	return int(n), translate(err, "统计")
}

// Overdue lists the open cases past their deadline, oldest deadline first.
func (s *Stats) Overdue(ctx context.Context, today string, after stats.Cursor, limit int) ([]stats.OverdueCase, error) {
	q := s.overdue(ctx, today).
		Select("id, number, enterprise_name, project_name, status, deadline, specialist_name")
	if after.ID > 0 {
		q = q.Where("(deadline > ? OR (deadline = ? AND id > ?))", after.Deadline, after.Deadline, after.ID)
	}
	var rows []struct {
		ID                                                                    int64
		Number, EnterpriseName, ProjectName, Status, Deadline, SpecialistName string
	}
	if err := q.Order("deadline, id").Limit(limit).Scan(&rows).Error; err != nil {
		return nil, translate(err, "统计")
	}
	out := make([]stats.OverdueCase, len(rows))
	for i, r := range rows {
		out[i] = stats.OverdueCase{ID: r.ID, Number: r.Number, EnterpriseName: r.EnterpriseName, ProjectName: r.ProjectName,
			Status: casework.Status(r.Status), Deadline: r.Deadline, Specialist: r.SpecialistName}
	}
	return out, nil
}

// Loads counts each specialist's open and overdue cases.
func (s *Stats) Loads(ctx context.Context, today string) ([]stats.Load, error) {
	var rows []struct {
		SpecialistID int64
		Name         string
		Open         int
		Overdue      int
	}
	err := s.db.R.WithContext(ctx).Table("staff_users AS u").
		Select("u.id AS specialist_id, u.name, COUNT(c.id) AS open, "+
			"COALESCE(SUM(CASE WHEN c.deadline <> '' AND c.deadline < ? AND c.status IN ? THEN 1 ELSE 0 END), 0) AS overdue",
			today, runningStatuses).
		Joins("LEFT JOIN cases AS c ON c.specialist_id = u.id AND c.status IN ?", trackingStatuses).
		Where("u.role = ? AND u.disabled = ?", string(casework.RoleSpecialist), false).
		Group("u.id, u.name").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "统计")
	}
	out := make([]stats.Load, len(rows))
	for i, r := range rows {
		out[i] = stats.Load{SpecialistID: r.SpecialistID, Name: r.Name, Open: r.Open, Overdue: r.Overdue}
	}
	return out, nil
}
