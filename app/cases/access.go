package cases

import (
	"context"
	"strconv"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// notFound is what a viewer gets for a case they may not see: the same
// answer as for a case that does not exist, so ids reveal nothing.
func notFound() error { return errs.E(errs.NotFound, "案件不存在") }

// archivePool reports whether a case that was never assigned is in the
// specialists' shared archiving pool: rejected and withdrawn applications
// are archived by a specialist (资料归档) although none served them.
func archivePool(s casework.Status) bool { return casework.AwaitingArchive(s) }

// mayReadCases refuses roles that never see case content.
func (s *Service) mayReadCases(ctx context.Context, v Viewer) error {
	switch v.Role {
	case casework.RoleEnterprise, casework.RoleClerk, casework.RoleSpecialist, casework.RoleHead, casework.RoleLiaison:
		return nil
	}
	return s.deny(ctx, v, "case.read", "", "当前角色无权查看案件内容")
}

// visible is the object-level rule: who may see which case.
func (s *Service) visible(ctx context.Context, v Viewer, c *casework.Case) error {
	ok := false
	switch v.Role {
	case casework.RoleClerk, casework.RoleHead:
		ok = true
	case casework.RoleSpecialist:
		ok = c.SpecialistID == v.ID || (c.SpecialistID == 0 && archivePool(c.Status))
	case casework.RoleEnterprise:
		ok = (c.SubmitterID != 0 && c.SubmitterID == v.ID) ||
			(v.Verified && v.EnterpriseID != 0 && c.EnterpriseID == v.EnterpriseID)
	case casework.RoleLiaison:
		has, err := s.store.HasMatterFor(ctx, c.ID, v.Department)
		if err != nil {
			return err
		}
		ok = has && v.Department != ""
	}
	if !ok {
		s.auditOutside(ctx, v, "case.read", c.ID, audit.Denied, "not visible")
		return notFound()
	}
	return nil
}

// CanSee reports whether the viewer may see the case (for other services,
// such as attachments and matters). Errors: not_found, forbidden.
func (s *Service) CanSee(ctx context.Context, v Viewer, id int64) (*casework.Case, error) {
	if err := s.mayReadCases(ctx, v); err != nil {
		return nil, err
	}
	c, err := s.store.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	return c, s.visible(ctx, v, c)
}

// ScopeFilter narrows a list filter to what the viewer may see. With
// f.Mine a specialist gets only the cases assigned to them (not the shared
// archiving pool) and other staff the cases they acted on (intake, review,
// assignment, records …). Errors: forbidden for roles without case access.
func (s *Service) ScopeFilter(ctx context.Context, v Viewer, f Filter) (Filter, error) {
	if err := s.mayReadCases(ctx, v); err != nil {
		return f, err
	}
	if f.Mine && v.Role != casework.RoleSpecialist && v.Role != casework.RoleEnterprise {
		f.ActorID, f.ActorRole = v.ID, v.Role
	}
	switch v.Role {
	case casework.RoleSpecialist:
		f.SpecialistID, f.SpecialistPool = v.ID, !f.Mine
	case casework.RoleLiaison:
		f.Department = v.Department
		if v.Department == "" {
			f.Department = "\x00none"
		}
	case casework.RoleEnterprise:
		f.SubmitterID = v.ID
		f.EnterpriseID, f.OwnOnly = v.EnterpriseID, !v.Verified || v.EnterpriseID == 0
	}
	return f, nil
}

// List returns one page of the cases the viewer may see, newest first.
func (s *Service) List(ctx context.Context, v Viewer, f Filter) ([]casework.Case, error) {
	f, err := s.ScopeFilter(ctx, v, f)
	if err != nil {
		return nil, err
	}
	// 101: a page of 100 plus one row that tells whether another follows.
	if f.Limit <= 0 || f.Limit > 101 {
		f.Limit = 20
	}
	f.Today = casework.DateOf(s.now())
	return s.store.ListCases(ctx, f)
}

func (s *Service) deny(ctx context.Context, v Viewer, action, object, msg string) error {
	s.auditOutsideRaw(ctx, v, action, object, audit.Denied, msg)
	return errs.E(errs.Forbidden, msg)
}

func (s *Service) record(ctx context.Context, v Viewer, action string, id int64, result, detail string) *audit.Record {
	r := &audit.Record{ActorID: v.ID, ActorRole: string(v.Role), ActorName: v.Name, Action: action,
		ObjectType: "case", ObjectID: strconv.FormatInt(id, 10), Result: result, Detail: detail}
	audit.Fill(ctx, r, s.now())
	return r
}

// auditOutside records a denial in its own short transaction.
func (s *Service) auditOutside(ctx context.Context, v Viewer, action string, id int64, result, detail string) {
	s.auditOutsideRaw(ctx, v, action, strconv.FormatInt(id, 10), result, detail)
}

func (s *Service) auditOutsideRaw(ctx context.Context, v Viewer, action, object, result, detail string) {
	r := &audit.Record{ActorID: v.ID, ActorRole: string(v.Role), ActorName: v.Name, Action: action,
		ObjectType: "case", ObjectID: object, Result: result, Detail: detail}
	audit.Fill(ctx, r, s.now())
	if err := s.store.InTx(ctx, func(tx Tx) error { return tx.Audit(r) }); err != nil {
		s.log.Error("audit write failed", "err", err, "action", action)
	}
}
