package storage

import (
	"context"
	"strconv"
	"time"

	"sunshine/app/casework"
	"sunshine/app/stats"
)

var _ stats.SeriesStore = (*Stats)(nil)

// chinaMonth and chinaDate are SQL expressions for the China calendar month
// (YYYY-MM) and date (YYYY-MM-DD) of a UTC timestamp column: China has one
// fixed offset, so eight hours are added. Grouping by them runs on the rows
// an indexed range scan returns.
func (db *DB) chinaMonth(col string) string {
	if db.Dialect == MySQL {
		return "DATE_FORMAT(DATE_ADD(" + col + ", INTERVAL 8 HOUR), '%Y-%m')"
	}
	return "strftime('%Y-%m', " + col + ", '+8 hours')"
}

func (db *DB) chinaDate(col string) string {
	if db.Dialect == MySQL {
		return "DATE_FORMAT(DATE_ADD(" + col + ", INTERVAL 8 HOUR), '%Y-%m-%d')"
	}
	return "strftime('%Y-%m-%d', " + col + ", '+8 hours')"
}

// groupedIntake counts the cases created in [from, to) by month and channel
// (a range scan of ix_cases_intake, which covers both columns): the
// source of BackfillMonthly.
func (s *Stats) groupedIntake(ctx context.Context, from, to time.Time) ([]stats.MonthGroup, error) {
	var rows []struct {
		M, Channel string
		N          int
	}
	err := s.db.R.WithContext(ctx).Table("cases").
		Select(s.db.chinaMonth("created_at")+" AS m, channel, COUNT(*) AS n").
		Where("created_at >= ? AND created_at < ?", from.UTC(), to.UTC()).
		Group("m, channel").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "统计")
	}
	out := make([]stats.MonthGroup, len(rows))
	for i, r := range rows {
		out[i] = stats.MonthGroup{Month: r.M, Key: r.Channel, Count: r.N}
	}
	return out, nil
}

// groupedSignOffs counts the sign_off events in [from, to) by month, result
// and whether the China date of the sign-off kept the case deadline.
func (s *Stats) groupedSignOffs(ctx context.Context, from, to time.Time) ([]stats.SignOffGroup, error) {
	var rows []struct {
		M, Status string
		OnTime    int
		N         int
	}
	onTime := "CASE WHEN c.deadline = '' OR c.deadline >= " + s.db.chinaDate("e.at") + " THEN 1 ELSE 0 END"
	err := s.db.R.WithContext(ctx).Table("case_events AS e").
		Select(s.db.chinaMonth("e.at")+" AS m, e.status, "+onTime+" AS on_time, COUNT(*) AS n").
		Joins("JOIN cases AS c ON c.id = e.case_id").
		Where("e.action = ? AND e.at >= ? AND e.at < ?", string(casework.ActionSignOff), from.UTC(), to.UTC()).
		Group("m, e.status, on_time").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "统计")
	}
	out := make([]stats.SignOffGroup, len(rows))
	for i, r := range rows {
		out[i] = stats.SignOffGroup{Month: r.M, Status: casework.Status(r.Status), OnTime: r.OnTime == 1, Count: r.N}
	}
	return out, nil
}

// groupedRatings counts the ratings given in [from, to) by month and score.
func (s *Stats) groupedRatings(ctx context.Context, from, to time.Time) ([]stats.MonthGroup, error) {
	var rows []struct {
		M     string
		Score int
		N     int
	}
	err := s.db.R.WithContext(ctx).Table("ratings").
		Select(s.db.chinaMonth("created_at")+" AS m, score, COUNT(*) AS n").
		Where("created_at >= ? AND created_at < ?", from.UTC(), to.UTC()).
		Group("m, score").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "统计")
	}
	out := make([]stats.MonthGroup, len(rows))
	for i, r := range rows {
		out[i] = stats.MonthGroup{Month: r.M, Key: strconv.Itoa(r.Score), Count: r.N}
	}
	return out, nil
}

