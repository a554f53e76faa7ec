package accounts

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"sunshine/app/audit"
	"sunshine/app/errs"
	"sunshine/app/session"
)

// LoginInput is a password login attempt.
type LoginInput struct {
	Username string
	Password string
	IP       string // the client address, for the per-address limit and the audit
}

// LoginResult is either a session — the token (shown once), when the
// session ends if left idle, and the user — or, when Next is set, the step
// the login still needs (StepTOTP, StepEnrol or StepPassword) and the
// challenge that carries the login to it. RecoveryCodes are set once, by
// the step that confirms an enrolment.
type LoginResult struct {
	Token         string
	ExpiresAt     time.Time
	User          *Staff
	Next          string
	Challenge     string
	RecoveryCodes []string
}

// badCredentials is the one answer for an unknown user and a wrong
// password, so that the answer does not tell which usernames exist.
func badCredentials() error { return errs.E(errs.Unauthenticated, "用户名或密码错误") }

var (
	dummyOnce sync.Once
	dummyHash string
)

// compareDummy spends the time of a real bcrypt comparison for an unknown
// user, so that timing does not tell either.
func compareDummy(password string) {
	dummyOnce.Do(func() { dummyHash, _ = HashPassword("dummy-password-0") })
	CheckPassword(dummyHash, password)
}

// Login checks a username and password and starts a session. Five failures
// on one account within 15 minutes lock it for 30 minutes (the failure that
// locks it already answers account_locked); 20 failures from one address
// within 15 minutes block the address. Unknown users count like known ones.
// Attempts still comparing when the account gets locked answer
// account_locked too, whatever their password.
// Errors: unprocessable (empty fields), unauthenticated (bad credentials),
// account_locked, too_many (address), forbidden (account disabled),
// unavailable.
func (s *Service) Login(ctx context.Context, in LoginInput) (*LoginResult, error) {
	in.Username = strings.TrimSpace(in.Username)
	bad := map[string]string{}
	if in.Username == "" {
		bad["username"] = "请填写用户名"
	}
	if in.Password == "" {
		bad["password"] = "请填写密码"
	}
	if err := errs.FieldErrors(bad); err != nil {
		return nil, err
	}
	now := s.now()
	acct := accountKey(in.Username)
	if blocked, err := s.throttle.ipBlocked(ctx, in.IP, now); err != nil {
		return nil, err
	} else if blocked {
		s.loginAudit(ctx, nil, in.IP, audit.Denied, "address throttled")
		s.log.Warn("login refused: address throttled", "ip", in.IP)
		return nil, errs.E(errs.TooMany, "该地址登录失败次数过多，请15分钟后再试")
	}
	if until, err := s.throttle.lockedUntil(ctx, acct, now); err != nil {
		return nil, err
	} else if !until.IsZero() {
		u, _ := s.store.StaffByUsername(ctx, in.Username) // only to name the target in the audit
		s.loginAudit(ctx, u, in.IP, audit.Denied, "account locked")
		return nil, lockedError(until, now)
	}

	u, err := s.store.StaffByUsername(ctx, in.Username)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	if u == nil {
		compareDummy(in.Password)
	}
	if u == nil || !CheckPassword(u.PasswordHash, in.Password) {
		detail := "wrong password"
		if u == nil {
			detail = "unknown user"
		}
		s.loginAudit(ctx, u, in.IP, audit.Failed, detail)
		until, err := s.throttle.fail(ctx, acct, in.IP, now)
		if err != nil {
			return nil, err
		}
		if !until.IsZero() {
			s.loginAudit(ctx, u, in.IP, audit.Denied, "account locked after repeated failures")
			s.log.Warn("account locked after failed logins", "user_id", userID(u), "ip", in.IP)
			return nil, lockedError(until, now)
		}
		if err := s.lockedMeanwhile(ctx, u, acct, in.IP, now); err != nil {
			return nil, err
		}
		return nil, badCredentials()
	}
	if err := s.lockedMeanwhile(ctx, u, acct, in.IP, now); err != nil {
		return nil, err
	}
	if u.Disabled {
		s.loginAudit(ctx, u, in.IP, audit.Denied, "account disabled")
		return nil, errs.E(errs.Forbidden, "账号已停用，请联系系统管理员")
	}
	if steps := s.stepsAfterPassword(u); len(steps) > 0 {
		// The failure count stays until the whole login succeeds: otherwise
		// the right password would buy fresh guesses at the code.
		return s.startChallenge(ctx, u, steps, in.IP)
	}
	return s.startSession(ctx, u, in.IP, "")
}

// startSession ends a successful login: the account's failures are
// forgotten and a session starts.
func (s *Service) startSession(ctx context.Context, u *Staff, ip, detail string) (*LoginResult, error) {
	s.throttle.succeed(ctx, accountKey(u.Username))
	token, sess, err := s.sessions.Create(ctx, session.Staff, u.ID, string(u.Role), nil)
	if err != nil {
		return nil, err
	}
	s.loginAudit(ctx, u, ip, audit.OK, detail)
	s.log.Info("staff login", "user_id", u.ID, "role", string(u.Role), "ip", ip)
	return &LoginResult{Token: token, ExpiresAt: sess.ExpiresAt(s.sessions.Policy(session.Staff)), User: u}, nil
}

// lockedMeanwhile checks the lock again once the password has been
// compared: attempts sent at once all pass the first check before any of
// them is counted, and without this second look each would learn whether
// its password was right although failures that finished meanwhile had
// locked the account. Errors: account_locked, unavailable.
func (s *Service) lockedMeanwhile(ctx context.Context, u *Staff, acct, ip string, now time.Time) error {
	until, err := s.throttle.lockedUntil(ctx, acct, now)
	if err != nil {
		return err
	}
	if until.IsZero() {
		return nil
	}
	s.loginAudit(ctx, u, ip, audit.Denied, "account locked")
	return lockedError(until, now)
}

func userID(u *Staff) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}

// loginAudit records a login attempt. An unknown username is not recorded:
// people type passwords into the username field.
func (s *Service) loginAudit(ctx context.Context, u *Staff, ip, result, detail string) {
	r := &audit.Record{Action: "staff.login", ObjectType: "staff_user", IP: ip, Result: result, Detail: detail}
	if u != nil {
		a := u.Actor()
		r.ActorID, r.ActorRole, r.ActorName, r.ObjectID = a.ID, string(a.Role), a.Name, strconv.FormatInt(a.ID, 10)
	}
	audit.Fill(ctx, r, s.now())
	if err := s.audit.Append(ctx, r); err != nil {
		s.log.Error("audit write failed", "action", r.Action, "err", err)
	}
}
