package notify

import (
	"context"
	"time"

	"sunshine/app/cases"
	"sunshine/app/casework"
)

// Row states.
const (
	StatePending = "pending" // waiting for its next attempt
	StateSending = "sending" // claimed by a worker until claim_expires_at
	StateSent    = "sent"    // delivered (Channel says how)
	StateFailed  = "failed"  // gave up after the retry window; admins may retry
)

// Row is one outbox notification as stored.
type Row struct {
	ID            int64
	Event         string
	CaseID        int64
	Recipient     string
	Channels      []string // the plan
	Channel       string   // the channel that delivered it, once sent
	Payload       map[string]any
	State         string
	Attempts      int
	NextAttemptAt time.Time
	RetryUntil    time.Time // no retry after this; then failed
	LastError     string
	DedupKey      string
	CreatedAt     time.Time
	SentAt        *time.Time
}

// Outcome is what a worker records for a claimed row.
type Outcome struct {
	State         string // sent, pending (retry) or failed
	Channel       string
	LastError     string
	NextAttemptAt time.Time
	At            time.Time
}

// ListFilter selects rows for the admin view; zero fields do not filter.
type ListFilter struct {
	State  string
	Before int64 // cursor: ids below this
	Limit  int
}

// OutboxStore keeps the outbox rows. Implemented by storage.
type OutboxStore interface {
	// Enqueue stores notifications (and their inbox entries) in one
	// transaction outside any case action; items whose DedupKey is stored
	// already are skipped. Returns how many were stored.
	Enqueue(ctx context.Context, items []cases.Notification, now time.Time) (int, error)
	// DueIDs lists up to limit rows to deliver at now, oldest first: pending
	// rows whose next attempt has come and sending rows whose claim expired.
	DueIDs(ctx context.Context, now time.Time, limit int) ([]int64, error)
	// Claim takes a due row for token until expires (one conditional UPDATE
	// by id) and returns it; ok is false when it is not due any more or
	// another worker holds it.
	Claim(ctx context.Context, id int64, token string, now, expires time.Time) (row *Row, ok bool, err error)
	// Finish records the outcome of a row still claimed with token. Returns
	// conflict when the claim was lost (expired and taken by another worker).
	Finish(ctx context.Context, id int64, token string, o Outcome) error
	// Notifications lists rows newest first.
	Notifications(ctx context.Context, f ListFilter) ([]Row, error)
	// Retry makes a failed row pending again at now with a fresh retry
	// window ending at until. Returns not_found, conflict (not failed).
	Retry(ctx context.Context, id int64, now, until time.Time) error
	// LastOf returns the newest row of an event for a case (nil: none).
	LastOf(ctx context.Context, caseID int64, event string) (*Row, error)
}

// MemberContact is how an enterprise user is reached.
type MemberContact struct {
	OpenID   string // mini-program openid (subscribe messages)
	OAOpenID string // official-account openid, known through the unionid
}

// StaffContact is how a staff user is reached.
type StaffContact struct {
	Name        string
	WecomUserID string
	Disabled    bool
}

// Directory resolves who receives what. Implemented by storage; reads only.
type Directory interface {
	// EnterpriseMembers lists the verified members of the enterprise (by id,
	// or when 0 by the credit code of a registered enterprise).
	EnterpriseMembers(ctx context.Context, enterpriseID int64, creditCode string) ([]int64, error)
	// StaffWithRole lists the active staff of a role (department: liaisons
	// of that department only; "" for every department).
	StaffWithRole(ctx context.Context, role casework.Role, department string) ([]int64, error)
	// LastActorOf returns the staff actor of the case's newest event of the
	// action, 0 when there is none.
	LastActorOf(ctx context.Context, caseID int64, action casework.Action) (int64, error)
	// Member returns a member's contact. Returns not_found.
	Member(ctx context.Context, id int64) (MemberContact, error)
	// Staff returns a staff user's contact. Returns not_found.
	Staff(ctx context.Context, id int64) (StaffContact, error)
}

// CreditStore counts subscribe-message credits per (openid, template).
type CreditStore interface {
	// AddCredits adds one credit for each template id.
	AddCredits(ctx context.Context, openid string, templateIDs []string, now time.Time) error
	// SpendCredit takes one credit; false when there is none.
	SpendCredit(ctx context.Context, openid, templateID string, now time.Time) (bool, error)
	// RefundCredit gives back a credit that was not used.
	RefundCredit(ctx context.Context, openid, templateID string, now time.Time) error
	// ClearCredits sets the credits to zero (WeChat said 43101).
	ClearCredits(ctx context.Context, openid, templateID string, now time.Time) error
	// Credits returns the credits held.
	Credits(ctx context.Context, openid, templateID string) (int, error)
}

// InboxItem is one entry of an in-app inbox.
type InboxItem struct {
	ID        int64
	Event     string
	CaseID    int64
	Title     string
	Body      string
	Page      string
	ReadAt    *time.Time
	CreatedAt time.Time
}

// InboxStore reads and marks inbox entries.
type InboxStore interface {
	// Inbox lists a recipient's entries newest first.
	Inbox(ctx context.Context, recipient string, before int64, limit int) ([]InboxItem, error)
	// Unread counts a recipient's unread entries.
	Unread(ctx context.Context, recipient string) (int, error)
	// MarkRead marks one entry (id > 0) or all entries (id 0) of the
	// recipient read. Returns not_found for another recipient's entry.
	MarkRead(ctx context.Context, recipient string, id int64, now time.Time) error
}

// Matter is a department matter the scanner looks at.
type Matter struct {
	ID         int64
	CaseID     int64
	CaseNumber string
	Project    string
	Department string
	Name       string
	Deadline   string // YYYY-MM-DD
}

// ReminderStore finds what the reminder scanner needs.
type ReminderStore interface {
	// DeadlineCases lists cases whose deadline clock runs and whose deadline
	// is on or before horizon (YYYY-MM-DD), by id after afterID.
	DeadlineCases(ctx context.Context, horizon string, afterID int64, limit int) ([]casework.Case, error)
	// DueMatters lists unfinished matters of open cases with a deadline on
	// or before horizon, by id after afterID.
	DueMatters(ctx context.Context, horizon string, afterID int64, limit int) ([]Matter, error)
	// DeliveringCases lists cases delivered by mail and not yet confirmed
	// (delivering), by id after afterID.
	DeliveringCases(ctx context.Context, afterID int64, limit int) ([]casework.Case, error)
	// ExistingKeys returns which of the dedup keys are stored.
	ExistingKeys(ctx context.Context, keys []string) (map[string]bool, error)
}

// Store is everything the service keeps; storage implements it in one type.
type Store interface {
	OutboxStore
	Directory
	CreditStore
	InboxStore
	ReminderStore
}
