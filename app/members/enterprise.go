package members

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"sunshine/app/casework"
	"sunshine/app/errs"
)

// BindInput is what a user says about their enterprise (PUT /enterprise).
type BindInput struct {
	CreditCode string
	Name       string // 单位名称: required when the credit code is new
	Address    string
	Nature     string
	MemberName string // the user's own name
	InviteCode string // joins as a verified member when valid
}

func (in *BindInput) normalize() map[string]string {
	in.CreditCode = strings.ToUpper(strings.TrimSpace(in.CreditCode))
	in.InviteCode = strings.ToUpper(strings.TrimSpace(in.InviteCode))
	for _, p := range []*string{&in.Name, &in.Address, &in.Nature, &in.MemberName} {
		*p = strings.TrimSpace(*p)
	}
	bad := map[string]string{}
	switch {
	case in.CreditCode == "":
		bad["credit_code"] = "请填写统一社会信用代码"
	case !casework.CreditCodeValid(in.CreditCode):
		bad["credit_code"] = "统一社会信用代码不正确（应为18位且校验位正确）"
	}
	for _, f := range []struct {
		key, label, v string
		max           int
	}{{"name", "单位名称", in.Name, 100}, {"address", "单位地址", in.Address, 200},
		{"nature", "单位性质", in.Nature, 50}, {"member_name", "姓名", in.MemberName, 50}} {
		if utf8.RuneCountInString(f.v) > f.max {
			bad[f.key] = f.label + "不能超过" + itoa(int64(f.max)) + "个字"
		}
	}
	if in.InviteCode != "" && !validInviteCode(in.InviteCode) {
		bad["invite_code"] = "邀请码应为8位字母或数字"
	}
	return bad
}

// errRetry asks Bind to run its transaction again (lost a registration race).
var errRetry = errors.New("members: retry")

// Bind binds the member to the enterprise of a credit code, or updates it.
// Entering a credit code proves nothing (SPEC §2): the first registrant is
// only the enterprise's claimant until a clerk approves their claim
// (SubmitClaim, DecideClaim, Verify); anyone else joins unverified unless a
// valid invitation code of the verified administrator is given. Only the
// administrator changes the enterprise's profile. Errors: unprocessable
// (fields, invalid invitation — nothing changes), forbidden (a member who is
// not the administrator edits the profile), conflict (an administrator with
// verified members tries to leave).
func (s *Service) Bind(ctx context.Context, m *Member, in BindInput) (*Profile, error) {
	if err := errs.FieldErrors(in.normalize()); err != nil {
		return nil, err
	}
	var out *Profile
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		out, err = s.bindOnce(ctx, m.ID, in)
		if !errors.Is(err, errRetry) {
			break
		}
	}
	if errors.Is(err, errRetry) {
		return nil, errs.E(errs.Conflict, "企业登记冲突，请重试")
	}
	return out, err
}

