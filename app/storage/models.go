package storage

import (
	"time"

	"sunshine/app/audit"
	"sunshine/app/casework"
)

// The row types below mirror the tables of migrations.go; they are storage
// details and never leave this package except as domain types.

type caseRow struct {
	ID             int64
	Number         string
	EnterpriseID   int64
	SubmitterID    int64
	Channel        string
	Status         string
	Version        int
	ServiceType    string
	Scope          string
	PromisedDays   int
	AcceptedAt     *time.Time
	Deadline       string
	RemainingDays  *int
	SpecialistID   int64
	SpecialistName string
	EnterpriseName string
	CreditCode     string
	ProjectName    string
	HotlineOrderNo *string
	Form           casework.Form         `gorm:"serializer:json;type:longtext"`
	Registration   casework.Registration `gorm:"serializer:json;type:longtext"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (caseRow) TableName() string { return "cases" }

type eventRow struct {
	ID         int64
	CaseID     int64
	Action     string
	FromStatus string
	Status     string
	At         time.Time
	ActorID    int64
	ActorRole  string
	ActorName  string
	Public     bool
	Payload    map[string]any `gorm:"serializer:json;type:longtext"`
}

func (eventRow) TableName() string { return "case_events" }

type ratingRow struct {
	ID        int64
	CaseID    int64
	Score     int
	Comment   string
	Source    string
	RatedByID int64
	// AttachmentID is the scanned paper form of a paper rating (0 otherwise).
	AttachmentID int64
	CreatedAt    time.Time
}

func (ratingRow) TableName() string { return "ratings" }

type followupRow struct {
	ID        int64
	CaseID    int64
	RatingID  int64
	Status    string
	Outcome   string
	DoneBy    string
	DoneAt    *time.Time
	CreatedAt time.Time
}

func (followupRow) TableName() string { return "followups" }

type sequenceRow struct {
	Year int `gorm:"primaryKey;autoIncrement:false"`
	Last int64
}

func (sequenceRow) TableName() string { return "case_sequences" }

type auditRow struct {
	ID         int64
	At         time.Time
	ActorID    int64
	ActorRole  string
	ActorName  string
	IP         string `gorm:"column:ip"`
	Action     string
	ObjectType string
	ObjectID   string
	Result     string
	RequestID  string
	Detail     string
	Seq        *int64 // nil only for records written before migration 100, until Migrate chains them
	PrevHash   string
	Hash       string
}

func (auditRow) TableName() string { return "audit_records" }

func (r *auditRow) toRecord() audit.Record {
	out := audit.Record{ID: r.ID, At: r.At, ActorID: r.ActorID, ActorRole: r.ActorRole, ActorName: r.ActorName,
		IP: r.IP, Action: r.Action, ObjectType: r.ObjectType, ObjectID: r.ObjectID, Result: r.Result,
		RequestID: r.RequestID, Detail: r.Detail, PrevHash: r.PrevHash, Hash: r.Hash}
	if r.Seq != nil {
		out.Seq = *r.Seq
	}
	return out
}

type holidayRow struct {
	Date   string `gorm:"primaryKey"`
	Year   int
	Kind   string
	Name   string
	Source string
}

func (holidayRow) TableName() string { return "holidays" }

func toCaseRow(c *casework.Case) *caseRow {
	r := &caseRow{
		ID: c.ID, Number: c.Number, EnterpriseID: c.EnterpriseID, SubmitterID: c.SubmitterID,
		Channel: string(c.Channel), Status: string(c.Status), Version: c.Version,
		ServiceType: c.ServiceType, Scope: c.Scope, PromisedDays: c.PromisedDays, AcceptedAt: c.AcceptedAt,
		Deadline: c.Deadline, RemainingDays: c.RemainingDays, SpecialistID: c.SpecialistID,
		SpecialistName: c.Specialist, EnterpriseName: c.Form.Enterprise.Name,
		CreditCode: c.Form.Enterprise.CreditCode, ProjectName: c.Form.Project.Name,
		Form: c.Form, Registration: c.Registration, CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(),
	}
	if c.HotlineOrder != "" {
		o := c.HotlineOrder
		r.HotlineOrderNo = &o
	}
	return r
}

func (r *caseRow) toCase() *casework.Case {
	c := &casework.Case{
		ID: r.ID, Number: r.Number, EnterpriseID: r.EnterpriseID, SubmitterID: r.SubmitterID,
		Channel: casework.Channel(r.Channel), Status: casework.Status(r.Status), Version: r.Version,
		ServiceType: r.ServiceType, Scope: r.Scope, PromisedDays: r.PromisedDays, AcceptedAt: r.AcceptedAt,
		Deadline: r.Deadline, RemainingDays: r.RemainingDays, SpecialistID: r.SpecialistID,
		Specialist: r.SpecialistName, Form: r.Form, Registration: r.Registration,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	if r.HotlineOrderNo != nil {
		c.HotlineOrder = *r.HotlineOrderNo
	}
	return c
}

func toEventRow(e *casework.Event) *eventRow {
	p := e.Payload
	if p == nil {
		p = map[string]any{}
	}
	return &eventRow{ID: e.ID, CaseID: e.CaseID, Action: string(e.Action), FromStatus: string(e.FromStatus),
		Status: string(e.Status), At: e.At.UTC(), ActorID: e.ActorID, ActorRole: string(e.ActorRole),
		ActorName: e.ActorName, Public: e.Public, Payload: p}
}

func (r *eventRow) toEvent() casework.Event {
	return casework.Event{ID: r.ID, CaseID: r.CaseID, Action: casework.Action(r.Action),
		FromStatus: casework.Status(r.FromStatus), Status: casework.Status(r.Status), At: r.At,
		ActorID: r.ActorID, ActorRole: casework.Role(r.ActorRole), ActorName: r.ActorName,
		Public: r.Public, Payload: r.Payload}
}
