// Package accounts manages staff accounts: creation with validated roles,
// password hashing (bcrypt), disabling and role changes.
package accounts

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"sunshine/app/casework"
	"sunshine/app/errs"
)

// Staff is a staff account. The password hash never leaves the server.
type Staff struct {
	ID           int64         `json:"id"`
	Username     string        `json:"username"`
	PasswordHash string        `json:"-"`
	Role         casework.Role `json:"role"`
	Name         string        `json:"name"`
	Department   string        `json:"department,omitempty"`
	WecomUserID  string        `json:"wecom_userid,omitempty"`
	Phone        string        `json:"-"`
	Disabled     bool          `json:"disabled"`
	// MustChangePassword is set by an admin's reset: the next login sets a
	// new password before it gets a session.
	MustChangePassword bool `json:"must_change_password"`
	// TOTPSecret is the second factor's secret, encrypted (secondfactor.go);
	// TOTPEnabledAt is when its enrolment was confirmed (nil: not enrolled).
	TOTPSecret    string     `json:"-"`
	TOTPEnabledAt *time.Time `json:"-"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// Actor returns the staff member as a workflow actor.
func (s *Staff) Actor() casework.Actor {
	return casework.Actor{ID: s.ID, Role: s.Role, Name: s.Name, Department: s.Department}
}

// TOTPEnabled reports whether the account has a confirmed second factor.
func (s *Staff) TOTPEnabled() bool { return s.TOTPEnabledAt != nil && s.TOTPSecret != "" }

// StaffStore persists staff accounts. Implemented by storage.
type StaffStore interface {
	// CreateStaff stores a new account and sets its ID. Returns conflict
	// when the username is taken.
	CreateStaff(ctx context.Context, s *Staff) error
	// StaffByID returns an account. Returns not_found.
	StaffByID(ctx context.Context, id int64) (*Staff, error)
	// StaffByUsername returns an account. Returns not_found.
	StaffByUsername(ctx context.Context, username string) (*Staff, error)
	// UpdateStaff saves the named columns of the account (password_hash,
	// role, name, department, wecom_userid, phone, disabled,
	// must_change_password, totp_secret, totp_enabled_at; all but the last
	// three when none is named). Naming only what changed keeps two admins'
	// concurrent edits of one account from undoing each other.
	UpdateStaff(ctx context.Context, s *Staff, columns ...string) error
	// ListStaff lists accounts, optionally of one role.
	ListStaff(ctx context.Context, role casework.Role) ([]Staff, error)
	// CountEnabled counts the enabled accounts of a role.
	CountEnabled(ctx context.Context, role casework.Role) (int64, error)
}

// NewStaff is the input to create an account.
type NewStaff struct {
	Username    string
	Password    string
	Role        casework.Role
	Name        string
	Department  string
	WecomUserID string
	Phone       string
}

var usernameRe = regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,64}$`)

// Validate checks the input and returns Chinese per-field messages.
func (n *NewStaff) Validate() map[string]string {
	n.Username, n.Name, n.Department = strings.TrimSpace(n.Username), strings.TrimSpace(n.Name), strings.TrimSpace(n.Department)
	bad := map[string]string{}
	if !usernameRe.MatchString(n.Username) {
		bad["username"] = "用户名须为3到64位字母、数字、下划线、点或连字符"
	}
	if msg := PasswordProblem(n.Password); msg != "" {
		bad["password"] = msg
	}
	if !n.Role.IsStaff() {
		bad["role"] = RoleChoices
	}
	if n.Name == "" || utf8.RuneCountInString(n.Name) > 50 {
		bad["name"] = "请填写姓名（不超过50个字）"
	}
	if n.Role == casework.RoleLiaison && n.Department == "" {
		bad["department"] = "审批部门联络员须填写所属部门"
	}
	if n.Phone != "" && !casework.MobileValid(n.Phone) {
		bad["phone"] = "手机号格式不正确"
	}
	return bad
}

// RoleChoices is the message for a role that is not a staff role.
const RoleChoices = "角色只能是 clerk、specialist、head、liaison、supervisor、admin、auditor 之一"

// MinPasswordLength is the shortest accepted password.
const MinPasswordLength = 10

// PasswordProblem returns why a password is too weak, or "".
func PasswordProblem(p string) string {
	if len(p) < MinPasswordLength || len(p) > 72 {
		return "密码长度应为10到72位"
	}
	if commonPassword(p) {
		return "该密码过于常见，请换一个"
	}
	var letter, digit bool
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letter = true
		}
	}
	if !letter || !digit {
		return "密码须同时包含字母和数字"
	}
	return ""
}

// HashPassword hashes with bcrypt.
func HashPassword(p string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(p), bcrypt.DefaultCost)
	return string(h), err
}

// CheckPassword compares a password with a hash in constant time.
func CheckPassword(hash, p string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(p)) == nil
}

// CreateStaff validates, hashes and stores a new account. Errors:
// unprocessable (fields), conflict (username taken).
func CreateStaff(ctx context.Context, store StaffStore, n NewStaff, now time.Time) (*Staff, error) {
	if err := errs.FieldErrors(n.Validate()); err != nil {
		return nil, err
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return nil, errs.Wrap(errs.Internal, "密码处理失败", err)
	}
	s := &Staff{Username: n.Username, PasswordHash: hash, Role: n.Role, Name: n.Name, Department: n.Department,
		WecomUserID: strings.TrimSpace(n.WecomUserID), Phone: n.Phone, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
	if err := store.CreateStaff(ctx, s); err != nil {
		if errs.Is(err, errs.Conflict) {
			return nil, &errs.Error{Code: errs.Conflict, Message: "用户名已存在", Fields: map[string]string{"username": "用户名已存在"}}
		}
		return nil, err
	}
	return s, nil
}
