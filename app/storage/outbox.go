package storage

import (
	"sunshine/app/cases"
	"sunshine/app/errs"
)

// Outbox stores notifications in the action's transaction.
// TODO(notify): replaced by the notification outbox.
func (t *caseTx) Outbox(items []cases.Notification) error {
	if len(items) == 0 {
		return nil
	}
	return errs.E(errs.Internal, "outbox not available")
}
