package storage

// Migration 40: indexes for the staff API — "my cases" of a clerk or head
// (cases with a timeline event by them), a specialist's own consultations
// and the head's follow-up queue. Released: never edit, append a new file.

func init() {
	register(migration{40, "staff api indexes", []string{
		`CREATE INDEX ix_case_events_actor ON case_events (actor_id, actor_role, case_id)`,
		`CREATE INDEX ix_consultations_created_by ON consultations (created_by, id)`,
		`CREATE UNIQUE INDEX ux_followups_rating ON followups (rating_id)`,
	}})
}
