package accounts

import (
	"context"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// requireAdmin refuses anyone but the system administrator, with an audit
// record of the denial.
func (s *Service) requireAdmin(ctx context.Context, by casework.Actor, action string, target int64) error {
	if by.Role == casework.RoleAdmin {
		return nil
	}
	s.record(ctx, by, action, target, audit.Denied, "not admin")
	return errs.E(errs.Forbidden, "只有系统管理员可以管理用户")
}

// cliOnly reports whether accounts of the role are managed only at the
// command line (sunshine user add): 三员分立 — an admin who could create an
// auditor (or another admin) through the API could read the audit log
// through an account of their own making.
func cliOnly(r casework.Role) bool { return r == casework.RoleAdmin || r == casework.RoleAuditor }

// privilegedRoleError is the answer to an API attempt at such an account.
func privilegedRoleError() error {
	return errs.E(errs.Forbidden, "系统管理员和安全审计员账号只能在服务器命令行（sunshine user add）创建")
}

// lastAdmin refuses to disable or demote the last enabled admin: nobody
// could manage the accounts any more. Errors: conflict, unavailable.
func (s *Service) lastAdmin(ctx context.Context, u *Staff) error {
	if u.Role != casework.RoleAdmin || u.Disabled {
		return nil
	}
	n, err := s.store.CountEnabled(ctx, casework.RoleAdmin)
	if err != nil {
		return err
	}
	if n <= 1 {
		return errs.E(errs.Conflict, "这是最后一个启用的系统管理员账号，不能停用或变更角色")
	}
	return nil
}

// CreateUser creates a staff account (admin only; not an admin or auditor
// account, see cliOnly). Errors: forbidden, unprocessable, conflict
// (username taken).
func (s *Service) CreateUser(ctx context.Context, by casework.Actor, n NewStaff) (*Staff, error) {
	if err := s.requireAdmin(ctx, by, "staff.create", 0); err != nil {
		return nil, err
	}
	if cliOnly(n.Role) {
		s.record(ctx, by, "staff.create", 0, audit.Denied, "role="+string(n.Role))
		return nil, privilegedRoleError()
	}
	u, err := CreateStaff(ctx, s.store, n, s.now())
	if err != nil {
		return nil, err
	}
	s.record(ctx, by, "staff.create", u.ID, audit.OK, "role="+string(u.Role))
	return u, nil
}

// Users lists accounts, optionally of one role. The admin sees every
// account; the head sees active accounts only (to pick a specialist).
// Errors: forbidden, invalid (unknown role).
func (s *Service) Users(ctx context.Context, by casework.Actor, role casework.Role) ([]Staff, error) {
	if by.Role != casework.RoleAdmin && by.Role != casework.RoleHead {
		s.record(ctx, by, "staff.list", 0, audit.Denied, "role")
		return nil, errs.E(errs.Forbidden, "当前角色无权查看人员列表")
	}
	if role != "" && !role.IsStaff() {
		return nil, errs.Ef(errs.Invalid, "角色无效：%s", role)
	}
	list, err := s.store.ListStaff(ctx, role)
	if err != nil {
		return nil, err
	}
	if by.Role == casework.RoleAdmin {
		return list, nil
	}
	out := list[:0]
	for _, u := range list {
		if !u.Disabled {
			out = append(out, u)
		}
	}
	return out, nil
}

// User returns one account (admin only). Errors: forbidden, not_found.
func (s *Service) User(ctx context.Context, by casework.Actor, id int64) (*Staff, error) {
	if err := s.requireAdmin(ctx, by, "staff.read", id); err != nil {
		return nil, err
	}
	return s.store.StaffByID(ctx, id)
}

// SetDisabled disables or re-enables an account (admin only); disabling
// ends all its sessions at once. Errors: forbidden, not_found, conflict
// (one's own account).
func (s *Service) SetDisabled(ctx context.Context, by casework.Actor, id int64, disabled bool) (*Staff, error) {
	action := map[bool]string{true: "staff.disable", false: "staff.enable"}[disabled]
	if err := s.requireAdmin(ctx, by, action, id); err != nil {
		return nil, err
	}
	if id == by.ID {
		return nil, errs.E(errs.Conflict, "不能停用或启用自己的账号")
	}
	u, err := s.store.StaffByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if disabled {
		if err := s.lastAdmin(ctx, u); err != nil {
			return nil, err
		}
	}
	if u.Disabled != disabled {
		u.Disabled = disabled
		if err := s.store.UpdateStaff(ctx, u, "disabled"); err != nil {
			return nil, err
		}
		s.record(ctx, by, action, id, audit.OK, "")
	}
	if disabled {
		s.endAll(ctx, id)
	}
	return u, nil
}

// ChangeRole sets an account's role and department (admin only). A change
// ends all its sessions: what the user may see depends on both. Errors:
// forbidden, not_found, unprocessable, conflict (one's own account).
func (s *Service) ChangeRole(ctx context.Context, by casework.Actor, id int64, role casework.Role, department string) (*Staff, error) {
	if err := s.requireAdmin(ctx, by, "staff.role", id); err != nil {
		return nil, err
	}
	department = strings.TrimSpace(department)
	bad := map[string]string{}
	if !role.IsStaff() {
		bad["role"] = RoleChoices
	}
	if role == casework.RoleLiaison && department == "" {
		bad["department"] = "审批部门联络员须填写所属部门"
	}
	if utf8.RuneCountInString(department) > 100 {
		bad["department"] = "部门名称不能超过100个字"
	}
	if err := errs.FieldErrors(bad); err != nil {
		return nil, err
	}
	if id == by.ID {
		s.record(ctx, by, "staff.role", id, audit.Denied, "own account")
		return nil, errs.E(errs.Conflict, "不能修改自己的角色")
	}
	u, err := s.store.StaffByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.Role == role && u.Department == department {
		return u, nil
	}
	if (cliOnly(role) || u.Role == casework.RoleAuditor) && u.Role != role {
		s.record(ctx, by, "staff.role", id, audit.Denied, string(u.Role)+"→"+string(role))
		return nil, errs.E(errs.Forbidden, "系统管理员和安全审计员的角色只能在服务器命令行授予或收回")
	}
	if u.Role != role {
		if err := s.lastAdmin(ctx, u); err != nil {
			return nil, err
		}
	}
	detail := string(u.Role) + "→" + string(role)
	u.Role, u.Department = role, department
	if err := s.store.UpdateStaff(ctx, u, "role", "department"); err != nil {
		return nil, err
	}
	s.endAll(ctx, id)
	s.record(ctx, by, "staff.role", id, audit.OK, detail)
	return u, nil
}

// ResetPassword sets a new password (admin only), ends the account's
// sessions and lifts a login lock; the next login must set a new password
// (an admin should not know a password in use). The auditor's account is
// not reset here (see ResetSecondFactor). Errors: forbidden, not_found,
// unprocessable.
func (s *Service) ResetPassword(ctx context.Context, by casework.Actor, id int64, password string) error {
	if err := s.requireAdmin(ctx, by, "staff.password", id); err != nil {
		return err
	}
	if msg := PasswordProblem(password); msg != "" {
		return errs.FieldErrors(map[string]string{"password": msg})
	}
	u, err := s.store.StaffByID(ctx, id)
	if err != nil {
		return err
	}
	if u.Role == casework.RoleAuditor {
		s.record(ctx, by, "staff.password", id, audit.Denied, "auditor account")
		return errs.E(errs.Forbidden, "安全审计员的账号只能在服务器命令行管理")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.cost)
	if err != nil {
		return errs.Wrap(errs.Internal, "密码处理失败", err)
	}
	u.PasswordHash, u.MustChangePassword = string(hash), true
	if err := s.store.UpdateStaff(ctx, u, "password_hash", "must_change_password"); err != nil {
		return err
	}
	s.endAll(ctx, id)
	s.throttle.unlock(ctx, accountKey(u.Username)) // a reset also lifts a lock
	s.record(ctx, by, "staff.password", id, audit.OK, "")
	return nil
}
