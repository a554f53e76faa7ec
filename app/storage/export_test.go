package storage

// MigrationVersions lists the versions of every registered migration, in
// order, for the tests of package storage_test.
func MigrationVersions() []int {
	out := make([]int, len(migrations))
	for i, m := range migrations {
		out[i] = m.Version
	}
	return out
}