// Workloads merges three grouped reads: the cases each specialist holds
// (ix_cases_specialist), those signed off in [from, to) and the active
// specialists with their names.
func (s *Stats) Workloads(ctx context.Context, from, to time.Time, today string) ([]stats.Workload, error) {
	loads, err := s.Loads(ctx, today)
	if err != nil {
		return nil, err
	}
	by := map[int64]*stats.Workload{}
	var order []int64
	for _, l := range loads {
		by[l.SpecialistID] = &stats.Workload{SpecialistID: l.SpecialistID, Name: l.Name, Open: l.Open, Overdue: l.Overdue}
		order = append(order, l.SpecialistID)
	}
	var closed []struct {
		SpecialistID int64
		Name         string
		N            int
	}
	err = s.db.R.WithContext(ctx).Table("case_events AS e").
		Select("c.specialist_id, MAX(c.specialist_name) AS name, COUNT(*) AS n").
		Joins("JOIN cases AS c ON c.id = e.case_id").
		Where("e.action = ? AND e.at >= ? AND e.at < ? AND c.specialist_id <> 0", string(casework.ActionSignOff), from.UTC(), to.UTC()).
		Group("c.specialist_id").Scan(&closed).Error
	if err != nil {
		return nil, translate(err, "统计")
	}
	for _, c := range closed {
		w := by[c.SpecialistID]
		if w == nil {
			w = &stats.Workload{SpecialistID: c.SpecialistID, Name: c.Name}
			by[c.SpecialistID] = w
			order = append(order, c.SpecialistID)
		}
		w.Closed = c.N
	}
	out := make([]stats.Workload, 0, len(order))
	for _, id := range order {
		out = append(out, *by[id])
	}
	return out, nil
}

// MattersByDepartment counts per department the matters created in
// [from, to), those finished late in [from, to) (done on a China date after
// their deadline) and the open ones past their deadline today.
func (s *Stats) MattersByDepartment(ctx context.Context, from, to time.Time, today string) ([]stats.DepartmentMatters, error) {
	type group struct {
		Department string
		N          int
	}
	by := map[string]*stats.DepartmentMatters{}
	var order []string
	add := func(rows []group, set func(*stats.DepartmentMatters, int)) {
		for _, r := range rows {
			d := by[r.Department]
			if d == nil {
				d = &stats.DepartmentMatters{Department: r.Department}
				by[r.Department] = d
				order = append(order, r.Department)
			}
			set(d, r.N)
		}
	}
	var created, late, overdue []group
	err := s.db.R.WithContext(ctx).Table("department_matters").Select("department, COUNT(*) AS n").
		Where("created_at >= ? AND created_at < ?", from.UTC(), to.UTC()).Group("department").Scan(&created).Error
	if err == nil {
		err = s.db.R.WithContext(ctx).Table("department_matters").Select("department, COUNT(*) AS n").
			Where("status = ? AND deadline <> '' AND updated_at >= ? AND updated_at < ? AND deadline < "+s.db.chinaDate("updated_at"),
				"done", from.UTC(), to.UTC()).Group("department").Scan(&late).Error
	}
	if err == nil {
		err = s.db.R.WithContext(ctx).Table("department_matters").Select("department, COUNT(*) AS n").
			Where("deadline <> '' AND deadline < ? AND status <> ?", today, "done").Group("department").Scan(&overdue).Error
	}
	if err != nil {
		return nil, translate(err, "统计")
	}
	add(created, func(d *stats.DepartmentMatters, n int) { d.Matters = n })
	add(late, func(d *stats.DepartmentMatters, n int) { d.DoneLate = n })
	add(overdue, func(d *stats.DepartmentMatters, n int) { d.OverdueOpen = n })
	out := make([]stats.DepartmentMatters, 0, len(order))
	for _, name := range order {
		out = append(out, *by[name])
	}
	return out, nil
}

// LoadsByStatus counts the cases each specialist holds by status, from
// ix_cases_specialist (specialist_id, status) alone.
func (s *Stats) LoadsByStatus(ctx context.Context) ([]stats.StatusCount, error) {
	var rows []struct {
		SpecialistID int64
		Status       string
		N            int
	}
	err := s.db.R.WithContext(ctx).Table("cases").Select("specialist_id, status, COUNT(*) AS n").
		Where("specialist_id <> 0 AND status IN ?", trackingStatuses).Group("specialist_id, status").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "统计")
	}
	out := make([]stats.StatusCount, len(rows))
	for i, r := range rows {
		out[i] = stats.StatusCount{SpecialistID: r.SpecialistID, Status: casework.Status(r.Status), Count: r.N}
	}
	return out, nil
}
