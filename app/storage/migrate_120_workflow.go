package storage

// Migration 120: the workflow of issue 12. Released: never edit, append a
// new file.
//
// ratings.attachment_id is the scanned paper form of a paper rating.
// idempotency_keys holds every Idempotency-Key a client used to create a
// record (mini-program submit, staff intake, consultations, department
// matters), written in the creating transaction: the unique index makes a
// replay — also after a Redis restart — find the first record instead of
// creating a second one. misconduct_reports are the enterprises' reports to
// the supervising bureau (监督), which the center's staff never read.
func init() {
	register(migration{120, "workflow: paper ratings, idempotency keys, misconduct reports", []string{
		`ALTER TABLE ratings ADD COLUMN attachment_id BIGINT NOT NULL DEFAULT 0`,
		`CREATE TABLE idempotency_keys (
			id {pk},
			scope VARCHAR(32) NOT NULL,
			owner VARCHAR(64) NOT NULL,
			key_hash VARCHAR(64) NOT NULL,
			fingerprint VARCHAR(64) NOT NULL,
			object_id BIGINT NOT NULL,
			created_at {ts} NOT NULL){opts}`,
		`CREATE UNIQUE INDEX ux_idempotency_keys ON idempotency_keys (scope, owner, key_hash)`,
		`CREATE TABLE misconduct_reports (
			id {pk},
			case_id BIGINT NOT NULL,
			enterprise_id BIGINT NOT NULL DEFAULT 0,
			member_id BIGINT NOT NULL,
			kind VARCHAR(20) NOT NULL,
			description {text} NOT NULL,
			status VARCHAR(16) NOT NULL,
			handler_id BIGINT NOT NULL DEFAULT 0,
			handling {text} NOT NULL,
			outcome {text} NOT NULL,
			created_at {ts} NOT NULL,
			updated_at {ts} NOT NULL,
			closed_at {ts} NULL){opts}`,
		`CREATE INDEX ix_misconduct_reports_case ON misconduct_reports (case_id, id)`,
		`CREATE INDEX ix_misconduct_reports_status ON misconduct_reports (status, id)`,
		`CREATE INDEX ix_misconduct_reports_member ON misconduct_reports (member_id, id)`,
	}})
}
