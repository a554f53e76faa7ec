package storage

// Migration 60: the notification outbox, the in-app inboxes and the
// subscribe-message credits (SPEC §4). Released: never edit, append a new
// file.
//
// notifications is the outbox: one row per recipient, delivered after the
// action's commit. A worker claims a row with a conditional UPDATE by id
// that sets claim_token and claim_expires_at; dedup_key (unique, NULL when
// not needed) makes reminders and repeats idempotent across instances.

func init() {
	register(migration{60, "notification outbox", []string{
		`CREATE TABLE notifications (
			id {pk},
			event VARCHAR(32) NOT NULL,
			case_id BIGINT NOT NULL DEFAULT 0,
			recipient VARCHAR(100) NOT NULL,
			channels VARCHAR(100) NOT NULL DEFAULT '',
			channel VARCHAR(16) NOT NULL DEFAULT '',
			payload {text} NOT NULL,
			state VARCHAR(16) NOT NULL,
			attempts INT NOT NULL DEFAULT 0,
			next_attempt_at {ts} NOT NULL,
			retry_until {ts} NOT NULL,
			last_error VARCHAR(500) NOT NULL DEFAULT '',
			claim_token VARCHAR(64) NULL,
			claim_expires_at {ts} NULL,
			dedup_key VARCHAR(191) NULL,
			created_at {ts} NOT NULL,
			updated_at {ts} NOT NULL,
			sent_at {ts} NULL){opts}`,
		`CREATE UNIQUE INDEX ux_notifications_dedup ON notifications (dedup_key)`,
		`CREATE INDEX ix_notifications_due ON notifications (state, next_attempt_at)`,
		`CREATE INDEX ix_notifications_state ON notifications (state, id)`,
		`CREATE INDEX ix_notifications_case ON notifications (case_id, event)`,

		`CREATE TABLE inbox (
			id {pk},
			recipient VARCHAR(100) NOT NULL,
			notification_id BIGINT NOT NULL DEFAULT 0,
			event VARCHAR(32) NOT NULL,
			case_id BIGINT NOT NULL DEFAULT 0,
			title VARCHAR(100) NOT NULL,
			body VARCHAR(1000) NOT NULL,
			page VARCHAR(200) NOT NULL DEFAULT '',
			read_at {ts} NULL,
			created_at {ts} NOT NULL){opts}`,
		`CREATE INDEX ix_inbox_recipient ON inbox (recipient, id)`,
		`CREATE INDEX ix_inbox_unread ON inbox (recipient, read_at)`,

		`CREATE TABLE subscribe_credits (
			openid VARCHAR(64) NOT NULL,
			template_id VARCHAR(64) NOT NULL,
			credits INT NOT NULL DEFAULT 0,
			updated_at {ts} NOT NULL,
			PRIMARY KEY (openid, template_id)){opts}`,
	}})
}
