package storage

// Migration 160: the admin's write path of departments (issue 9): a
// department is disabled, never deleted while a matter or a liaison names
// it. Released: never edit, append a new file.
func init() {
	register(migration{160, "department administration", []string{
		`ALTER TABLE departments ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE`,
		`ALTER TABLE departments ADD COLUMN updated_at {ts} NULL`,
	}})
}
