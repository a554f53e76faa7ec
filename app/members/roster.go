package members

import (
	"context"
	"strings"
	"time"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// Roster returns the members of m's enterprise for a verified member:
// everyone bound to it, verified or waiting. Errors: forbidden (not a
// verified member).
func (s *Service) Roster(ctx context.Context, m *Member) ([]Member, error) {
	if m.EnterpriseID == 0 || !m.Verified {
		return nil, errs.E(errs.Forbidden, "通过企业认证后才能查看企业成员")
	}
	return s.d.Store.EnterpriseMembers(ctx, m.EnterpriseID)
}

// RemoveMember is the administrator taking a member out of the enterprise:
// the member is unbound and sees only their own cases from then on.
// Errors: forbidden (not the administrator), not_found (not a member of
// this enterprise), conflict (removing oneself: hand the role over first).
func (s *Service) RemoveMember(ctx context.Context, admin *Member, memberID int64) error {
	if admin.EnterpriseID == 0 || !admin.Verified || admin.Role != RoleAdmin {
		return errs.E(errs.Forbidden, "只有企业管理员可以移除成员")
	}
	if memberID == admin.ID {
		return errs.E(errs.Conflict, "不能移除自己；如需退出，请先把管理员移交给其他成员")
	}
	now := s.d.Now().UTC()
	return s.d.Store.InTx(ctx, func(tx Tx) error {
		a, err := tx.LockMember(admin.ID)
		if err != nil {
			return err
		}
		if a.EnterpriseID != admin.EnterpriseID || a.Role != RoleAdmin || !a.Verified {
			return errs.E(errs.Forbidden, "只有企业管理员可以移除成员")
		}
		m, err := tx.LockMember(memberID)
		if errs.Is(err, errs.NotFound) || err == nil && m.EnterpriseID != a.EnterpriseID {
			return errs.E(errs.NotFound, "该用户不是本企业成员")
		} else if err != nil {
			return err
		}
		unbind(m, now)
		if err := tx.SaveMember(m); err != nil {
			return err
		}
		return tx.Audit(s.record(ctx, admin.Viewer().Actor, "member.remove", "member", m.ID, "enterprise="+itoa(a.EnterpriseID)))
	})
}

// HandOver makes another verified member the administrator; the current
// administrator stays a verified member. Errors: forbidden (not the
// administrator), not_found (not a member), conflict (not verified).
func (s *Service) HandOver(ctx context.Context, admin *Member, memberID int64) (*Profile, error) {
	if admin.EnterpriseID == 0 || !admin.Verified || admin.Role != RoleAdmin {
		return nil, errs.E(errs.Forbidden, "只有企业管理员可以移交管理员")
	}
	var p Profile
	err := s.d.Store.InTx(ctx, func(tx Tx) error {
		a, err := tx.LockMember(admin.ID)
		if err != nil {
			return err
		}
		if a.EnterpriseID != admin.EnterpriseID || a.Role != RoleAdmin || !a.Verified {
			return errs.E(errs.Forbidden, "只有企业管理员可以移交管理员")
		}
		ent, err := s.transfer(tx, a.EnterpriseID, memberID)
		if err != nil {
			return err
		}
		p = Profile{Member: a, Enterprise: ent}
		a.Role = RoleMember
		return tx.Audit(s.record(ctx, admin.Viewer().Actor, "member.handover", "enterprise", ent.ID, "to="+itoa(memberID)))
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// transfer makes memberID, a verified member of the enterprise, its
// administrator and demotes the previous one.
func (s *Service) transfer(tx Tx, enterpriseID, memberID int64) (*Enterprise, error) {
	now := s.d.Now().UTC()
	ent, err := tx.Enterprise(enterpriseID)
	if err != nil {
		return nil, err
	}
	to, err := tx.LockMember(memberID)
	if errs.Is(err, errs.NotFound) || err == nil && to.EnterpriseID != enterpriseID {
		return nil, errs.FieldErrors(map[string]string{"member_id": "该用户不是本企业成员"})
	} else if err != nil {
		return nil, err
	}
	if !to.Verified {
		return nil, errs.FieldErrors(map[string]string{"member_id": "该成员尚未通过认证，不能成为管理员"})
	}
	if ent.AdminID != 0 && ent.AdminID != to.ID {
		prev, err := tx.LockMember(ent.AdminID)
		if err == nil && prev.EnterpriseID == enterpriseID {
			prev.Role, prev.UpdatedAt = RoleMember, now
			if err := tx.SaveMember(prev); err != nil {
				return nil, err
			}
		} else if err != nil && !errs.Is(err, errs.NotFound) {
			return nil, err
		}
	}
	to.Role, to.UpdatedAt = RoleAdmin, now
	if err := tx.SaveMember(to); err != nil {
		return nil, err
	}
	if err := tx.SetAdmin(enterpriseID, to.ID); err != nil {
		return nil, err
	}
	ent.AdminID = to.ID
	return ent, nil
}

// Revoke is staff (clerk, head) taking a member out of their enterprise,
// e.g. an employee who left or a claim found false later; an administrator
// revoked leaves the enterprise without one until staff transfer the role.
// The member is notified. Errors: forbidden, not_found, conflict (not bound),
// unprocessable (reason).
func (s *Service) Revoke(ctx context.Context, staff casework.Actor, memberID int64, reason string) (*Profile, error) {
	if !mayManage(staff) {
		s.audit(ctx, staff, "member.revoke", "member", memberID, audit.Denied, "")
		return nil, errs.E(errs.Forbidden, "只有窗口工作人员或中心负责人可以撤销企业成员")
	}
	reason = strings.TrimSpace(reason)
	if err := checkNote(reason, true, "reason"); err != nil {
		return nil, err
	}
	now := s.d.Now().UTC()
	var p Profile
	err := s.d.Store.InTx(ctx, func(tx Tx) error {
		m, err := tx.LockMember(memberID)
		if errs.Is(err, errs.NotFound) {
			return errs.E(errs.NotFound, "企业用户不存在")
		} else if err != nil {
			return err
		}
		if m.EnterpriseID == 0 {
			return errs.E(errs.Conflict, "该用户未登记所属企业")
		}
		ent, err := tx.Enterprise(m.EnterpriseID)
		if err != nil {
			return err
		}
		if m.Role == RoleAdmin || ent.AdminID == m.ID {
			if err := tx.ReleaseAdmin(ent.ID, m.ID); err != nil {
				return err
			}
		}
		unbind(m, now)
		if err := tx.SaveMember(m); err != nil {
			return err
		}
		p = Profile{Member: m}
		if err := s.notice(tx, Notice{Event: NoticeRevoked, MemberID: m.ID, ClaimID: now.UnixNano(), EnterpriseName: ent.Name,
			CreditCode: ent.CreditCode, Note: reason, At: now}); err != nil {
			return err
		}
		return tx.Audit(s.record(ctx, staff, "member.revoke", "member", m.ID, "enterprise="+itoa(ent.ID)))
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// TransferAdmin is staff making a verified member the enterprise's
// administrator (the administrator left, or the enterprise asks at the
// window). Errors: forbidden, not_found (enterprise), unprocessable
// (member_id, reason).
func (s *Service) TransferAdmin(ctx context.Context, staff casework.Actor, enterpriseID, memberID int64, reason string) (*Profile, error) {
	if !mayManage(staff) {
		s.audit(ctx, staff, "enterprise.transfer_admin", "enterprise", enterpriseID, audit.Denied, "")
		return nil, errs.E(errs.Forbidden, "只有窗口工作人员或中心负责人可以移交企业管理员")
	}
	reason = strings.TrimSpace(reason)
	if err := checkNote(reason, true, "reason"); err != nil {
		return nil, err
	}
	var p Profile
	err := s.d.Store.InTx(ctx, func(tx Tx) error {
		ent, err := s.transfer(tx, enterpriseID, memberID)
		if errs.Is(err, errs.NotFound) {
			return errs.E(errs.NotFound, "企业不存在")
		} else if err != nil {
			return err
		}
		to, err := tx.LockMember(memberID)
		if err != nil {
			return err
		}
		p = Profile{Member: to, Enterprise: ent}
		return tx.Audit(s.record(ctx, staff, "enterprise.transfer_admin", "enterprise", ent.ID, "to="+itoa(memberID)))
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func unbind(m *Member, now time.Time) {
	m.EnterpriseID, m.Role, m.Verified, m.VerifiedVia, m.VerifiedAt, m.UpdatedAt = 0, "", false, "", nil, now
}
