package members

import (
	"context"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/files"
)

// Claim states.
const (
	ClaimPending  = "pending"  // waiting for a clerk
	ClaimApproved = "approved" // the claimant is verified
	ClaimRefused  = "refused"  // the claimant may claim again with new documents
)

// How a claim was proven.
const (
	BasisDocuments = "documents" // images uploaded through the mini-program or portal
	BasisWindow    = "window"    // papers shown to a clerk in person
)

// Document kinds of a claim.
const (
	DocLicense       = "business_license" // 营业执照
	DocAuthorization = "authorization"    // 授权委托书
	DocLegalRepID    = "legal_rep_id"     // 法定代表人身份证
)

// DocKinds are the document kinds with their Chinese names.
var DocKinds = map[string]string{DocLicense: "营业执照", DocAuthorization: "授权委托书", DocLegalRepID: "法定代表人身份证"}

// MaxLooseDocuments bounds the documents a member holds outside a claim.
const MaxLooseDocuments = 10

// Claim is a member's request to be verified as a member (the
// administrator, when the enterprise has none) of the enterprise they bound.
type Claim struct {
	ID           int64
	EnterpriseID int64
	MemberID     int64
	Status       string
	Basis        string
	Note         string // the clerk's note, or the reason of a refusal
	ReviewerID   int64
	ReviewerName string
	ReviewedAt   *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Documents    []Document
	Member       *Member     // filled by reads for staff
	Enterprise   *Enterprise // filled by reads for staff
}

// Document is one uploaded paper of a claim; its file is a files.Blob.
type Document struct {
	ID           int64
	ClaimID      int64 // 0: uploaded, not yet part of a submitted claim
	MemberID     int64
	EnterpriseID int64
	Kind         string
	Blob         files.Blob
	CreatedAt    time.Time
}

// ClaimFilter selects claims for the window; zero fields do not filter.
type ClaimFilter struct {
	Status string
	Before int64
	Limit  int
}

// DocumentFiles stores the papers encrypted (files.Service).
type DocumentFiles interface {
	// StoreImage checks and stores one scan. Errors: too_large,
	// unsupported, unprocessable.
	StoreImage(ctx context.Context, filename string, r io.Reader) (*files.Blob, error)
	// ReadBlob returns the plaintext. Errors: internal (missing, tampered).
	ReadBlob(ctx context.Context, b files.Blob) ([]byte, error)
	// RemoveBlob deletes a stored file whose row was not saved.
	RemoveBlob(ctx context.Context, storedName string)
}

// Notice is a membership decision to tell an enterprise user about.
type Notice struct {
	Event          string // NoticeClaimApproved …
	MemberID       int64
	ClaimID        int64 // or the member id for revocations: part of the dedup key
	EnterpriseName string
	CreditCode     string
	Note           string
	At             time.Time
}

// Membership notice events (their templates are configured in notify).
const (
	NoticeClaimApproved = "claim_approved"
	NoticeClaimRefused  = "claim_refused"
	NoticeRevoked       = "member_revoked"
)

// Notices turns membership decisions into outbox rows (notify.Service).
type Notices interface {
	// MembershipNotice is the notification of n to its member: inbox and
	// subscribe message.
	MembershipNotice(n Notice) cases.Notification
}

// ClaimStatus is what a member sees of their claim: the newest claim for
// their current enterprise (nil when none) and the documents uploaded for
// the next one.
type ClaimStatus struct {
	Claim     *Claim
	Documents []Document
}

// claimant checks that m may work on a claim: bound and not verified.
func claimant(m *Member) error {
	switch {
	case m.EnterpriseID == 0:
		return errs.E(errs.Conflict, "请先填写统一社会信用代码登记所属企业")
	case m.Verified:
		return errs.E(errs.Conflict, "您已是该企业的认证成员，无需再提交认证")
	}
	return nil
}

