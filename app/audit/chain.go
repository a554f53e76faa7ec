package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// The audit trail is a hash chain: every record carries its place in the
// chain (Seq, gap-free from 1), the hash of the record before it (PrevHash)
// and its own hash, sha256 over PrevHash and the record's canonical fields.
// Editing, inserting or deleting a record in the database breaks the chain
// at that record, which Verify names. A purge removes the oldest records and
// keeps the chain verifiable from an anchor: the last removed record's seq
// and hash (Anchor).

// TimeLayout is the canonical form of a record's time in the hash: UTC,
// microseconds (what MySQL DATETIME(6) keeps).
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// Canonical truncates the record's time to what every database keeps, so
// the hash computed before the insert matches the record read back.
func Canonical(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// ChainHash returns the hash of r chained to prev: hex sha256 of prev and
// every field of r but ID, Hash and PrevHash, each quoted (so no field can
// bleed into the next) and separated by newlines. The database id is left
// out: TiDB and multi-primary MySQL do not hand out ids in commit order, the
// chain's own order is Seq.
func ChainHash(prev string, r *Record) string {
	fields := []string{
		prev,
		strconv.FormatInt(r.Seq, 10),
		Canonical(r.At).Format(TimeLayout),
		strconv.FormatInt(r.ActorID, 10),
		strconv.Quote(r.ActorRole),
		strconv.Quote(r.ActorName),
		strconv.Quote(r.IP),
		strconv.Quote(r.Action),
		strconv.Quote(r.ObjectType),
		strconv.Quote(r.ObjectID),
		strconv.Quote(r.Result),
		strconv.Quote(r.RequestID),
		strconv.Quote(r.Detail),
	}
	sum := sha256.Sum256([]byte(strings.Join(fields, "\n")))
	return hex.EncodeToString(sum[:])
}

// Anchor is where the kept chain starts: the seq and hash of the last
// record a purge removed (zero and "" while nothing was purged).
type Anchor struct {
	Seq  int64
	Hash string
}

// Head is the end of the chain: the seq and hash of the last record.
type Head struct {
	Seq  int64
	Hash string
}

// Break describes the first place the chain does not hold.
type Break struct {
	Seq    int64  // the chain position of the broken record (or where one is missing)
	ID     int64  // its database id (0 when the record is missing)
	Reason string // what does not hold, in English (an operator reads it)
}

// Verifier walks the chain in Seq order. Feed it every kept record, then
// call Finish with the chain head; the first break found is kept.
type Verifier struct {
	prevSeq  int64
	prevHash string
	count    int64
	broken   *Break
}

// NewVerifier starts a walk from the anchor.
func NewVerifier(a Anchor) *Verifier { return &Verifier{prevSeq: a.Seq, prevHash: a.Hash} }

// Add checks the next record; it returns false once the chain is broken.
func (v *Verifier) Add(r *Record) bool {
	if v.broken != nil {
		return false
	}
	v.count++
	switch {
	case r.Seq != v.prevSeq+1:
		v.broken = &Break{Seq: v.prevSeq + 1, ID: r.ID,
			Reason: "record seq " + strconv.FormatInt(v.prevSeq+1, 10) + " is missing (next found: " + strconv.FormatInt(r.Seq, 10) + ")"}
	case r.PrevHash != v.prevHash:
		v.broken = &Break{Seq: r.Seq, ID: r.ID, Reason: "prev_hash does not match the hash of the record before"}
	case ChainHash(r.PrevHash, r) != r.Hash:
		v.broken = &Break{Seq: r.Seq, ID: r.ID, Reason: "hash does not match the record's content (edited)"}
	default:
		v.prevSeq, v.prevHash = r.Seq, r.Hash
		return true
	}
	return false
}

// Finish compares the end of the walk with the chain head (records deleted
// at the end of the chain) and returns the first break, or nil, and how
// many records were checked.
func (v *Verifier) Finish(h Head) (*Break, int64) {
	if v.broken == nil && (h.Seq != v.prevSeq || h.Hash != v.prevHash) {
		v.broken = &Break{Seq: v.prevSeq + 1, Reason: "the chain head is at seq " + strconv.FormatInt(h.Seq, 10) +
			" but the records end at seq " + strconv.FormatInt(v.prevSeq, 10) + " (records removed at the end)"}
	}
	return v.broken, v.count
}
