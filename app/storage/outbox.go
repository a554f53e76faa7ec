package storage

import (
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"

	"sunshine/app/cases"
	"sunshine/app/notify"
)

// Outbox stores notifications in the action's transaction, each with its
// inbox entry; a row whose dedup key is stored already is skipped.
func (t *caseTx) Outbox(items []cases.Notification) error {
	_, err := insertNotifications(t.tx, items, time.Now())
	return err
}

type notificationRow struct {
	ID             int64
	Event          string
	CaseID         int64
	Recipient      string
	Channels       string
	Channel        string
	Payload        map[string]any `gorm:"serializer:json;type:longtext"`
	State          string
	Attempts       int
	NextAttemptAt  time.Time
	RetryUntil     time.Time
	LastError      string
	ClaimToken     *string
	ClaimExpiresAt *time.Time
	DedupKey       *string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	SentAt         *time.Time
}

func (notificationRow) TableName() string { return "notifications" }

func (r *notificationRow) toRow() *notify.Row {
	out := &notify.Row{ID: r.ID, Event: r.Event, CaseID: r.CaseID, Recipient: r.Recipient, Channel: r.Channel,
		Payload: r.Payload, State: r.State, Attempts: r.Attempts, NextAttemptAt: r.NextAttemptAt,
		RetryUntil: r.RetryUntil, LastError: r.LastError, CreatedAt: r.CreatedAt, SentAt: r.SentAt}
	if r.Channels != "" {
		out.Channels = strings.Split(r.Channels, ",")
	}
	if r.DedupKey != nil {
		out.DedupKey = *r.DedupKey
	}
	return out
}

type inboxRow struct {
	ID             int64
	Recipient      string
	NotificationID int64
	Event          string
	CaseID         int64
	Title          string
	Body           string
	Page           string
	ReadAt         *time.Time
	CreatedAt      time.Time
}

func (inboxRow) TableName() string { return "inbox" }

// utc is the form every outbox time is stored in (MySQL keeps microseconds).
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// insertNotifications writes rows and inbox entries inside tx and returns
// how many rows were new. The insert of a row whose dedup key exists does
// nothing (ON CONFLICT DO NOTHING / ON DUPLICATE KEY UPDATE id=id), so a
// repeat never fails the action that causes it.
func insertNotifications(tx *gorm.DB, items []cases.Notification, now time.Time) (int, error) {
	stored := 0
	for _, n := range items {
		at := n.At
		if at.IsZero() {
			at = now
		}
		due := at
		if n.NotBefore.After(due) {
			due = n.NotBefore
		}
		payload := n.Payload
		if payload == nil {
			payload = map[string]any{}
		}
		row := &notificationRow{Event: n.Event, CaseID: n.CaseID, Recipient: n.Recipient,
			Channels: strings.Join(n.Channels, ","), Payload: payload, State: notify.StatePending,
			NextAttemptAt: utc(due), RetryUntil: utc(due.Add(notify.RetryWindow)),
			CreatedAt: utc(at), UpdatedAt: utc(at)}
		if n.DedupKey == "" {
			if err := tx.Create(row).Error; err != nil {
				return stored, translate(err, "通知")
			}
		} else {
			k := n.DedupKey
			row.DedupKey = &k
			fresh, err := insertOnce(tx, row)
			if err != nil {
				return stored, translate(err, "通知")
			}
			if !fresh {
				continue
			}
		}
		stored++
		kind, _, _ := notify.ParseRecipient(n.Recipient)
		if kind != notify.KindMember && kind != notify.KindStaff {
			continue
		}
		in := &inboxRow{Recipient: n.Recipient, NotificationID: row.ID, Event: n.Event, CaseID: n.CaseID,
			Title: truncate(n.Title, 100), Body: truncate(n.Body, 1000), Page: truncate(n.Page, 200), CreatedAt: utc(at)}
		if err := tx.Create(in).Error; err != nil {
			return stored, translate(err, "消息")
		}
	}
	return stored, nil
}

// insertOnce inserts a row with a dedup key unless the key exists, and sets
// its ID. It is a plain statement rather than GORM's Create with
// OnConflict: on MariaDB GORM adds RETURNING, which answers the existing
// row for a duplicate, so a skipped insert would look like a new one.
func insertOnce(tx *gorm.DB, row *notificationRow) (bool, error) {
	payload, err := json.Marshal(row.Payload)
	if err != nil {
		return false, err
	}
	ignore := " ON CONFLICT (dedup_key) DO NOTHING"
	if tx.Dialector.Name() == "mysql" {
		ignore = " ON DUPLICATE KEY UPDATE id = id"
	}
	res := tx.Exec(`INSERT INTO notifications (event, case_id, recipient, channels, channel, payload, state, attempts,
		next_attempt_at, retry_until, last_error, dedup_key, created_at, updated_at)
		VALUES (?, ?, ?, ?, '', ?, ?, 0, ?, ?, '', ?, ?, ?)`+ignore,
		row.Event, row.CaseID, row.Recipient, row.Channels, string(payload), row.State,
		row.NextAttemptAt, row.RetryUntil, *row.DedupKey, row.CreatedAt, row.UpdatedAt)
	if res.Error != nil || res.RowsAffected != 1 {
		return false, res.Error
	}
	return true, tx.Model(&notificationRow{}).Where("dedup_key = ?", *row.DedupKey).Limit(1).Pluck("id", &row.ID).Error
}