func (s *Service) bindOnce(ctx context.Context, id int64, in BindInput) (*Profile, error) {
	now := s.d.Now().UTC()
	var p Profile
	err := s.d.Store.InTx(ctx, func(tx Tx) error {
		m, err := tx.LockMember(id)
		if err != nil {
			return err
		}
		ent, err := tx.EnterpriseByCreditCode(in.CreditCode)
		created := false
		switch {
		case errs.Is(err, errs.NotFound):
			if in.Name == "" {
				return errs.FieldErrors(map[string]string{"name": "首次登记该企业，请填写单位名称"})
			}
			ent = &Enterprise{Name: in.Name, CreditCode: in.CreditCode, Address: in.Address, Nature: in.Nature,
				CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateEnterprise(ent); errs.Is(err, errs.Conflict) {
				return errRetry // registered by someone else meanwhile: join it instead
			} else if err != nil {
				return err
			}
			created = true
			// Window and hotline cases filed before the enterprise was
			// registered belong to it now; only verified members see them.
			if _, err := tx.AttachCases(0, ent.ID, ent.CreditCode); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		if m.EnterpriseID != 0 && m.EnterpriseID != ent.ID {
			if err := s.leave(tx, m); err != nil {
				return err
			}
		}
		if m.EnterpriseID != ent.ID {
			m.EnterpriseID, m.Role, m.Verified, m.VerifiedVia, m.VerifiedAt = ent.ID, RoleMember, false, "", nil
		}
		if !m.Verified {
			via, err := s.verifyBy(tx, m, ent, in.InviteCode, now)
			if err != nil {
				return err
			}
			if via != "" {
				if _, err := tx.AttachCases(m.ID, ent.ID, ent.CreditCode); err != nil {
					return err
				}
			}
		}
		if !created {
			if err := s.updateProfile(tx, m, ent, in, now); err != nil {
				return err
			}
		}
		if in.MemberName != "" {
			m.Name = in.MemberName
		}
		m.UpdatedAt = now
		if err := tx.SaveMember(m); err != nil {
			return err
		}
		p = Profile{Member: m, Enterprise: ent}
		return tx.Audit(s.record(ctx, m.Viewer().Actor, "member.bind", "enterprise", ent.ID,
			"role="+m.Role+" verified="+boolText(m.Verified)+" via="+m.VerifiedVia))
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// leave takes the member out of their current enterprise. An administrator
// may leave only when no other verified member depends on them.
func (s *Service) leave(tx Tx, m *Member) error {
	if m.Role == RoleAdmin {
		n, err := tx.OtherVerifiedMembers(m.EnterpriseID, m.ID)
		if err != nil {
			return err
		}
		if n > 0 {
			return errs.E(errs.Conflict, "您是原企业的管理员，企业还有其他成员，不能直接更换企业；请到阳光代办专窗办理")
		}
		if err := tx.ReleaseAdmin(m.EnterpriseID, m.ID); err != nil {
			return err
		}
	}
	m.EnterpriseID, m.Role, m.Verified, m.VerifiedVia, m.VerifiedAt = 0, "", false, "", nil
	return nil
}

// verifyBy verifies m in ent with a valid invitation of its verified
// administrator and returns how ("" when m stays unverified). Registering a
// credit code, first or not, never verifies: that would show the
// enterprise's cases to whoever typed a public number first.
func (s *Service) verifyBy(tx Tx, m *Member, ent *Enterprise, invite string, now time.Time) (string, error) {
	if invite == "" {
		return "", nil
	}
	used, err := tx.RedeemInvite(hashCode(invite), ent.ID, m.ID, now)
	if err != nil {
		return "", err
	}
	if !used {
		return "", errs.FieldErrors(map[string]string{"invite_code": "邀请码无效、已使用或已过期，请向企业管理员重新获取"})
	}
	m.Verified, m.VerifiedVia, m.VerifiedAt = true, ViaInvite, &now
	return ViaInvite, nil
}

// updateProfile applies the enterprise fields: the administrator's change
// them; an unverified claimant's are ignored (the registered profile stands);
// a verified member who is not the administrator may not change them.
func (s *Service) updateProfile(tx Tx, m *Member, ent *Enterprise, in BindInput, now time.Time) error {
	changed := in.Name != "" && in.Name != ent.Name || in.Address != "" && in.Address != ent.Address ||
		in.Nature != "" && in.Nature != ent.Nature
	if !changed {
		return nil
	}
	switch {
	case m.Verified && m.Role == RoleAdmin:
	case m.Verified:
		return errs.E(errs.Forbidden, "只有企业管理员可以修改企业信息")
	default:
		return nil
	}
	for _, f := range []struct {
		dst *string
		v   string
	}{{&ent.Name, in.Name}, {&ent.Address, in.Address}, {&ent.Nature, in.Nature}} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
	ent.UpdatedAt = now
	return tx.UpdateEnterprise(ent)
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
