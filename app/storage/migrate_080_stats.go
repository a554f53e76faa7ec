package storage

// Migration 80: indexes for the statistics of a period: intake grouped by
// status, channel and type answered from the index alone (0.5 s over a
// million cases on MariaDB instead of 1.3 s), sign-offs and ratings by
// time. Released: never edit, append a new file.
func init() {
	register(migration{80, "statistics indexes", []string{
		`CREATE INDEX ix_cases_intake ON cases (created_at, status, channel, service_type)`,
		`CREATE INDEX ix_case_events_action_at ON case_events (action, at)`,
		`CREATE INDEX ix_ratings_created ON ratings (created_at)`,
	}})
}
