package storage

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sunshine/app/cases"
	"sunshine/app/files"
	"sunshine/app/members"
)

type claimRow struct {
	ID           int64
	EnterpriseID int64
	MemberID     int64
	Status       string
	Basis        string
	Note         string
	ReviewerID   int64
	ReviewerName string
	ReviewedAt   *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (claimRow) TableName() string { return "enterprise_claims" }

func (r *claimRow) toClaim() *members.Claim {
	return &members.Claim{ID: r.ID, EnterpriseID: r.EnterpriseID, MemberID: r.MemberID, Status: r.Status,
		Basis: r.Basis, Note: r.Note, ReviewerID: r.ReviewerID, ReviewerName: r.ReviewerName, ReviewedAt: r.ReviewedAt,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Documents: []members.Document{}}
}

type claimDocRow struct {
	ID           int64
	ClaimID      int64
	MemberID     int64
	EnterpriseID int64
	Kind         string
	Name         string
	StoredName   string
	ContentType  string
	Size         int64
	SHA256       string `gorm:"column:sha256"`
	CreatedAt    time.Time
}

func (claimDocRow) TableName() string { return "claim_documents" }

func (r *claimDocRow) toDocument() members.Document {
	return members.Document{ID: r.ID, ClaimID: r.ClaimID, MemberID: r.MemberID, EnterpriseID: r.EnterpriseID,
		Kind: r.Kind, CreatedAt: r.CreatedAt, Blob: files.Blob{Name: r.Name, StoredName: r.StoredName,
			ContentType: r.ContentType, Size: r.Size, SHA256: r.SHA256}}
}

func docs(rows []claimDocRow) []members.Document {
	out := make([]members.Document, len(rows))
	for i := range rows {
		out[i] = rows[i].toDocument()
	}
	return out
}

// EnterpriseMembers lists the members bound to an enterprise, oldest first.
func (s *Members) EnterpriseMembers(ctx context.Context, enterpriseID int64) ([]members.Member, error) {
	var rows []memberRow
	if err := s.db.R.WithContext(ctx).Where("enterprise_id = ?", enterpriseID).Order("id").Limit(500).Find(&rows).Error; err != nil {
		return nil, translate(err, "用户")
	}
	out := make([]members.Member, len(rows))
	for i := range rows {
		out[i] = *rows[i].toMember()
	}
	return out, nil
}

// Claims lists claims newest first with their members and enterprises:
// three queries per page.
func (s *Members) Claims(ctx context.Context, f members.ClaimFilter) ([]members.Claim, error) {
	q := s.db.R.WithContext(ctx).Model(&claimRow{})
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	var rows []claimRow
	if err := q.Order("id DESC").Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "认证申请")
	}
	out := make([]members.Claim, len(rows))
	for i := range rows {
		out[i] = *rows[i].toClaim()
	}
	return out, s.fillClaims(ctx, out, false)
}

// fillClaims loads the members and enterprises (and, withDocs, the
// documents) of claims.
func (s *Members) fillClaims(ctx context.Context, list []members.Claim, withDocs bool) error {
	if len(list) == 0 {
		return nil
	}
	db := s.db.R.WithContext(ctx)
	var mids, eids, cids []int64
	for _, c := range list {
		mids, eids, cids = append(mids, c.MemberID), append(eids, c.EnterpriseID), append(cids, c.ID)
	}
	var ms []memberRow
	if err := db.Where("id IN ?", mids).Find(&ms).Error; err != nil {
		return translate(err, "用户")
	}
	var es []enterpriseRow
	if err := db.Where("id IN ?", eids).Find(&es).Error; err != nil {
		return translate(err, "企业")
	}
	var ds []claimDocRow
	if withDocs {
		if err := db.Where("claim_id IN ?", cids).Order("id").Find(&ds).Error; err != nil {
			return translate(err, "认证材料")
		}
	}
	for i := range list {
		c := &list[i]
		for j := range ms {
			if ms[j].ID == c.MemberID {
				c.Member = ms[j].toMember()
			}
		}
		for j := range es {
			if es[j].ID == c.EnterpriseID {
				c.Enterprise = es[j].toEnterprise()
			}
		}
		for j := range ds {
			if ds[j].ClaimID == c.ID {
				c.Documents = append(c.Documents, ds[j].toDocument())
			}
		}
	}
	return nil
}

