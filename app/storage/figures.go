package storage

import (
	"context"
	"database/sql"
	"time"
)

// OutboxFigures is what an operator watches of the notification outbox,
// for every instance at once (read from the database).
type OutboxFigures struct {
	// Rows counts the outbox rows by state and channel (the channel that
	// delivered a sent row, or "" while none has).
	Rows map[[2]string]int64
	// OldestPending is when the oldest row still pending or sending was
	// created (zero when none is).
	OldestPending time.Time
	// Reminders counts the reminder rows by event (deadline3, deadline1,
	// overdue, matter_due): what the reminder scanner fired.
	Reminders map[string]int64
}

// ReminderEvents are the events the reminder scanner writes.
var ReminderEvents = []string{"deadline3", "deadline1", "overdue", "matter_due"}

// OutboxFigures reads the outbox figures.
func (db *DB) OutboxFigures(ctx context.Context) (*OutboxFigures, error) {
	f := &OutboxFigures{Rows: map[[2]string]int64{}, Reminders: map[string]int64{}}
	r := db.R.WithContext(ctx)
	var rows []struct {
		State, Channel string
		N              int64
	}
	if err := r.Raw("SELECT state, channel, COUNT(*) AS n FROM notifications GROUP BY state, channel").Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, x := range rows {
		f.Rows[[2]string{x.State, x.Channel}] = x.N
	}
	var oldest sql.NullTime
	if err := r.Raw("SELECT MIN(created_at) FROM notifications WHERE state IN ('pending', 'sending')").Row().Scan(&oldest); err != nil {
		// SQLite returns the minimum of a DATETIME column as text.
		var s sql.NullString
		if err2 := r.Raw("SELECT MIN(created_at) FROM notifications WHERE state IN ('pending', 'sending')").Row().Scan(&s); err2 != nil {
			return nil, err
		}
		if s.Valid {
			for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999"} {
				if t, perr := time.Parse(layout, s.String); perr == nil {
					oldest = sql.NullTime{Time: t, Valid: true}
					break
				}
			}
		}
	}
	if oldest.Valid {
		f.OldestPending = oldest.Time
	}
	var ev []struct {
		Event string
		N     int64
	}
	if err := r.Raw("SELECT event, COUNT(*) AS n FROM notifications WHERE event IN ? GROUP BY event", ReminderEvents).Scan(&ev).Error; err != nil {
		return nil, err
	}
	for _, x := range ev {
		f.Reminders[x.Event] = x.N
	}
	return f, nil
}
