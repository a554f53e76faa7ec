// Package cases is the application service around the casework core: who
// may see which case, submitting, reading, listing, applying actions and
// rating — each write as one transaction (case + timeline + audit + the
// hooks' rows, such as the notification outbox).
package cases

import (
	"context"
	"time"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/idem"
)

// Filter selects cases for a list; zero fields do not filter.
type Filter struct {
	Statuses     []casework.Status
	SpecialistID int64
	// SpecialistPool widens SpecialistID to unassigned cases waiting to be
	// archived (rejected, withdrawn) and those archived.
	SpecialistPool bool
	EnterpriseID   int64 // with SubmitterID: enterprise cases OR own cases
	SubmitterID    int64
	OwnOnly        bool   // enterprise member not yet verified: SubmitterID only
	Department     string // liaison: cases with a matter for this department
	Overdue        bool
	Today          string // YYYY-MM-DD, for Overdue
	Q              string // number, enterprise name or credit code
	Mine           bool   // "my cases": see Service.ScopeFilter
	ActorID        int64  // with ActorRole: cases with a timeline event by this actor
	ActorRole      casework.Role
	Before         int64 // cursor: ids below this
	Limit          int

	// The workbench filters (issue 9); zero values do not filter.
	Channel      casework.Channel
	ServiceType  string // assist, agency, or "undecided" for none yet
	AssignedTo   int64  // cases held by this specialist
	DeadlineFrom string // YYYY-MM-DD, deadline on or after (cases without one are left out)
	DeadlineTo   string // YYYY-MM-DD, deadline on or before (cases without one are left out)
	// Sort is the order: SortNewest (the default, by id, cursor Before),
	// SortDeadline (deadline ascending then id, cases without a deadline
	// left out, cursor After) or SortUpdated (updated_at ascending then id,
	// cursor After: the change feed).
	Sort  Sort
	After Position
}

// Sort names a list order.
type Sort string

// The list orders.
const (
	SortNewest   Sort = ""
	SortDeadline Sort = "deadline"
	SortUpdated  Sort = "updated"
)

// Position is a keyset cursor of the deadline and updated orders: the last
// row's deadline or updated_at, and its id. The zero Position is the start.
type Position struct {
	Deadline string
	Updated  time.Time
	ID       int64
}

// Store is the persistence the service needs. Implemented by storage.
type Store interface {
	// Case returns a case with its rating. Returns not_found.
	Case(ctx context.Context, id int64) (*casework.Case, error)
	// CaseWithTimeline returns a case and its whole timeline in a fixed
	// number of queries. Returns not_found.
	CaseWithTimeline(ctx context.Context, id int64) (*casework.Case, []casework.Event, error)
	// CaseByHotlineOrder finds the case of a hotline order. Returns not_found.
	CaseByHotlineOrder(ctx context.Context, orderNo string) (*casework.Case, error)
	// ListCases returns at most f.Limit cases, newest first.
	ListCases(ctx context.Context, f Filter) ([]casework.Case, error)
	// Consultation returns the earliest 咨询 record linked to the case, nil
	// when there is none.
	Consultation(ctx context.Context, caseID int64) (*casework.Consultation, error)
	// HasMatterFor reports whether the case has a matter for the department.
	HasMatterFor(ctx context.Context, caseID int64, department string) (bool, error)
	// EnterpriseByCreditCode returns the id of the registered enterprise with
	// that credit code, or 0 when there is none.
	EnterpriseByCreditCode(ctx context.Context, creditCode string) (int64, error)
	// IdempotencyKey finds a claimed Idempotency-Key (idem.Store).
	IdempotencyKey(ctx context.Context, scope, owner, hash string) (fingerprint string, id int64, found bool, err error)
	// AttachmentOfCase reports whether attachment id belongs to the case.
	AttachmentOfCase(ctx context.Context, caseID, id int64) (bool, error)
	// Specialists returns the active specialists by id with their names.
	Specialists(ctx context.Context) (map[int64]string, error)
	// NextCaseNumber reserves the next sequence number of a year; numbers
	// are unique across instances and may have gaps.
	NextCaseNumber(ctx context.Context, year int) (int64, error)
	// InTx runs fn in one transaction.
	InTx(ctx context.Context, fn func(Tx) error) error
}

// Tx is the write side inside one transaction.
type Tx interface {
	// InsertCase stores a new case and sets its ID. Returns conflict on a
	// duplicate number or hotline order.
	InsertCase(c *casework.Case) error
	// UpdateCase saves c if the stored version is still prevVersion.
	// Returns conflict when it moved.
	UpdateCase(c *casework.Case, prevVersion int) error
	// ClaimKey records the Idempotency-Key of a case being created;
	// idem.ErrTaken when another request claimed it.
	ClaimKey(k *idem.Key, id int64) error
	// AddEvent appends a timeline event and sets its ID.
	AddEvent(e *casework.Event) error
	// AddRating stores the case's rating and, when followUp, a 回访 task.
	// Returns conflict if the case is already rated.
	AddRating(c *casework.Case, followUp bool) error
	// Audit appends an audit record.
	Audit(r *audit.Record) error
	// Outbox stores notifications to deliver after commit, with their inbox
	// entries; items whose DedupKey is already stored are skipped.
	Outbox(items []Notification) error
}

// Notification is an outbox row written with the action that causes it.
// Storage files Title and Body in the recipient's in-app inbox in the same
// transaction (members and staff; the hotline has no inbox).
type Notification struct {
	Event     string // e.g. accepted, new_case (see package notify)
	CaseID    int64
	Recipient string   // kind:id, e.g. member:12, staff:3, hotline:ORDER
	Channels  []string // delivery plan in order, e.g. subscribe, template
	Title     string   // inbox title
	Body      string   // inbox text
	Page      string   // mini-program page that opens the case
	Payload   map[string]any
	At        time.Time // when the event happened, by the service clock (zero: now)
	NotBefore time.Time // not delivered before (zero: at At)
	DedupKey  string    // unique when set; a repeat is skipped, not an error
}

// Hook runs inside the transaction of every applied action or submit and
// may add outbox rows; returning an error rolls the action back.
type Hook func(ctx context.Context, tx Tx, c *casework.Case, ev *casework.Event) error
