// Package files keeps the materials (附件) of cases: the type is decided by
// content (never by name), the size is limited, the stored name is chosen by
// the server, and every file is encrypted at rest with AES-256-GCM. Uploads
// and every download are audited; only those who may see the case may read
// its materials. It knows nothing of HTTP, so every surface (staff API,
// mini-program API, portal) uses the same Service.
package files

import (
	"context"
	"time"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
)

// Meta describes a stored attachment. StoredName is the server-chosen file
// name on disk and never leaves the server.
type Meta struct {
	ID           int64
	CaseID       int64
	Step         string
	Name         string // the sanitized original name, metadata only
	StoredName   string
	ContentType  string
	Size         int64
	SHA256       string // of the plaintext, hex
	KeyID        string // KeyID of the key that encrypted the file ("" = before key ids)
	UploaderRole casework.Role
	UploaderID   int64
	CreatedAt    time.Time
}

// Store persists attachment metadata. Implemented by storage.
type Store interface {
	// InsertAttachment stores m and the audit record of its upload in one
	// transaction, sets m.ID and, when rec.ObjectID is empty, sets it to the
	// new id.
	InsertAttachment(ctx context.Context, m *Meta, rec *audit.Record) error
	// Attachment returns one attachment. Returns not_found.
	Attachment(ctx context.Context, id int64) (*Meta, error)
	// Attachments lists the attachments of a case, oldest first.
	Attachments(ctx context.Context, caseID int64) ([]Meta, error)
	// AttachmentByStoredName returns the attachment whose object has this
	// stored name. Returns not_found.
	AttachmentByStoredName(ctx context.Context, name string) (*Meta, error)
	// AttachmentsAfter lists up to limit attachments with an id above
	// afterID, by id; with notKeyID set, only those whose KeyID differs.
	AttachmentsAfter(ctx context.Context, afterID int64, limit int, notKeyID string) ([]Meta, error)
	// ReplaceObject points attachment id from the object oldName to newName
	// encrypted under keyID, and records oldName as garbage, in one
	// transaction. Returns conflict when the row no longer names oldName.
	ReplaceObject(ctx context.Context, id int64, oldName, newName, keyID string) error
	// Garbage lists up to limit stored names whose objects are to be removed.
	Garbage(ctx context.Context, limit int) ([]string, error)
	// DropGarbage forgets a removed object.
	DropGarbage(ctx context.Context, name string) error
	// CaseUsage counts the attachments of a case and their bytes.
	CaseUsage(ctx context.Context, caseID int64) (Usage, error)
	// EnterpriseUsage counts the attachments of every case of an
	// enterprise and their bytes.
	EnterpriseUsage(ctx context.Context, enterpriseID int64) (Usage, error)
}

// Usage is how many files and bytes are stored.
type Usage struct {
	Files int64
	Bytes int64
}

// CaseAccess is the case visibility rule (cases.Service implements it).
type CaseAccess interface {
	// CanSee returns the case when the viewer may see it. Returns
	// not_found (missing or not visible) and forbidden (role never sees
	// case content).
	CanSee(ctx context.Context, v cases.Viewer, id int64) (*casework.Case, error)
}

// Steps are the values accepted as the step of an attachment: the
// enterprise-facing stages and the workflow actions. An empty step means the
// case's current stage.
func Steps() []string {
	out := []string{string(casework.ActionSubmit)}
	for _, s := range casework.Stages {
		out = append(out, string(s))
	}
	for _, t := range casework.Table {
		out = append(out, string(t.Action))
	}
	return out
}

func validStep(s string) bool {
	for _, x := range Steps() {
		if x == s {
			return true
		}
	}
	return false
}
