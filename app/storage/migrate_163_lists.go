package storage

// Migration 163: the workbench lists (issue 9): the change feed reads cases
// by updated_at; the overdue matters by department read matters by
// deadline. Released: never edit, append a new file.
func init() {
	register(migration{163, "workbench list indexes", []string{
		`CREATE INDEX ix_cases_updated ON cases (updated_at, id)`,
		`CREATE INDEX ix_matters_deadline ON department_matters (deadline, status)`,
	}})
}
