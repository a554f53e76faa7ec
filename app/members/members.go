// Package members is the enterprise side of 阳光代办: WeChat users
// (identified by their mini-program openid), the enterprises they belong to
// and the membership rules of SPEC §2 — the first user who registers a
// credit code becomes the enterprise's administrator, others join with a
// single-use invitation code from the administrator or after a clerk
// verifies them at the window, and until then a user sees only the cases they
// submitted themselves.
//
// It also holds what an enterprise user does beyond the workflow: logging in
// with WeChat (the session_key stays in the server-side session), binding a
// phone number, submitting a case exactly once per idempotency key, and
// urging a case at most once a day. It knows nothing of HTTP.
package members

import (
	"context"
	"time"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
)

// Member roles inside an enterprise.
const (
	RoleAdmin  = "admin"  // verified, invites and removes members
	RoleMember = "member" // a claimant, a member waiting, or a verified member
)

// How a membership was verified.
const (
	ViaClaim  = "claim"  // a clerk approved uploaded documents
	ViaInvite = "invite" // invitation code of the administrator
	ViaWindow = "window" // a clerk checked the papers at the window
)

// Member is one WeChat user of the mini-program. The WeChat session_key is
// deliberately not part of it: it lives only in the server-side session.
type Member struct {
	ID           int64
	OpenID       string
	UnionID      string
	OAOpenID     string // official-account openid, when known (notification fallback)
	Name         string
	Phone        string
	EnterpriseID int64  // 0: not bound to an enterprise
	Role         string // RoleAdmin, RoleMember or "" when not bound
	Verified     bool
	VerifiedVia  string
	VerifiedAt   *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// DisplayName is the name shown on timelines and receipts.
func (m *Member) DisplayName() string {
	if m.Name != "" {
		return m.Name
	}
	return "企业用户"
}

// Viewer is the member as the case service sees them: an enterprise actor
// who sees the enterprise's cases only once verified. An unverified claim
// carries no enterprise at all, so nothing they submit is filed under an
// enterprise they may not belong to (AttachCases files it on verification).
func (m *Member) Viewer() cases.Viewer {
	v := cases.Viewer{Actor: casework.Actor{ID: m.ID, Role: casework.RoleEnterprise, Name: m.DisplayName()}}
	if m.Verified && m.EnterpriseID != 0 {
		v.EnterpriseID, v.Verified = m.EnterpriseID, true
	}
	return v
}

// Enterprise is an enterprise account, identified by its 统一社会信用代码.
type Enterprise struct {
	ID         int64
	Name       string
	CreditCode string
	Address    string
	Nature     string
	AdminID    int64 // the administrator member, 0 when there is none
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Profile is a member with their enterprise (nil when not bound).
type Profile struct {
	Member     *Member
	Enterprise *Enterprise
}

// Invite is a single-use invitation code; only its hash is stored.
type Invite struct {
	ID           int64
	CodeHash     string
	EnterpriseID int64
	CreatedBy    int64
	ExpiresAt    time.Time
	CreatedAt    time.Time
}

// Filter selects members for the staff list; zero fields do not filter.
type Filter struct {
	CreditCode string
	Pending    bool   // only members waiting for verification
	Q          string // member name, enterprise name or credit code
	Before     int64  // cursor: ids below this
	Limit      int
}

// Store persists members and enterprises. Implemented by storage.
type Store interface {
	// UpsertMember returns the member of openid, creating it when new; it is
	// safe against concurrent first logins and records unionid when given.
	UpsertMember(ctx context.Context, openid, unionid string, now time.Time) (*Member, error)
	// Member returns a member. Returns not_found.
	Member(ctx context.Context, id int64) (*Member, error)
	// Enterprise returns an enterprise. Returns not_found.
	Enterprise(ctx context.Context, id int64) (*Enterprise, error)
	// SetPhone saves the member's phone number.
	SetPhone(ctx context.Context, id int64, phone string, now time.Time) error
	// ListMembers lists members newest first with their enterprises.
	ListMembers(ctx context.Context, f Filter) ([]Profile, error)
	// EnterpriseMembers lists the members bound to an enterprise, oldest first.
	EnterpriseMembers(ctx context.Context, enterpriseID int64) ([]Member, error)
	// Claims lists claims newest first, each with its member and enterprise.
	Claims(ctx context.Context, f ClaimFilter) ([]Claim, error)
	// Claim returns a claim with its member, enterprise and documents.
	// Returns not_found.
	Claim(ctx context.Context, id int64) (*Claim, error)
	// LatestClaim returns the member's newest claim for the enterprise with
	// its documents, nil when there is none.
	LatestClaim(ctx context.Context, memberID, enterpriseID int64) (*Claim, error)
	// LooseDocuments lists the member's documents for the enterprise that
	// are not part of a claim yet, oldest first.
	LooseDocuments(ctx context.Context, memberID, enterpriseID int64) ([]Document, error)
	// ClaimDocument returns one document. Returns not_found.
	ClaimDocument(ctx context.Context, id int64) (*Document, error)
	// InTx runs fn in one write transaction.
	InTx(ctx context.Context, fn func(Tx) error) error
}

// Tx is the write side of membership changes inside one transaction.
type Tx interface {
	// LockMember re-reads a member and holds it until commit. Returns not_found.
	LockMember(id int64) (*Member, error)
	// Enterprise returns an enterprise. Returns not_found.
	Enterprise(id int64) (*Enterprise, error)
	// EnterpriseByCreditCode finds an enterprise. Returns not_found.
	EnterpriseByCreditCode(code string) (*Enterprise, error)
	// CreateEnterprise stores e and sets its ID. Returns conflict when the
	// credit code is already registered.
	CreateEnterprise(e *Enterprise) error
	// UpdateEnterprise saves name, address and nature.
	UpdateEnterprise(e *Enterprise) error
	// ClaimAdmin makes memberID the administrator if the enterprise has none
	// (neither by admin_id nor by an admin member); false when it has one.
	ClaimAdmin(enterpriseID, memberID int64) (bool, error)
	// ReleaseAdmin clears the administrator if it is memberID.
	ReleaseAdmin(enterpriseID, memberID int64) error
	// OtherVerifiedMembers counts the verified members except memberID.
	OtherVerifiedMembers(enterpriseID, memberID int64) (int64, error)
	// SaveMember saves name, enterprise, role and verification of m.
	SaveMember(m *Member) error
	// AddInvite stores an invitation and sets its ID.
	AddInvite(inv *Invite) error
	// RedeemInvite marks an unused, unexpired invitation of the enterprise
	// whose creator is still its verified administrator as used by
	// memberID; false when there is no such invitation.
	RedeemInvite(codeHash string, enterpriseID, memberID int64, now time.Time) (bool, error)
	// AttachCases files the cases of that credit code that no enterprise
	// holds yet under the enterprise — those staff or the hotline filed, and
	// memberID's own (0: staff-filed only); it returns how many.
	AttachCases(memberID, enterpriseID int64, creditCode string) (int64, error)
	// SetAdmin records memberID as the enterprise's administrator.
	SetAdmin(enterpriseID, memberID int64) error
	// AddClaimDocument stores a document row and sets its ID.
	AddClaimDocument(d *Document) error
	// LooseDocuments is Store.LooseDocuments inside the transaction.
	LooseDocuments(memberID, enterpriseID int64) ([]Document, error)
	// PendingClaim returns the member's pending claim, nil when none.
	PendingClaim(memberID int64) (*Claim, error)
	// CreateClaim stores c, sets its ID and makes the documents docIDs (the
	// member's, not in a claim yet) part of it.
	CreateClaim(c *Claim, docIDs []int64) error
	// LockClaim reads a claim and holds it until commit. Returns not_found.
	LockClaim(id int64) (*Claim, error)
	// SaveClaimDecision saves status, note and reviewer of c.
	SaveClaimDecision(c *Claim) error
	// Outbox stores notifications (and their inbox entries) to deliver
	// after commit; a repeated DedupKey is skipped.
	Outbox(items []cases.Notification) error
	// Audit appends an audit record.
	Audit(r *audit.Record) error
}
