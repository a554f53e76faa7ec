package members

import (
	"context"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/session"
)

// LoginByScan starts a browser session for a member who confirmed a portal
// scan-to-login ticket in the mini-program (app/scanlogin). data is kept in
// the server-side session (the portal keeps its CSRF token there). Errors:
// unauthenticated (no such member), unavailable.
func (s *Service) LoginByScan(ctx context.Context, memberID int64, data map[string]any) (*LoginResult, error) {
	m, err := s.d.Store.Member(ctx, memberID)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.E(errs.Unauthenticated, "登录已失效，请重新扫码")
	}
	if err != nil {
		return nil, err
	}
	token, sess, err := s.d.Sessions.Create(ctx, session.Member, m.ID, string(casework.RoleEnterprise), data)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, m.Viewer().Actor, "member.login", "member", m.ID, audit.OK, "scan")
	p, err := s.Profile(ctx, m)
	if err != nil {
		return nil, err
	}
	return &LoginResult{Token: token, ExpiresAt: sess.ExpiresAt(s.d.Sessions.Policy(session.Member)), Profile: p}, nil
}

// AuthenticateSession is Authenticate that also returns the session, for a
// browser surface that keeps data (its CSRF token) in it.
func (s *Service) AuthenticateSession(ctx context.Context, token string) (*Member, *session.Session, error) {
	sess, err := s.d.Sessions.Get(ctx, session.Member, token)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.d.Store.Member(ctx, sess.SubjectID)
	if errs.Is(err, errs.NotFound) {
		return nil, nil, errs.E(errs.Unauthenticated, "登录已失效，请重新登录")
	}
	if err != nil {
		return nil, nil, err
	}
	return m, sess, nil
}