// UploadClaimDocument stores one paper (营业执照, 授权委托书 or the 法定代表人's
// ID) for the member's next claim. Errors: conflict (not bound, already
// verified), unprocessable (kind, empty file, too many uploads), too_large,
// unsupported (not an image or PDF by content).
func (s *Service) UploadClaimDocument(ctx context.Context, m *Member, kind, filename string, r io.Reader) (*Document, error) {
	if _, ok := DocKinds[kind]; !ok {
		return nil, errs.FieldErrors(map[string]string{"kind": "材料类型应为 business_license（营业执照）、authorization（授权委托书）或 legal_rep_id（法定代表人身份证）"})
	}
	if err := claimant(m); err != nil {
		return nil, err
	}
	if s.d.Docs == nil {
		return nil, errs.E(errs.Unavailable, "材料上传暂不可用")
	}
	loose, err := s.d.Store.LooseDocuments(ctx, m.ID, m.EnterpriseID)
	if err != nil {
		return nil, err
	}
	if len(loose) >= MaxLooseDocuments {
		return nil, errs.FieldErrors(map[string]string{"file": "待提交的材料过多，请先提交认证申请"})
	}
	b, err := s.d.Docs.StoreImage(ctx, filename, r)
	if err != nil {
		s.audit(ctx, m.Viewer().Actor, "claim.document.upload", "member", m.ID, audit.Denied, errs.MessageOf(err))
		return nil, err
	}
	d := &Document{MemberID: m.ID, EnterpriseID: m.EnterpriseID, Kind: kind, Blob: *b, CreatedAt: s.d.Now().UTC()}
	err = s.d.Store.InTx(ctx, func(tx Tx) error {
		if err := tx.AddClaimDocument(d); err != nil {
			return err
		}
		return tx.Audit(s.record(ctx, m.Viewer().Actor, "claim.document.upload", "claim_document", d.ID,
			"kind="+kind+" sha256="+b.SHA256))
	})
	if err != nil {
		s.d.Docs.RemoveBlob(ctx, b.StoredName)
		return nil, err
	}
	return d, nil
}

