package storage

import (
	"context"

	"gorm.io/gorm"

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
	err := h.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
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
func (h *Holidays) SeedIfEmpty(ctx context.Context) error {
	byYear := map[int][]calendar.Day{}
	for _, d := range calendar.Seed() {
		byYear[d.Year()] = append(byYear[d.Year()], d)
	}
	for year, days := range byYear {
		var n int64
		if err := h.db.R.WithContext(ctx).Model(&holidayRow{}).Where("year = ?", year).Count(&n).Error; err != nil {
			return translate(err, "节假日")
		}
		if n == 0 {
			if err := h.ReplaceYear(ctx, year, days, calendar.SeedSource); err != nil {
				return err
			}
		}
	}
	return nil
}
