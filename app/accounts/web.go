package accounts

import (
	"context"

	"sunshine/app/errs"
	"sunshine/app/session"
)

// AuthenticateSession is Authenticate that also returns the session, for a
// browser surface that keeps data (its CSRF token) in it. The same checks:
// a disabled account or a changed role ends every session of the user.
// Errors: unauthenticated, unavailable.
func (s *Service) AuthenticateSession(ctx context.Context, token string) (*Staff, *session.Session, error) {
	sess, err := s.sessions.Get(ctx, session.Staff, token)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.store.StaffByID(ctx, sess.SubjectID)
	switch {
	case errs.Is(err, errs.NotFound):
		s.endAll(ctx, sess.SubjectID)
		return nil, nil, errs.E(errs.Unauthenticated, "登录已失效，请重新登录")
	case err != nil:
		return nil, nil, err
	case u.Disabled:
		s.endAll(ctx, u.ID)
		return nil, nil, errs.E(errs.Unauthenticated, "账号已停用，请联系系统管理员")
	case string(u.Role) != sess.Role:
		s.endAll(ctx, u.ID)
		return nil, nil, errs.E(errs.Unauthenticated, "账号权限已变更，请重新登录")
	}
	return u, sess, nil
}

// AttachSessionData stores data in the session of token (a browser
// surface's CSRF token, right after Login). Errors: unauthenticated,
// unavailable.
func (s *Service) AttachSessionData(ctx context.Context, token string, data map[string]any) error {
	return s.sessions.SetData(ctx, session.Staff, token, data)
}
