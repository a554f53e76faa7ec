package casework

import (
	"fmt"
	"time"
)

// Case is one 服务申请 with everything both paper forms record about it.
type Case struct {
	ID            int64
	Number        string
	EnterpriseID  int64 // 0 until the submitter belongs to an enterprise
	SubmitterID   int64 // the enterprise user who submitted it, 0 for staff intake
	Channel       Channel
	Status        Status
	Version       int
	ServiceType   string // assist | agency, decided by the clerk at accept
	Scope         string // coordination | key_project
	PromisedDays  int
	AcceptedAt    *time.Time
	Deadline      string // YYYY-MM-DD in China time; "" before accept
	RemainingDays *int   // working days left when the clock was stopped (suspended)
	SpecialistID  int64
	Specialist    string // the assigned specialist's name
	Form          Form
	Registration  Registration
	Rating        *Rating
	HotlineOrder  string // order_no of the hotline, "" otherwise
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Registration is the 工作登记表: one section per step of the guideline.
type Registration struct {
	Consultation *Consultation `json:"consultation,omitempty"`
	Application  Application   `json:"application"`
	Review       Review        `json:"review"`
	Assignment   Assignment    `json:"assignment"`
	Coordination []Coordinate  `json:"coordination,omitempty"`
	Closure      Closure       `json:"closure"`
	Delivery     Delivery      `json:"delivery"`
	Archive      ArchiveInfo   `json:"archive"`
	Withdrawal   *Withdrawal   `json:"withdrawal,omitempty"`
}

// Withdrawal is the enterprise revoking its entrustment (自愿原则).
type Withdrawal struct {
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
	By     string    `json:"by,omitempty"`
	// From is the status it was withdrawn from.
	From Status `json:"from"`
}

// Consultation is a 咨询 record: before or without an application.
type Consultation struct {
	ID      int64     `json:"id,omitempty"`
	At      time.Time `json:"at"`
	Unit    string    `json:"unit"`
	Person  string    `json:"person"`
	Phone   string    `json:"phone"`
	Project string    `json:"project"`
	Record  string    `json:"record"`
	Handler string    `json:"handler"`
}

// Application is the 申请 section.
type Application struct {
	At      time.Time `json:"at"`
	Contact string    `json:"contact"` // 接洽人及联系电话
	Record  string    `json:"record"`
	Handler string    `json:"handler"`
}

// Review is the 审核 section: 初审 by the clerk and 业务例会审核 by the head.
type Review struct {
	At             *time.Time `json:"at,omitempty"`
	Content        string     `json:"content,omitempty"`
	Materials      []string   `json:"materials,omitempty"`
	Opinion        string     `json:"opinion,omitempty"`
	Handler        string     `json:"handler,omitempty"`
	MeetingAt      *time.Time `json:"meeting_at,omitempty"`
	MeetingOpinion string     `json:"meeting_opinion,omitempty"`
	Head           string     `json:"head,omitempty"`
}

// Assignment is the 交办 section.
type Assignment struct {
	At         *time.Time `json:"at,omitempty"`
	By         string     `json:"by,omitempty"`
	Materials  []string   `json:"materials,omitempty"`
	Receiver   string     `json:"receiver,omitempty"`
	Specialist string     `json:"specialist,omitempty"`
	Handover   []string   `json:"handover,omitempty"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
}

// Coordinate is one line of the 协调 section.
type Coordinate struct {
	Level       string     `json:"level"`
	At          time.Time  `json:"at"`
	Matter      string     `json:"matter"`
	Departments []string   `json:"departments,omitempty"`
	MeetingAt   *time.Time `json:"meeting_at,omitempty"`
	Outcome     string     `json:"outcome,omitempty"`
	By          string     `json:"by"`
}

// Closure is the 办结/终止 section.
type Closure struct {
	Result      string     `json:"result,omitempty"` // completed | terminated | other
	Explanation string     `json:"explanation,omitempty"`
	By          string     `json:"by,omitempty"`
	At          *time.Time `json:"at,omitempty"`
	Opinion     string     `json:"opinion,omitempty"`
	Head        string     `json:"head,omitempty"`
	SignedAt    *time.Time `json:"signed_at,omitempty"`
}

// Delivery is 统一送达: how the result reached the enterprise.
type Delivery struct {
	Method      string     `json:"method,omitempty"` // mail | in_person
	TrackingNo  string     `json:"tracking_no,omitempty"`
	SignedBy    string     `json:"signed_by,omitempty"`
	At          *time.Time `json:"at,omitempty"`
	ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
	ConfirmedBy string     `json:"confirmed_by,omitempty"`
	// Proof is the tracking proof a specialist gave when recording the
	// receipt of a mailed delivery; ProofAttachment its scan.
	Proof           string `json:"proof,omitempty"`
	ProofAttachment int64  `json:"proof_attachment_id,omitempty"`
	// Returned marks a delivery that returned the materials (after
	// termination or withdrawal) rather than an approval result.
	Returned bool `json:"returned,omitempty"`
}

// ArchiveInfo is the 归档 section.
type ArchiveInfo struct {
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	SubmittedBy string     `json:"submitted_by,omitempty"`
	Materials   []string   `json:"materials,omitempty"`
	Checked     []string   `json:"checked,omitempty"` // 归档材料 as the archiver checked them
	At          *time.Time `json:"at,omitempty"`
	By          string     `json:"by,omitempty"`
}

// Rating is the 事后评价 of a case.
type Rating struct {
	Score     int       `json:"score"`
	Comment   string    `json:"comment"`
	Source    string    `json:"source"` // enterprise | paper
	At        time.Time `json:"at"`
	RatedByID int64     `json:"-"`
	// AttachmentID is the scanned paper form of a paper rating.
	AttachmentID int64 `json:"attachment_id,omitempty"`
}

// ScoreLabels names the five scores as the paper form does.
var ScoreLabels = map[int]string{5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}

// Stage is the enterprise-facing stage of the case.
func (c *Case) Stage() Stage { return StageOf(c.Status) }

// Overdue reports whether the promised deadline has passed while the clock runs.
func (c *Case) Overdue(now time.Time) bool {
	return c.Deadline != "" && ClockRunning(c.Status) && DateOf(now) > c.Deadline
}

// ReadOnly reports whether the case may no longer change (archived).
func (c *Case) ReadOnly() bool { return c.Status == Archived }

// FormatNumber renders a 受理编号 such as YGDB-2026-000123.
func FormatNumber(year int, seq int64) string { return fmt.Sprintf("YGDB-%d-%06d", year, seq) }

// Event is one timeline entry: who did what, when, and whether the
// enterprise may see it.
type Event struct {
	ID         int64
	CaseID     int64
	Action     Action
	FromStatus Status
	Status     Status
	At         time.Time
	ActorID    int64
	ActorRole  Role
	ActorName  string
	Public     bool
	Payload    map[string]any
}

// PublicPayload returns the payload entries the enterprise may see.
func (e *Event) PublicPayload() map[string]any {
	keys := publicKeys(e.Action)
	out := map[string]any{}
	for k, v := range e.Payload {
		if keys[k] {
			out[k] = v
		}
	}
	return out
}
