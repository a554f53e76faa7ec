package storage

// Migration 100: the tamper-evident audit trail. Each record gets its place
// in the hash chain (seq, gap-free), the previous record's hash and its own;
// audit_chain holds the one chain head row that every writer updates in its
// transaction (the row lock serialises the chain across instances) and the
// anchor a purge leaves. Records older than this migration are chained in
// id order by Migrate (sealAudit). Released: never edit, append a new file.

func init() {
	register(migration{100, "audit hash chain", []string{
		`ALTER TABLE audit_records ADD COLUMN seq BIGINT NULL`,
		`ALTER TABLE audit_records ADD COLUMN prev_hash VARCHAR(64) NOT NULL DEFAULT ''`,
		`ALTER TABLE audit_records ADD COLUMN hash VARCHAR(64) NOT NULL DEFAULT ''`,
		`CREATE UNIQUE INDEX ux_audit_seq ON audit_records (seq)`,
		`CREATE TABLE audit_chain (
			id INT NOT NULL PRIMARY KEY,
			seq BIGINT NOT NULL,
			hash VARCHAR(64) NOT NULL,
			anchor_seq BIGINT NOT NULL,
			anchor_hash VARCHAR(64) NOT NULL){opts}`,
		`INSERT INTO audit_chain (id, seq, hash, anchor_seq, anchor_hash) VALUES (1, 0, '', 0, '')`,
	}})
}
