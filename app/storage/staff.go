package storage

import (
	"context"
	"time"

	"gorm.io/gorm"

	"sunshine/app/accounts"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

type staffRow struct {
	ID                 int64
	Username           string
	PasswordHash       string
	Role               string
	Name               string
	Department         string
	WecomUserid        string `gorm:"column:wecom_userid"`
	Phone              string
	Disabled           bool
	MustChangePassword bool
	TOTPSecret         string     `gorm:"column:totp_secret"`
	TOTPEnabledAt      *time.Time `gorm:"column:totp_enabled_at"`
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (staffRow) TableName() string { return "staff_users" }

func (r *staffRow) toStaff() *accounts.Staff {
	return &accounts.Staff{ID: r.ID, Username: r.Username, PasswordHash: r.PasswordHash, Role: casework.Role(r.Role),
		Name: r.Name, Department: r.Department, WecomUserID: r.WecomUserid, Phone: r.Phone, Disabled: r.Disabled,
		MustChangePassword: r.MustChangePassword, TOTPSecret: r.TOTPSecret, TOTPEnabledAt: r.TOTPEnabledAt,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func toStaffRow(s *accounts.Staff) *staffRow {
	return &staffRow{ID: s.ID, Username: s.Username, PasswordHash: s.PasswordHash, Role: string(s.Role), Name: s.Name,
		Department: s.Department, WecomUserid: s.WecomUserID, Phone: s.Phone, Disabled: s.Disabled,
		MustChangePassword: s.MustChangePassword, TOTPSecret: s.TOTPSecret, TOTPEnabledAt: utcPtr(s.TOTPEnabledAt),
		CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC()}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// Staff implements accounts.StaffStore.
type Staff struct{ db *DB }

// Staff returns the staff account store.
func (db *DB) Staff() *Staff { return &Staff{db: db} }

var _ accounts.StaffStore = (*Staff)(nil)

// CreateStaff stores a new account.
func (s *Staff) CreateStaff(ctx context.Context, u *accounts.Staff) error {
	row := toStaffRow(u)
	if err := s.db.W.WithContext(ctx).Create(row).Error; err != nil {
		return translate(err, "用户")
	}
	u.ID = row.ID
	return nil
}

// StaffByID returns an account.
func (s *Staff) StaffByID(ctx context.Context, id int64) (*accounts.Staff, error) {
	var row staffRow
	if err := s.db.R.WithContext(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return nil, translate(err, "用户")
	}
	return row.toStaff(), nil
}

// StaffByUsername returns an account.
func (s *Staff) StaffByUsername(ctx context.Context, username string) (*accounts.Staff, error) {
	var row staffRow
	if err := s.db.R.WithContext(ctx).Take(&row, "username = ?", username).Error; err != nil {
		return nil, translate(err, "用户")
	}
	return row.toStaff(), nil
}

// staffColumns are the columns UpdateStaff may write.
var staffColumns = map[string]bool{"password_hash": true, "role": true, "name": true, "department": true,
	"wecom_userid": true, "phone": true, "disabled": true, "must_change_password": true, "totp_secret": true,
	"totp_enabled_at": true}

// UpdateStaff saves the named columns (all mutable ones when none is named).
func (s *Staff) UpdateStaff(ctx context.Context, u *accounts.Staff, columns ...string) error {
	if len(columns) == 0 {
		columns = []string{"password_hash", "role", "name", "department", "wecom_userid", "phone", "disabled",
			"must_change_password"}
	}
	for _, c := range columns {
		if !staffColumns[c] {
			return errs.Ef(errs.Internal, "unknown staff column %q", c)
		}
	}
	u.UpdatedAt = time.Now().UTC()
	row := toStaffRow(u)
	res := s.db.W.WithContext(ctx).Model(&staffRow{}).Where("id = ?", u.ID).
		Select(append(columns, "updated_at")).Updates(row)
	if res.Error != nil {
		return translate(res.Error, "用户")
	}
	if res.RowsAffected == 0 {
		return translate(gorm.ErrRecordNotFound, "用户")
	}
	return nil
}

// ListStaff lists accounts by id, optionally of one role.
func (s *Staff) ListStaff(ctx context.Context, role casework.Role) ([]accounts.Staff, error) {
	q := s.db.R.WithContext(ctx).Order("id")
	if role != "" {
		q = q.Where("role = ?", string(role))
	}
	var rows []staffRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err, "用户")
	}
	out := make([]accounts.Staff, len(rows))
	for i := range rows {
		out[i] = *rows[i].toStaff()
	}
	return out, nil
}

// CountEnabled counts the enabled accounts of a role.
func (s *Staff) CountEnabled(ctx context.Context, role casework.Role) (int64, error) {
	var n int64
	if err := s.db.R.WithContext(ctx).Model(&staffRow{}).Where("role = ? AND disabled = ?", string(role), false).
		Count(&n).Error; err != nil {
		return 0, translate(err, "用户")
	}
	return n, nil
}

type recoveryCodeRow struct {
	ID        int64
	StaffID   int64
	CodeHash  string
	UsedAt    *time.Time
	CreatedAt time.Time
}

func (recoveryCodeRow) TableName() string { return "staff_recovery_codes" }

// ReplaceRecoveryCodes replaces the account's recovery codes (hashes) in
// one transaction.
func (s *Staff) ReplaceRecoveryCodes(ctx context.Context, staffID int64, hashes []string, now time.Time) error {
	err := s.db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("staff_id = ?", staffID).Delete(&recoveryCodeRow{}).Error; err != nil {
			return err
		}
		for _, h := range hashes {
			if err := tx.Create(&recoveryCodeRow{StaffID: staffID, CodeHash: h, CreatedAt: now.UTC()}).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return translate(err, "恢复码")
}

// UseRecoveryCode spends an unused code; false when there is none with
// this hash. The conditional update makes two concurrent uses of one code
// succeed once.
func (s *Staff) UseRecoveryCode(ctx context.Context, staffID int64, hash string, now time.Time) (bool, error) {
	res := s.db.W.WithContext(ctx).Model(&recoveryCodeRow{}).
		Where("staff_id = ? AND code_hash = ? AND used_at IS NULL", staffID, hash).Update("used_at", now.UTC())
	if res.Error != nil {
		return false, translate(res.Error, "恢复码")
	}
	return res.RowsAffected == 1, nil
}

// UnusedRecoveryCodes counts the account's unused codes.
func (s *Staff) UnusedRecoveryCodes(ctx context.Context, staffID int64) (int64, error) {
	var n int64
	err := s.db.R.WithContext(ctx).Model(&recoveryCodeRow{}).Where("staff_id = ? AND used_at IS NULL", staffID).Count(&n).Error
	return n, translate(err, "恢复码")
}