// Claim returns a claim with its member, enterprise and documents.
func (s *Members) Claim(ctx context.Context, id int64) (*members.Claim, error) {
	var row claimRow
	if err := s.db.R.WithContext(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return nil, translate(err, "认证申请")
	}
	list := []members.Claim{*row.toClaim()}
	if err := s.fillClaims(ctx, list, true); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// LatestClaim returns the member's newest claim for the enterprise.
func (s *Members) LatestClaim(ctx context.Context, memberID, enterpriseID int64) (*members.Claim, error) {
	var rows []claimRow
	if err := s.db.R.WithContext(ctx).Where("member_id = ? AND enterprise_id = ?", memberID, enterpriseID).
		Order("id DESC").Limit(1).Find(&rows).Error; err != nil {
		return nil, translate(err, "认证申请")
	}
	if len(rows) == 0 {
		return nil, nil
	}
	c := rows[0].toClaim()
	var ds []claimDocRow
	if err := s.db.R.WithContext(ctx).Where("claim_id = ?", c.ID).Order("id").Find(&ds).Error; err != nil {
		return nil, translate(err, "认证材料")
	}
	c.Documents = docs(ds)
	return c, nil
}

// LooseDocuments lists the member's documents not in a claim yet.
func (s *Members) LooseDocuments(ctx context.Context, memberID, enterpriseID int64) ([]members.Document, error) {
	return looseDocuments(s.db.R.WithContext(ctx), memberID, enterpriseID)
}

func looseDocuments(db *gorm.DB, memberID, enterpriseID int64) ([]members.Document, error) {
	var ds []claimDocRow
	if err := db.Where("member_id = ? AND enterprise_id = ? AND claim_id = 0", memberID, enterpriseID).
		Order("id").Find(&ds).Error; err != nil {
		return nil, translate(err, "认证材料")
	}
	return docs(ds), nil
}

// ClaimDocument returns one document.
func (s *Members) ClaimDocument(ctx context.Context, id int64) (*members.Document, error) {
	var row claimDocRow
	if err := s.db.R.WithContext(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return nil, translate(err, "认证材料")
	}
	d := row.toDocument()
	return &d, nil
}

func (t *memberTx) SetAdmin(enterpriseID, memberID int64) error {
	err := t.tx.Model(&enterpriseRow{}).Where("id = ?", enterpriseID).Update("admin_id", memberID).Error
	return translate(err, "企业")
}

func (t *memberTx) AddClaimDocument(d *members.Document) error {
	row := &claimDocRow{MemberID: d.MemberID, EnterpriseID: d.EnterpriseID, Kind: d.Kind, Name: d.Blob.Name,
		StoredName: d.Blob.StoredName, ContentType: d.Blob.ContentType, Size: d.Blob.Size, SHA256: d.Blob.SHA256,
		CreatedAt: d.CreatedAt.UTC()}
	if err := t.tx.Create(row).Error; err != nil {
		return translate(err, "认证材料")
	}
	d.ID = row.ID
	return nil
}

func (t *memberTx) LooseDocuments(memberID, enterpriseID int64) ([]members.Document, error) {
	return looseDocuments(t.tx, memberID, enterpriseID)
}

func (t *memberTx) PendingClaim(memberID int64) (*members.Claim, error) {
	var rows []claimRow
	if err := t.tx.Where("member_id = ? AND status = ?", memberID, members.ClaimPending).
		Order("id DESC").Limit(1).Find(&rows).Error; err != nil {
		return nil, translate(err, "认证申请")
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return rows[0].toClaim(), nil
}

func (t *memberTx) CreateClaim(c *members.Claim, docIDs []int64) error {
	row := &claimRow{EnterpriseID: c.EnterpriseID, MemberID: c.MemberID, Status: c.Status, Basis: c.Basis, Note: c.Note,
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.CreatedAt.UTC()}
	if err := t.tx.Create(row).Error; err != nil {
		return translate(err, "认证申请")
	}
	c.ID = row.ID
	if len(docIDs) == 0 {
		return nil
	}
	err := t.tx.Model(&claimDocRow{}).Where("id IN ? AND member_id = ? AND claim_id = 0", docIDs, c.MemberID).
		Update("claim_id", c.ID).Error
	return translate(err, "认证材料")
}

func (t *memberTx) LockClaim(id int64) (*members.Claim, error) {
	var row claimRow
	if err := t.tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&row, "id = ?", id).Error; err != nil {
		return nil, translate(err, "认证申请")
	}
	return row.toClaim(), nil
}

func (t *memberTx) SaveClaimDecision(c *members.Claim) error {
	var at *time.Time
	if c.ReviewedAt != nil {
		u := c.ReviewedAt.UTC()
		at = &u
	}
	err := t.tx.Model(&claimRow{}).Where("id = ?", c.ID).Updates(map[string]any{
		"status": c.Status, "note": c.Note, "reviewer_id": c.ReviewerID, "reviewer_name": c.ReviewerName,
		"reviewed_at": at, "updated_at": c.UpdatedAt.UTC()}).Error
	return translate(err, "认证申请")
}

func (t *memberTx) Outbox(items []cases.Notification) error {
	_, err := insertNotifications(t.tx, items, time.Now())
	return translate(err, "通知")
}