// SubmitClaim asks a clerk to verify the member with the documents they
// uploaded: a 营业执照 and a 授权委托书 or the 法定代表人's ID. Errors:
// conflict (not bound, verified, a claim already pending, the enterprise
// has an administrator — join by invitation), unprocessable (documents).
func (s *Service) SubmitClaim(ctx context.Context, m *Member) (*Claim, error) {
	if err := claimant(m); err != nil {
		return nil, err
	}
	now := s.d.Now().UTC()
	var c *Claim
	err := s.d.Store.InTx(ctx, func(tx Tx) error {
		cur, err := tx.LockMember(m.ID)
		if err != nil {
			return err
		}
		if err := claimant(cur); err != nil {
			return err
		}
		ent, err := tx.Enterprise(cur.EnterpriseID)
		if err != nil {
			return err
		}
		if ent.AdminID != 0 {
			return errs.E(errs.Conflict, "该企业已有管理员，请向企业管理员索取邀请码加入，或到阳光代办专窗办理")
		}
		if p, err := tx.PendingClaim(cur.ID); err != nil {
			return err
		} else if p != nil {
			return errs.E(errs.Conflict, "您的认证申请正在审核中，请耐心等待")
		}
		docs, err := tx.LooseDocuments(cur.ID, cur.EnterpriseID)
		if err != nil {
			return err
		}
		has := map[string]bool{}
		ids := make([]int64, 0, len(docs))
		for _, d := range docs {
			has[d.Kind] = true
			ids = append(ids, d.ID)
		}
		bad := map[string]string{}
		if !has[DocLicense] {
			bad[DocLicense] = "请上传营业执照"
		}
		if !has[DocAuthorization] && !has[DocLegalRepID] {
			bad[DocAuthorization] = "请上传授权委托书，或法定代表人身份证"
		}
		if err := errs.FieldErrors(bad); err != nil {
			return err
		}
		c = &Claim{EnterpriseID: ent.ID, MemberID: cur.ID, Status: ClaimPending, Basis: BasisDocuments,
			CreatedAt: now, UpdatedAt: now, Documents: docs}
		if err := tx.CreateClaim(c, ids); err != nil {
			return err
		}
		return tx.Audit(s.record(ctx, m.Viewer().Actor, "claim.submit", "claim", c.ID, "enterprise="+itoa(ent.ID)))
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// MyClaim returns the member's newest claim for their enterprise and the
// documents waiting for the next one.
func (s *Service) MyClaim(ctx context.Context, m *Member) (*ClaimStatus, error) {
	out := &ClaimStatus{Documents: []Document{}}
	if m.EnterpriseID == 0 {
		return out, nil
	}
	c, err := s.d.Store.LatestClaim(ctx, m.ID, m.EnterpriseID)
	if err != nil {
		return nil, err
	}
	out.Claim = c
	if !m.Verified {
		if out.Documents, err = s.d.Store.LooseDocuments(ctx, m.ID, m.EnterpriseID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Claims lists claims for the window, newest first (pending ones by
// default). Errors: forbidden (not clerk or head).
func (s *Service) Claims(ctx context.Context, staff casework.Actor, f ClaimFilter) ([]Claim, error) {
	if !mayManage(staff) {
		s.audit(ctx, staff, "claim.list", "claim", 0, audit.Denied, "")
		return nil, errs.E(errs.Forbidden, "只有窗口工作人员或中心负责人可以审核企业认证")
	}
	switch f.Status {
	case "":
		f.Status = ClaimPending
	case ClaimPending, ClaimApproved, ClaimRefused, "all":
	default:
		return nil, errs.FieldErrors(map[string]string{"status": "状态应为 pending、approved、refused 或 all"})
	}
	if f.Status == "all" {
		f.Status = ""
	}
	if f.Limit <= 0 || f.Limit > 201 {
		f.Limit = 20
	}
	return s.d.Store.Claims(ctx, f)
}

// Claim returns one claim with its member, enterprise and documents.
// Errors: forbidden, not_found.
func (s *Service) Claim(ctx context.Context, staff casework.Actor, id int64) (*Claim, error) {
	if !mayManage(staff) {
		s.audit(ctx, staff, "claim.read", "claim", id, audit.Denied, "")
		return nil, errs.E(errs.Forbidden, "只有窗口工作人员或中心负责人可以审核企业认证")
	}
	return s.d.Store.Claim(ctx, id)
}

// ClaimDocument returns one paper of a claim for the window; the viewing is
// audited before any byte is returned, and refused when it cannot be.
// Errors: forbidden, not_found (also a document of another claim), internal.
func (s *Service) ClaimDocument(ctx context.Context, staff casework.Actor, claimID, docID int64) (*Document, []byte, error) {
	if !mayManage(staff) {
		s.audit(ctx, staff, "claim.document.download", "claim_document", docID, audit.Denied, "")
		return nil, nil, errs.E(errs.Forbidden, "只有窗口工作人员或中心负责人可以查看认证材料")
	}
	d, err := s.d.Store.ClaimDocument(ctx, docID)
	if err == nil && d.ClaimID != claimID {
		err = errs.E(errs.NotFound, "材料不存在")
	}
	if err != nil {
		return nil, nil, err
	}
	if s.d.Docs == nil {
		return nil, nil, errs.E(errs.Unavailable, "材料查看暂不可用")
	}
	data, err := s.d.Docs.ReadBlob(ctx, d.Blob)
	if err != nil {
		return nil, nil, err
	}
	err = s.d.Store.InTx(ctx, func(tx Tx) error {
		return tx.Audit(s.record(ctx, staff, "claim.document.download", "claim_document", d.ID,
			"claim="+itoa(claimID)+" sha256="+d.Blob.SHA256))
	})
	if err != nil {
		return nil, nil, err
	}
	return d, data, nil
}

// DecideClaim approves or refuses a pending claim. Approving verifies the
// claimant (the administrator when the enterprise has none) and files the
// enterprise's window and hotline cases, and the claimant's own, under it;
// refusing needs a reason and leaves the claimant free to claim again (a
// claim whose member moved to another enterprise can only be refused). The
// claimant is notified in the same transaction. Errors: forbidden,
// not_found, conflict (decided already; approving a claim whose member
// moved), unprocessable (reason, note too long).
func (s *Service) DecideClaim(ctx context.Context, staff casework.Actor, id int64, approve bool, note string) (*Claim, error) {
	action := "claim.refuse"
	if approve {
		action = "claim.approve"
	}
	if !mayManage(staff) {
		s.audit(ctx, staff, action, "claim", id, audit.Denied, "")
		return nil, errs.E(errs.Forbidden, "只有窗口工作人员或中心负责人可以审核企业认证")
	}
	note = strings.TrimSpace(note)
	if err := checkNote(note, !approve, "reason"); err != nil {
		return nil, err
	}
	now := s.d.Now().UTC()
	var out *Claim
	err := s.d.Store.InTx(ctx, func(tx Tx) error {
		c, err := tx.LockClaim(id)
		if err != nil {
			return err
		}
		if c.Status != ClaimPending {
			return errs.Ef(errs.Conflict, "该认证申请已处理（%s）", claimLabel(c.Status))
		}
		m, err := tx.LockMember(c.MemberID)
		if err != nil {
			return err
		}
		ent, err := tx.Enterprise(c.EnterpriseID)
		if err != nil {
			return err
		}
		moved := m.EnterpriseID != c.EnterpriseID
		if approve && moved {
			return errs.E(errs.Conflict, "申请人已更换所属企业，该申请不再有效，请驳回")
		}
		c.Note, c.ReviewerID, c.ReviewerName, c.ReviewedAt, c.UpdatedAt = note, staff.ID, staff.Name, &now, now
		event := NoticeClaimRefused
		c.Status = ClaimRefused
		if approve {
			c.Status, event = ClaimApproved, NoticeClaimApproved
			if !m.Verified { // verified meanwhile (an invitation): nothing to change
				if err := s.verifyIn(tx, m, ent, ViaClaim, now); err != nil {
					return err
				}
			}
		}
		if err := tx.SaveClaimDecision(c); err != nil {
			return err
		}
		if err := s.notice(tx, Notice{Event: event, MemberID: m.ID, ClaimID: c.ID, EnterpriseName: ent.Name,
			CreditCode: ent.CreditCode, Note: note, At: now}); err != nil {
			return err
		}
		out = c
		return tx.Audit(s.record(ctx, staff, action, "claim", c.ID, "member="+itoa(m.ID)+" enterprise="+itoa(ent.ID)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// verifyIn makes m a verified member of ent (its administrator when it has
// none) and files the cases m may now see: the enterprise's window and
// hotline cases with its credit code, and m's own.
func (s *Service) verifyIn(tx Tx, m *Member, ent *Enterprise, via string, now time.Time) error {
	ok, err := tx.ClaimAdmin(ent.ID, m.ID)
	if err != nil {
		return err
	}
	m.Role = RoleMember
	if ok {
		m.Role, ent.AdminID = RoleAdmin, m.ID
	}
	m.Verified, m.VerifiedVia, m.VerifiedAt, m.UpdatedAt = true, via, &now, now
	if err := tx.SaveMember(m); err != nil {
		return err
	}
	_, err = tx.AttachCases(m.ID, ent.ID, ent.CreditCode)
	return err
}

// notice queues a membership notification in the transaction, when a
// notifier is configured.
func (s *Service) notice(tx Tx, n Notice) error {
	if s.d.Notices == nil {
		return nil
	}
	return tx.Outbox([]cases.Notification{s.d.Notices.MembershipNotice(n)})
}

func checkNote(note string, required bool, field string) error {
	switch {
	case required && note == "":
		return errs.FieldErrors(map[string]string{field: "请填写原因"})
	case utf8.RuneCountInString(note) > 500:
		return errs.FieldErrors(map[string]string{field: "不能超过500个字"})
	}
	return nil
}

func claimLabel(st string) string {
	switch st {
	case ClaimPending:
		return "审核中"
	case ClaimApproved:
		return "已通过"
	case ClaimRefused:
		return "未通过"
	}
	return st
}
