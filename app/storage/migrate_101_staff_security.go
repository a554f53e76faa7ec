package storage

// Migration 101: staff security. must_change_password is set by an admin's
// password reset; totp_secret holds the second factor's secret encrypted
// (AES-GCM, never in clear), totp_enabled_at when it was confirmed; the
// recovery codes are stored as sha256 hashes and spent once. Released: never
// edit, append a new file.

func init() {
	register(migration{101, "staff second factor and passwords", []string{
		`ALTER TABLE staff_users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE`,
		`ALTER TABLE staff_users ADD COLUMN totp_secret VARCHAR(255) NOT NULL DEFAULT ''`,
		`ALTER TABLE staff_users ADD COLUMN totp_enabled_at {ts} NULL`,
		`CREATE TABLE staff_recovery_codes (
			id {pk},
			staff_id BIGINT NOT NULL,
			code_hash VARCHAR(64) NOT NULL,
			used_at {ts} NULL,
			created_at {ts} NOT NULL){opts}`,
		`CREATE UNIQUE INDEX ux_staff_recovery_codes ON staff_recovery_codes (staff_id, code_hash)`,
	}})
}
