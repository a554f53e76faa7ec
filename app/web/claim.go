package web

import (
	"time"

	"sunshine/app/members"
)

// Claim is what every surface shows of an enterprise claim (SPEC §2): its
// state, how it was proven, the clerk's note or refusal reason and its
// documents (never the stored file names).
type Claim struct {
	ID           int64           `json:"id"`
	EnterpriseID int64           `json:"enterprise_id"`
	Status       string          `json:"status"` // pending | approved | refused
	Basis        string          `json:"basis"`  // documents | window
	Note         string          `json:"note"`
	ReviewedAt   *time.Time      `json:"reviewed_at"`
	CreatedAt    time.Time       `json:"created_at"`
	Documents    []ClaimDocument `json:"documents"`
}

// ClaimDocument is one uploaded paper of a claim.
type ClaimDocument struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"` // business_license | authorization | legal_rep_id
	KindLabel   string    `json:"kind_label"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	CreatedAt   time.Time `json:"created_at"`
}

// ClaimOf is the shared part of the answer for a claim.
func ClaimOf(c *members.Claim) Claim {
	out := Claim{ID: c.ID, EnterpriseID: c.EnterpriseID, Status: c.Status, Basis: c.Basis, Note: c.Note,
		CreatedAt: c.CreatedAt.UTC(), Documents: ClaimDocumentsOf(c.Documents)}
	if c.ReviewedAt != nil {
		t := c.ReviewedAt.UTC()
		out.ReviewedAt = &t
	}
	return out
}

// ClaimDocumentsOf converts documents; never nil.
func ClaimDocumentsOf(ds []members.Document) []ClaimDocument {
	out := make([]ClaimDocument, len(ds))
	for i, d := range ds {
		out[i] = ClaimDocument{ID: d.ID, Kind: d.Kind, KindLabel: members.DocKinds[d.Kind], Name: d.Blob.Name,
			ContentType: d.Blob.ContentType, Size: d.Blob.Size, CreatedAt: d.CreatedAt.UTC()}
	}
	return out
}
