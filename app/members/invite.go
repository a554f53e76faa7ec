package members

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// InviteTTL is how long an invitation code stays valid; each is single-use.
const InviteTTL = 7 * 24 * time.Hour

// InviteLimit is how many invitation codes an administrator may create per hour.
const InviteLimit = 20

// inviteAlphabet leaves out characters that are easily misread (0/O, 1/I/L).
const inviteAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

func validInviteCode(s string) bool {
	if len(s) != 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(inviteAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

func hashCode(code string) string {
	h := sha256.Sum256([]byte("sunshine-invite:" + code))
	return hex.EncodeToString(h[:])
}

func newInviteCode() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = inviteAlphabet[int(b[i])%len(inviteAlphabet)]
	}
	return string(b), nil
}

// Invitation is a new invitation code, shown once to the administrator.
type Invitation struct {
	Code      string
	ExpiresAt time.Time
}

// Invite creates a single-use invitation code for the administrator's
// enterprise, valid for InviteTTL. Errors: forbidden (not the verified
// administrator), too_many.
func (s *Service) Invite(ctx context.Context, m *Member) (*Invitation, error) {
	if m.EnterpriseID == 0 || !m.Verified || m.Role != RoleAdmin {
		return nil, errs.E(errs.Forbidden, "只有企业管理员可以生成邀请码")
	}
	now := s.d.Now().UTC()
	ok, err := s.allow(ctx, s.d.KeyPrefix+"invite:"+itoa(m.ID), InviteLimit, time.Hour, now)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errs.E(errs.TooMany, "邀请码生成过于频繁，请稍后再试")
	}
	code, err := newInviteCode()
	if err != nil {
		return nil, errs.Wrap(errs.Internal, "无法生成邀请码", err)
	}
	inv := &Invite{CodeHash: hashCode(code), EnterpriseID: m.EnterpriseID, CreatedBy: m.ID,
		ExpiresAt: now.Add(InviteTTL), CreatedAt: now}
	err = s.d.Store.InTx(ctx, func(tx Tx) error {
		if err := tx.AddInvite(inv); err != nil {
			return err
		}
		return tx.Audit(s.record(ctx, m.Viewer().Actor, "member.invite", "enterprise", m.EnterpriseID, ""))
	})
	if err != nil {
		return nil, err
	}
	return &Invitation{Code: code, ExpiresAt: inv.ExpiresAt}, nil
}

// mayManage reports whether a staff actor may see and verify members.
func mayManage(a casework.Actor) bool {
	return a.Role == casework.RoleClerk || a.Role == casework.RoleHead
}

// Verify records that a clerk checked the member's papers at the window
// (营业执照 and 授权委托书 seen in person, no uploads): the member becomes a
// verified member (the administrator, if the enterprise has none) and the
// enterprise's window and hotline cases, and the member's own, are filed
// under it. A pending claim of the member is approved with it; otherwise an
// approved window claim records the decision. The note says what was seen.
// Verifying twice is harmless. Errors: forbidden (not a clerk or head),
// not_found, conflict (the member has bound no enterprise), unprocessable
// (note missing).
func (s *Service) Verify(ctx context.Context, staff casework.Actor, memberID int64, note string) (*Profile, error) {
	if !mayManage(staff) {
		s.audit(ctx, staff, "member.verify", "member", memberID, audit.Denied, "")
		return nil, errs.E(errs.Forbidden, "只有窗口工作人员或中心负责人可以核验企业用户")
	}
	note = strings.TrimSpace(note)
	if err := checkNote(note, true, "note"); err != nil {
		return nil, errs.FieldErrors(map[string]string{"note": "请注明现场核验的材料（如营业执照原件、授权委托书）"})
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
			return errs.E(errs.Conflict, "该用户尚未登记所属企业，请先在小程序中填写统一社会信用代码")
		}
		ent, err := tx.Enterprise(m.EnterpriseID)
		if err != nil {
			return err
		}
		p = Profile{Member: m, Enterprise: ent}
		if m.Verified {
			return nil
		}
		c, err := tx.PendingClaim(m.ID)
		if err != nil {
			return err
		}
		if c == nil {
			c = &Claim{EnterpriseID: ent.ID, MemberID: m.ID, Status: ClaimPending, Basis: BasisWindow, CreatedAt: now}
			if err := tx.CreateClaim(c, nil); err != nil {
				return err
			}
		}
		c.Status, c.Note, c.ReviewerID, c.ReviewerName, c.ReviewedAt, c.UpdatedAt = ClaimApproved, note, staff.ID, staff.Name, &now, now
		if err := tx.SaveClaimDecision(c); err != nil {
			return err
		}
		if err := s.verifyIn(tx, m, ent, ViaWindow, now); err != nil {
			return err
		}
		if err := s.notice(tx, Notice{Event: NoticeClaimApproved, MemberID: m.ID, ClaimID: c.ID, EnterpriseName: ent.Name,
			CreditCode: ent.CreditCode, Note: note, At: now}); err != nil {
			return err
		}
		return tx.Audit(s.record(ctx, staff, "member.verify", "member", m.ID, "enterprise="+itoa(ent.ID)+" claim="+itoa(c.ID)))
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// List returns members for the window (clerk, head), newest first.
// Errors: forbidden.
func (s *Service) List(ctx context.Context, staff casework.Actor, f Filter) ([]Profile, error) {
	if !mayManage(staff) {
		return nil, errs.E(errs.Forbidden, "只有窗口工作人员或中心负责人可以查看企业用户")
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 20
	}
	return s.d.Store.ListMembers(ctx, f)
}

func (s *Service) record(ctx context.Context, a casework.Actor, action, objType string, id int64, detail string) *audit.Record {
	r := &audit.Record{ActorID: a.ID, ActorRole: string(a.Role), ActorName: a.Name, Action: action,
		ObjectType: objType, ObjectID: itoa(id), Detail: detail}
	audit.Fill(ctx, r, s.d.Now())
	return r
}
