package storage

// Migration 165: monthly counters of the dashboards (issue 9, issue 11):
// cases submitted per month and channel, sign-offs per month by result and
// on-time, ratings per month by score — kept in each action's transaction
// by StatsHook, so a twelve-month series reads 12 × a few rows instead of
// grouping a year of cases (0.3–2 s at a million on MariaDB). The rows are
// filled from the existing cases once (BackfillMonthly, at start).
// Released: never edit, append a new file.
func init() {
	register(migration{165, "monthly statistics counters", []string{
		`CREATE TABLE stats_monthly (
			month VARCHAR(7) NOT NULL,
			metric VARCHAR(16) NOT NULL,
			k VARCHAR(32) NOT NULL,
			n BIGINT NOT NULL,
			PRIMARY KEY (month, metric, k)){opts}`,
	}})
}
