package storage

// Migration 140: materials in object storage and key rotation. Every
// attachment records which key encrypted it (files.KeyID; ” = written
// before key ids, i.e. under the key configured then), which is the
// progress of rotate-attachment-key; attachment_garbage lists the objects a
// rotation replaced, removed by the sweeper. Released: never edit, append a
// new file.
func init() {
	register(migration{140, "attachment key ids and object garbage", []string{
		`ALTER TABLE attachments ADD COLUMN key_id VARCHAR(32) NOT NULL DEFAULT ''`,
		`CREATE INDEX ix_attachments_stored_name ON attachments (stored_name)`,
		`CREATE TABLE attachment_garbage (
			stored_name VARCHAR(64) NOT NULL PRIMARY KEY,
			created_at {ts} NOT NULL){opts}`,
	}})
}
