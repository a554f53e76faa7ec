// Package matters keeps the department matters of cases (事项, 并联审批): one
// per approval item, with the approving department, its own deadline and the
// progress its liaison reports. The head or the case's specialist adds a
// matter; from then on liaisons of that department see the case. Every
// change is audited and written to the case timeline as an internal event in
// the same transaction.
package matters

import (
	"context"
	"time"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/idem"
)

// Status is where a matter stands.
type Status string

// Matter statuses.
const (
	Pending    Status = "pending"     // 待办理: no feedback yet
	InProgress Status = "in_progress" // 办理中
	Problem    Status = "problem"     // 材料有问题: the specialist must act
	Done       Status = "done"        // 已办结
)

// Label is the Chinese name of the status.
func (s Status) Label() string {
	return map[Status]string{Pending: "待办理", InProgress: "办理中", Problem: "材料有问题", Done: "已办结"}[s]
}

// The timeline actions of matters (internal events, not workflow
// transitions: the case status and version do not change).
const (
	ActionAdd      casework.Action = "matter_add"
	ActionProgress casework.Action = "matter_progress"
)

// Matter is one approval item of a case handled by a department.
type Matter struct {
	ID          int64
	CaseID      int64
	CaseNumber  string // filled on reads
	ProjectName string // filled on reads
	Department  string
	Name        string
	Deadline    string // YYYY-MM-DD
	Status      Status
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Progress    []Progress // oldest first; filled on reads that ask for it
}

// Overdue reports whether the matter's deadline has passed unfinished.
func (m *Matter) Overdue(now time.Time) bool {
	return m.Status != Done && m.Deadline != "" && casework.DateOf(now) > m.Deadline
}

// Progress is one feedback of the department's liaison.
type Progress struct {
	ID       int64
	MatterID int64
	Note     string
	Problem  bool // a material problem the specialist must see
	ByID     int64
	ByName   string
	At       time.Time
}

// Filter selects matters for a list; zero fields do not filter.
type Filter struct {
	Department   string
	SpecialistID int64 // matters of cases assigned to this specialist
	CaseID       int64
	Status       Status
	Before       int64 // cursor: ids below this
	Limit        int
}

// Store persists matters. Implemented by storage.
type Store interface {
	// InsertMatter stores m with its timeline event and audit record in one
	// transaction and sets the ids. The audit record's ObjectID is set to
	// the new id when empty.
	// With a key, the key is claimed in the same transaction
	// (idem.ErrTaken when another request claimed it).
	InsertMatter(ctx context.Context, m *Matter, ev *casework.Event, rec *audit.Record, key *idem.Key) error
	// IdempotencyKey finds a claimed key (idem.Store).
	IdempotencyKey(ctx context.Context, scope, owner, hash string) (fingerprint string, id int64, found bool, err error)
	// Matter returns a matter with its progress. Returns not_found.
	Matter(ctx context.Context, id int64) (*Matter, error)
	// MattersOfCase lists a case's matters with their progress, oldest
	// first; department "" means all departments.
	MattersOfCase(ctx context.Context, caseID int64, department string) ([]Matter, error)
	// ListMatters lists matters newest first, without progress.
	ListMatters(ctx context.Context, f Filter) ([]Matter, error)
	// AddProgress stores p, sets the matter's status and stores the event
	// and the audit record, in one transaction.
	AddProgress(ctx context.Context, p *Progress, status Status, ev *casework.Event, rec *audit.Record) error
	// KnownDepartment reports whether a department is listed by the admin
	// or is the department of a liaison account.
	KnownDepartment(ctx context.Context, name string) (bool, error)
}

// CaseAccess is the case visibility rule (cases.Service implements it).
type CaseAccess interface {
	// CanSee returns the case when the viewer may see it. Returns
	// not_found and forbidden.
	CanSee(ctx context.Context, v cases.Viewer, id int64) (*casework.Case, error)
}
