package storage

// Migration 70: enterprise membership (SPEC §2). Released: never edit, append
// a new file.
//
// enterprises.admin_id makes "the first registrant becomes the administrator"
// one conditional UPDATE of one row, which every backend serializes.
// member_invites holds the single-use invitation codes (only their SHA-256).

func init() {
	register(migration{70, "enterprise membership", []string{
		`ALTER TABLE enterprises ADD COLUMN admin_id BIGINT NOT NULL DEFAULT 0`,
		`ALTER TABLE members ADD COLUMN verified_via VARCHAR(16) NOT NULL DEFAULT ''`,
		`ALTER TABLE members ADD COLUMN verified_at {ts} NULL`,
		`CREATE TABLE member_invites (
			id {pk},
			code_hash VARCHAR(64) NOT NULL,
			enterprise_id BIGINT NOT NULL,
			created_by BIGINT NOT NULL,
			expires_at {ts} NOT NULL,
			used_by BIGINT NOT NULL DEFAULT 0,
			used_at {ts} NULL,
			created_at {ts} NOT NULL){opts}`,
		`CREATE UNIQUE INDEX ux_member_invites_code ON member_invites (code_hash)`,
		`CREATE INDEX ix_member_invites_enterprise ON member_invites (enterprise_id, id)`,
	}})
}
