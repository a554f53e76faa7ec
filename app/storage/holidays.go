package storage

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sunshine/app/calendar"
)

// Holidays keeps the working-day calendar per year.
type Holidays struct{ db *DB }

// Holidays returns the calendar store.
func (db *DB) Holidays() *Holidays { return &Holidays{db: db} }

// All returns every listed day.
func (h *Holidays) All(ctx context.Context) ([]calendar.Day, error) {
	var rows []holidayRow
	if err := h.db.R.WithContext(ctx).Order("date").Find(&rows).Error; err != nil {
		return nil, translate(err, "节假日")
	}
	out := make([]calendar.Day, len(rows))
	for i, r := range rows {
		out[i] = calendar.Day{Date: r.Date, Kind: calendar.Kind(r.Kind), Name: r.Name}
	}
	return out, nil
}

// ReplaceYear replaces the listed days of one year in one transaction.
func (h *Holidays) ReplaceYear(ctx context.Context, year int, days []calendar.Day, source string) error {
	err := h.db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("year = ?", year).Delete(&holidayRow{}).Error; err != nil {
			return err
		}
		for _, d := range days {
			if d.Year() != year {
				continue
			}
			row := holidayRow{Date: d.Date, Year: year, Kind: string(d.Kind), Name: d.Name, Source: source}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return translate(err, "节假日")
}

// SeedIfEmpty stores the shipped calendars for each year that has no rows.
// Instances starting together on a fresh database may all find a year
// empty: each inserts the days it lacks (never deleting), and a loser of a
// lock conflict tries again, so every instance starts and each day is stored
// once.
func (h *Holidays) SeedIfEmpty(ctx context.Context) error {
	byYear := map[int][]calendar.Day{}
	for _, d := range calendar.Seed() {
		byYear[d.Year()] = append(byYear[d.Year()], d)
	}
	for year, days := range byYear {
		var err error
		for attempt := 0; attempt < 5; attempt++ {
			if err = h.seedYear(ctx, year, days); err == nil {
				break
			}
			time.Sleep(time.Duration(20*(attempt+1)) * time.Millisecond)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (h *Holidays) seedYear(ctx context.Context, year int, days []calendar.Day) error {
	var n int64
	if err := h.db.W.WithContext(ctx).Model(&holidayRow{}).Where("year = ?", year).Count(&n).Error; err != nil || n > 0 {
		return translate(err, "节假日")
	}
	rows := make([]holidayRow, len(days))
	for i, d := range days {
		rows[i] = holidayRow{Date: d.Date, Year: year, Kind: string(d.Kind), Name: d.Name, Source: calendar.SeedSource}
	}
	err := h.db.W.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error
	return translate(err, "节假日")
}
