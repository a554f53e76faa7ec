package storage

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/stats"
)

// The counters of stats_monthly: metric and the form of k.
const (
	metricNew     = "new"      // k: channel
	metricClosed  = "closed"   // k: "completed:1" — result and on-time (1/0)
	metricRating  = "rating"   // k: score
	metricMarker  = "backfill" // month "", k "": the counters were filled from the cases
	monthlyLayout = "2006-01"
)

type monthlyRow struct {
	Month  string `gorm:"primaryKey"`
	Metric string `gorm:"primaryKey"`
	K      string `gorm:"primaryKey;column:k"`
	N      int64
}

func (monthlyRow) TableName() string { return "stats_monthly" }

func chinaMonthOf(t time.Time) string { return t.In(casework.ChinaTime).Format(monthlyLayout) }

// bump adds one to a counter in tx.
func bump(tx *gorm.DB, month, metric, k string) error {
	return tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "month"}, {Name: "metric"}, {Name: "k"}},
		DoUpdates: clause.Assignments(map[string]any{"n": gorm.Expr("n + 1")}),
	}).Create(&monthlyRow{Month: month, Metric: metric, K: k, N: 1}).Error
}

// StatsHook is the cases.Hook that keeps the monthly counters in the
// transaction of every submission, sign-off and rating: register it with
// cases.Service.OnEvent (the composition root does).
func (db *DB) StatsHook(ctx context.Context, tx cases.Tx, c *casework.Case, ev *casework.Event) error {
	g, ok := tx.(interface{ Gorm() *gorm.DB })
	if !ok {
		return errors.New("stats hook: not a storage transaction")
	}
	t := g.Gorm().WithContext(ctx)
	var err error
	switch ev.Action {
	case casework.ActionSubmit:
		err = bump(t, chinaMonthOf(c.CreatedAt), metricNew, string(c.Channel))
	case casework.ActionSignOff:
		onTime := "0"
		if c.Deadline == "" || casework.DateOf(ev.At) <= c.Deadline {
			onTime = "1"
		}
		err = bump(t, chinaMonthOf(ev.At), metricClosed, string(ev.Status)+":"+onTime)
	case casework.ActionRate:
		if c.Rating != nil {
			err = bump(t, chinaMonthOf(c.Rating.At), metricRating, strconv.Itoa(c.Rating.Score))
		}
	}
	return translate(err, "统计")
}

// monthly reads the counters of one metric for the months of [from, to).
func (s *Stats) monthly(ctx context.Context, metric string, from, to time.Time) ([]monthlyRow, error) {
	var rows []monthlyRow
	err := s.db.R.WithContext(ctx).Where("metric = ? AND month >= ? AND month <= ?", metric,
		chinaMonthOf(from), chinaMonthOf(to.Add(-time.Nanosecond))).Find(&rows).Error
	return rows, translate(err, "统计")
}

// MonthlyIntake counts the cases created in the months of [from, to) by
// channel, from the counters.
func (s *Stats) MonthlyIntake(ctx context.Context, from, to time.Time) ([]stats.MonthGroup, error) {
	rows, err := s.monthly(ctx, metricNew, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]stats.MonthGroup, len(rows))
	for i, r := range rows {
		out[i] = stats.MonthGroup{Month: r.Month, Key: r.K, Count: int(r.N)}
	}
	return out, nil
}

// MonthlySignOffs counts the sign-offs of the months of [from, to) by result
// and on-time, from the counters.
func (s *Stats) MonthlySignOffs(ctx context.Context, from, to time.Time) ([]stats.SignOffGroup, error) {
	rows, err := s.monthly(ctx, metricClosed, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]stats.SignOffGroup, 0, len(rows))
	for _, r := range rows {
		st, onTime, _ := strings.Cut(r.K, ":")
		out = append(out, stats.SignOffGroup{Month: r.Month, Status: casework.Status(st), OnTime: onTime == "1", Count: int(r.N)})
	}
	return out, nil
}

// MonthlyRatings counts the ratings of the months of [from, to) by score,
// from the counters.
func (s *Stats) MonthlyRatings(ctx context.Context, from, to time.Time) ([]stats.MonthGroup, error) {
	rows, err := s.monthly(ctx, metricRating, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]stats.MonthGroup, len(rows))
	for i, r := range rows {
		out[i] = stats.MonthGroup{Month: r.Month, Key: r.K, Count: int(r.N)}
	}
	return out, nil
}

// BackfillMonthly fills the counters from the cases, sign-offs and ratings
// already stored, once per database (a marker row records it; a second
// instance starting at the same time waits on the marker and skips). Run
// it before the instance serves: actions committed by an older version
// while it runs are not counted. Returns whether it ran.
func (db *DB) BackfillMonthly(ctx context.Context) (bool, error) {
	ran := false
	err := db.transact(ctx, func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&monthlyRow{Metric: metricMarker, N: 1})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		ran = true
		src := &Stats{db: &DB{R: tx, W: tx, Dialect: db.Dialect, log: db.log}}
		from, to := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
		var rows []monthlyRow
		intake, err := src.groupedIntake(ctx, from, to)
		if err != nil {
			return err
		}
		for _, g := range intake {
			rows = append(rows, monthlyRow{Month: g.Month, Metric: metricNew, K: g.Key, N: int64(g.Count)})
		}
		offs, err := src.groupedSignOffs(ctx, from, to)
		if err != nil {
			return err
		}
		closed := map[string]int64{}
		for _, g := range offs {
			k := string(g.Status) + ":0"
			if g.OnTime {
				k = string(g.Status) + ":1"
			}
			closed[g.Month+"|"+k] += int64(g.Count)
		}
		for mk, n := range closed {
			m, k, _ := strings.Cut(mk, "|")
			rows = append(rows, monthlyRow{Month: m, Metric: metricClosed, K: k, N: n})
		}
		ratings, err := src.groupedRatings(ctx, from, to)
		if err != nil {
			return err
		}
		for _, g := range ratings {
			rows = append(rows, monthlyRow{Month: g.Month, Metric: metricRating, K: g.Key, N: int64(g.Count)})
		}
		if len(rows) == 0 {
			return nil
		}
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "month"}, {Name: "metric"}, {Name: "k"}},
			DoUpdates: clause.AssignmentColumns([]string{"n"}),
		}).CreateInBatches(rows, 200).Error
	})
	if err != nil {
		return false, errs.Wrap(errs.Unavailable, "统计数据初始化失败", err)
	}
	return ran, nil
}
