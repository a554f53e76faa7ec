package storage

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sunshine/app/audit"
	"sunshine/app/errs"
	"sunshine/app/members"
)

type memberRow struct {
	ID           int64
	OpenID       string `gorm:"column:openid"`
	UnionID      string `gorm:"column:unionid"`
	OAOpenID     string `gorm:"column:oa_openid"`
	Name         string
	Phone        string
	EnterpriseID int64
	MemberRole   string
	Verified     bool
	VerifiedVia  string
	VerifiedAt   *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (memberRow) TableName() string { return "members" }

func (r *memberRow) toMember() *members.Member {
	return &members.Member{ID: r.ID, OpenID: r.OpenID, UnionID: r.UnionID, OAOpenID: r.OAOpenID, Name: r.Name,
		Phone: r.Phone, EnterpriseID: r.EnterpriseID, Role: r.MemberRole, Verified: r.Verified,
		VerifiedVia: r.VerifiedVia, VerifiedAt: r.VerifiedAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

type enterpriseRow struct {
	ID         int64
	Name       string
	CreditCode string
	Address    string
	Nature     string
	AdminID    int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (enterpriseRow) TableName() string { return "enterprises" }

func (r *enterpriseRow) toEnterprise() *members.Enterprise {
	return &members.Enterprise{ID: r.ID, Name: r.Name, CreditCode: r.CreditCode, Address: r.Address,
		Nature: r.Nature, AdminID: r.AdminID, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

type inviteRow struct {
	ID           int64
	CodeHash     string
	EnterpriseID int64
	CreatedBy    int64
	ExpiresAt    time.Time
	UsedBy       int64
	UsedAt       *time.Time
	CreatedAt    time.Time
}

func (inviteRow) TableName() string { return "member_invites" }

// Members implements members.Store.
type Members struct{ db *DB }

// Members returns the member and enterprise store.
func (db *DB) Members() *Members { return &Members{db: db} }

var _ members.Store = (*Members)(nil)

// UpsertMember finds the member of openid or creates it; a concurrent first
// login of the same openid loses the insert on the unique index and reads.
func (s *Members) UpsertMember(ctx context.Context, openid, unionid string, now time.Time) (*members.Member, error) {
	for attempt := 0; attempt < 2; attempt++ {
		var row memberRow
		err := s.db.W.WithContext(ctx).Take(&row, "openid = ?", openid).Error
		if err == nil {
			if unionid != "" && row.UnionID != unionid {
				row.UnionID, row.UpdatedAt = unionid, now.UTC()
				if err := s.db.W.WithContext(ctx).Model(&memberRow{}).Where("id = ?", row.ID).
					Updates(map[string]any{"unionid": unionid, "updated_at": row.UpdatedAt}).Error; err != nil {
					return nil, translate(err, "用户")
				}
			}
			return row.toMember(), nil
		}
		if !errs.Is(translate(err, ""), errs.NotFound) {
			return nil, translate(err, "用户")
		}
		row = memberRow{OpenID: openid, UnionID: unionid, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
		err = s.db.W.WithContext(ctx).Create(&row).Error
		if err == nil {
			return row.toMember(), nil
		}
		if !errs.Is(translate(err, ""), errs.Conflict) {
			return nil, translate(err, "用户")
		}
	}
	return nil, errs.E(errs.Conflict, "登录冲突，请重试")
}

// Member returns a member.
func (s *Members) Member(ctx context.Context, id int64) (*members.Member, error) {
	var row memberRow
	if err := s.db.R.WithContext(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return nil, translate(err, "用户")
	}
	return row.toMember(), nil
}

// Enterprise returns an enterprise.
func (s *Members) Enterprise(ctx context.Context, id int64) (*members.Enterprise, error) {
	var row enterpriseRow
	if err := s.db.R.WithContext(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return nil, translate(err, "企业")
	}
	return row.toEnterprise(), nil
}

// SetPhone saves the member's phone number.
func (s *Members) SetPhone(ctx context.Context, id int64, phone string, now time.Time) error {
	err := s.db.W.WithContext(ctx).Model(&memberRow{}).Where("id = ?", id).
		Updates(map[string]any{"phone": phone, "updated_at": now.UTC()}).Error
	return translate(err, "用户")
}

// ListMembers lists members newest first, two queries per page.
func (s *Members) ListMembers(ctx context.Context, f members.Filter) ([]members.Profile, error) {
	q := s.db.R.WithContext(ctx).Model(&memberRow{})
	if f.Pending {
		q = q.Where("enterprise_id <> 0 AND verified = ?", false)
	}
	if code := strings.ToUpper(strings.TrimSpace(f.CreditCode)); code != "" {
		q = q.Where("enterprise_id IN (SELECT id FROM enterprises WHERE credit_code = ?)", code)
	}
	if t := strings.TrimSpace(f.Q); t != "" {
		like := "%" + escapeLike(t) + "%"
		q = q.Where("(name LIKE ? OR enterprise_id IN (SELECT id FROM enterprises WHERE name LIKE ? OR credit_code = ?))",
			like, like, strings.ToUpper(t))
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	var rows []memberRow
	if err := q.Order("id DESC").Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "用户")
	}
	ids := []int64{}
	for _, r := range rows {
		if r.EnterpriseID != 0 {
			ids = append(ids, r.EnterpriseID)
		}
	}
	ents := map[int64]*members.Enterprise{}
	if len(ids) > 0 {
		var es []enterpriseRow
		if err := s.db.R.WithContext(ctx).Where("id IN ?", ids).Find(&es).Error; err != nil {
			return nil, translate(err, "企业")
		}
		for i := range es {
			ents[es[i].ID] = es[i].toEnterprise()
		}
	}
	out := make([]members.Profile, len(rows))
	for i := range rows {
		out[i] = members.Profile{Member: rows[i].toMember(), Enterprise: ents[rows[i].EnterpriseID]}
	}
	return out, nil
}

// InTx runs fn in one write transaction.
func (s *Members) InTx(ctx context.Context, fn func(members.Tx) error) error {
	err := s.db.transact(ctx, func(tx *gorm.DB) error { return fn(&memberTx{tx: tx}) })
	return translate(err, "记录")
}

type memberTx struct{ tx *gorm.DB }

func (t *memberTx) LockMember(id int64) (*members.Member, error) {
	var row memberRow
	if err := t.tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&row, "id = ?", id).Error; err != nil {
		return nil, translate(err, "用户")
	}
	return row.toMember(), nil
}

func (t *memberTx) Enterprise(id int64) (*members.Enterprise, error) {
	var row enterpriseRow
	if err := t.tx.Take(&row, "id = ?", id).Error; err != nil {
		return nil, translate(err, "企业")
	}
	return row.toEnterprise(), nil
}

func (t *memberTx) EnterpriseByCreditCode(code string) (*members.Enterprise, error) {
	var row enterpriseRow
	if err := t.tx.Take(&row, "credit_code = ?", code).Error; err != nil {
		return nil, translate(err, "企业")
	}
	return row.toEnterprise(), nil
}

func (t *memberTx) CreateEnterprise(e *members.Enterprise) error {
	row := &enterpriseRow{Name: e.Name, CreditCode: e.CreditCode, Address: e.Address, Nature: e.Nature,
		AdminID: e.AdminID, CreatedAt: e.CreatedAt.UTC(), UpdatedAt: e.UpdatedAt.UTC()}
	if err := t.tx.Create(row).Error; err != nil {
		return translate(err, "企业")
	}
	e.ID = row.ID
	return nil
}

func (t *memberTx) UpdateEnterprise(e *members.Enterprise) error {
	err := t.tx.Model(&enterpriseRow{}).Where("id = ?", e.ID).Updates(map[string]any{
		"name": e.Name, "address": e.Address, "nature": e.Nature, "updated_at": e.UpdatedAt.UTC()}).Error
	return translate(err, "企业")
}

func (t *memberTx) ClaimAdmin(enterpriseID, memberID int64) (bool, error) {
	res := t.tx.Exec(`UPDATE enterprises SET admin_id = ? WHERE id = ? AND admin_id = 0
		AND NOT EXISTS (SELECT 1 FROM members WHERE enterprise_id = ? AND member_role = ? AND id <> ?)`,
		memberID, enterpriseID, enterpriseID, members.RoleAdmin, memberID)
	if res.Error != nil {
		return false, translate(res.Error, "企业")
	}
	return res.RowsAffected == 1, nil
}

func (t *memberTx) ReleaseAdmin(enterpriseID, memberID int64) error {
	err := t.tx.Model(&enterpriseRow{}).Where("id = ? AND admin_id = ?", enterpriseID, memberID).
		Update("admin_id", 0).Error
	return translate(err, "企业")
}

func (t *memberTx) OtherVerifiedMembers(enterpriseID, memberID int64) (int64, error) {
	var n int64
	err := t.tx.Model(&memberRow{}).Where("enterprise_id = ? AND verified = ? AND id <> ?", enterpriseID, true, memberID).
		Count(&n).Error
	return n, translate(err, "用户")
}

func (t *memberTx) SaveMember(m *members.Member) error {
	var at *time.Time
	if m.VerifiedAt != nil {
		u := m.VerifiedAt.UTC()
		at = &u
	}
	err := t.tx.Model(&memberRow{}).Where("id = ?", m.ID).Updates(map[string]any{
		"name": m.Name, "enterprise_id": m.EnterpriseID, "member_role": m.Role, "verified": m.Verified,
		"verified_via": m.VerifiedVia, "verified_at": at, "updated_at": m.UpdatedAt.UTC()}).Error
	return translate(err, "用户")
}

func (t *memberTx) AddInvite(inv *members.Invite) error {
	row := &inviteRow{CodeHash: inv.CodeHash, EnterpriseID: inv.EnterpriseID, CreatedBy: inv.CreatedBy,
		ExpiresAt: inv.ExpiresAt.UTC(), CreatedAt: inv.CreatedAt.UTC()}
	if err := t.tx.Create(row).Error; err != nil {
		return translate(err, "邀请码")
	}
	inv.ID = row.ID
	return nil
}

// RedeemInvite honours a code only while its creator is still the
// enterprise's administrator: one who has left can no longer let people in.
func (t *memberTx) RedeemInvite(codeHash string, enterpriseID, memberID int64, now time.Time) (bool, error) {
	res := t.tx.Model(&inviteRow{}).
		Where("code_hash = ? AND enterprise_id = ? AND used_by = 0 AND expires_at > ?", codeHash, enterpriseID, now.UTC()).
		Where("created_by IN (SELECT id FROM members WHERE enterprise_id = ? AND member_role = ? AND verified = ?)",
			enterpriseID, members.RoleAdmin, true).
		Updates(map[string]any{"used_by": memberID, "used_at": now.UTC()})
	if res.Error != nil {
		return false, translate(res.Error, "邀请码")
	}
	return res.RowsAffected == 1, nil
}

func (t *memberTx) AttachCases(memberID, enterpriseID int64, creditCode string) (int64, error) {
	// The version moves too, so that a concurrent action holding the old
	// row fails with a conflict instead of writing enterprise_id back.
	res := t.tx.Model(&caseRow{}).Where("enterprise_id = 0 AND credit_code = ? AND submitter_id IN ?", creditCode, []int64{0, memberID}).
		Updates(map[string]any{"enterprise_id": enterpriseID, "version": gorm.Expr("version + 1")})
	return res.RowsAffected, translate(res.Error, "案件")
}

func (t *memberTx) Audit(r *audit.Record) error { return appendAudit(t.tx, r) }
