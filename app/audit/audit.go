// Package audit defines the append-only audit trail: who did what to which
// object, from where, with what result. There is deliberately no way to
// change or delete a record.
package audit

import (
	"context"
	"time"
)

// Results of an audited operation.
const (
	OK     = "ok"
	Denied = "denied"
	Failed = "failed"
)

// Record is one audit entry. Times are UTC.
type Record struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id"`
	ActorRole  string    `json:"actor_role"`
	ActorName  string    `json:"actor_name"`
	IP         string    `json:"ip"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Result     string    `json:"result"`
	RequestID  string    `json:"request_id"`
	Detail     string    `json:"detail,omitempty"`
	// Seq, PrevHash and Hash place the record in the tamper-evident chain
	// (chain.go); storage sets them when it appends the record.
	Seq      int64  `json:"seq"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// Query filters the audit trail; zero fields do not filter.
type Query struct {
	From, To   time.Time
	ActorID    int64
	Action     string
	ObjectType string
	ObjectID   string
	Result     string
	Before     int64 // cursor: records with a smaller id
	Limit      int
}

// Store appends and reads audit records. Implemented by storage.
type Store interface {
	// Append stores a record. It never updates or deletes.
	Append(ctx context.Context, r *Record) error
	// Find lists records newest first.
	Find(ctx context.Context, q Query) ([]Record, error)
}

type requestKey struct{}

// Request is what the surface knows about the request being served.
type Request struct {
	IP        string
	RequestID string
}

// WithRequest attaches the request's IP and id to ctx for audit records.
func WithRequest(ctx context.Context, r Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns what WithRequest attached (zero if nothing).
func RequestFrom(ctx context.Context) Request {
	r, _ := ctx.Value(requestKey{}).(Request)
	return r
}

// Fill sets the time (UTC) and the request's IP and id on r from ctx.
func Fill(ctx context.Context, r *Record, now time.Time) {
	req := RequestFrom(ctx)
	r.At = now.UTC()
	if r.IP == "" {
		r.IP = req.IP
	}
	if r.RequestID == "" {
		r.RequestID = req.RequestID
	}
	if r.Result == "" {
		r.Result = OK
	}
}
