package storage

// Migration 102: the chain head row is no longer seeded by migration 100 —
// a migrated database must stay empty for a restore (backup.Restore) — but
// created with the first chained record or at start (EnsureAuditChain).
// Only the untouched seed (an empty chain) is removed. Released: never
// edit, append a new file.

func init() {
	register(migration{102, "audit chain head created on first use", []string{
		`DELETE FROM audit_chain WHERE id = 1 AND seq = 0 AND anchor_seq = 0`,
	}})
}
