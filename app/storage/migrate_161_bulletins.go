package storage

// Migration 161: 通报 of the supervising bureau (issue 9): about one
// department or the center, for a period. Released: never edit, append a
// new file.
func init() {
	register(migration{161, "bulletins", []string{
		`CREATE TABLE bulletins (
			id {pk},
			subject VARCHAR(16) NOT NULL,
			department VARCHAR(100) NOT NULL DEFAULT '',
			period_from VARCHAR(10) NOT NULL,
			period_to VARCHAR(10) NOT NULL,
			title VARCHAR(200) NOT NULL,
			findings {text} NOT NULL,
			case_numbers {text} NOT NULL,
			created_by BIGINT NOT NULL,
			created_by_name VARCHAR(50) NOT NULL DEFAULT '',
			created_at {ts} NOT NULL){opts}`,
		`CREATE INDEX ix_bulletins_subject ON bulletins (subject, id)`,
	}})
}
