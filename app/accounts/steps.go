package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// The steps a login may still need after the password. A browser page and
// the JSON API drive them with the same calls: Login answers the first
// step and a challenge; each step's call answers the next one or, after the
// last, the session.
const (
	StepTOTP     = "totp"     // VerifySecondFactor: a code from the app or a recovery code
	StepEnrol    = "enrol"    // EnrolChallenge, then ConfirmEnrolChallenge with a first code
	StepPassword = "password" // SetExpiredPassword: a new password after an admin's reset
)

// challengeTTL is how long a login may take between its steps.
const challengeTTL = 10 * time.Minute

// challenge is a login between its steps, kept in Redis under the hash of
// its token (the token itself is the client's only).
type challenge struct {
	UserID int64    `json:"uid"`
	Role   string   `json:"role"`
	Steps  []string `json:"steps"`
}

func challengeKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return "login:challenge:" + hex.EncodeToString(h[:])
}

// stepsAfterPassword lists what a login still needs once the password is
// right: the second factor first (whoever enrolled gives a code; whoever
// the policy requires and has not enrolled enrols now), then the password
// change an admin's reset demands — so that an admin who set the password
// cannot also pass the second factor.
func (s *Service) stepsAfterPassword(u *Staff) []string {
	var steps []string
	switch {
	case u.TOTPEnabled():
		steps = append(steps, StepTOTP)
	case s.policy.Required(u.Role):
		steps = append(steps, StepEnrol)
	}
	if u.MustChangePassword {
		steps = append(steps, StepPassword)
	}
	return steps
}

// startChallenge answers a right password with the first remaining step.
func (s *Service) startChallenge(ctx context.Context, u *Staff, steps []string, ip string) (*LoginResult, error) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	raw, _ := json.Marshal(challenge{UserID: u.ID, Role: string(u.Role), Steps: steps})
	if err := s.kv.Set(ctx, challengeKey(token), raw, challengeTTL).Err(); err != nil {
		return nil, unavailable(err)
	}
	s.stepAudit(ctx, u, ip, "password accepted; next: "+strings.Join(steps, ","))
	return &LoginResult{Next: steps[0], Challenge: token, User: u}, nil
}

func (s *Service) stepAudit(ctx context.Context, u *Staff, ip, detail string) {
	r := &audit.Record{Action: "staff.login.step", ObjectType: "staff_user", IP: ip, Result: audit.OK, Detail: detail}
	a := u.Actor()
	r.ActorID, r.ActorRole, r.ActorName, r.ObjectID = a.ID, string(a.Role), a.Name, strconv.FormatInt(a.ID, 10)
	audit.Fill(ctx, r, s.now())
	if err := s.audit.Append(ctx, r); err != nil {
		s.log.Error("audit write failed", "action", r.Action, "err", err)
	}
}

// loadChallenge returns a live challenge whose current step is step and
// its account, still enabled, with the same role and not locked. Errors:
// unauthenticated (expired or unknown), invalid (another step is due),
// forbidden (disabled), account_locked, unavailable.
func (s *Service) loadChallenge(ctx context.Context, token, step string) (*challenge, *Staff, error) {
	expired := errs.E(errs.Unauthenticated, "登录已超时，请重新输入用户名和密码")
	if token == "" {
		return nil, nil, expired
	}
	raw, err := s.kv.Get(ctx, challengeKey(token)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil, expired
	}
	if err != nil {
		return nil, nil, unavailable(err)
	}
	var c challenge
	if json.Unmarshal(raw, &c) != nil || len(c.Steps) == 0 {
		return nil, nil, expired
	}
	if c.Steps[0] != step {
		return nil, nil, errs.Ef(errs.Invalid, "当前登录步骤是 %s", c.Steps[0])
	}
	u, err := s.store.StaffByID(ctx, c.UserID)
	switch {
	case errs.Is(err, errs.NotFound):
		return nil, nil, expired
	case err != nil:
		return nil, nil, err
	case u.Disabled:
		return nil, nil, errs.E(errs.Forbidden, "账号已停用，请联系系统管理员")
	case string(u.Role) != c.Role:
		return nil, nil, expired
	}
	if until, err := s.throttle.lockedUntil(ctx, accountKey(u.Username), s.now()); err != nil {
		return nil, nil, err
	} else if !until.IsZero() {
		return nil, nil, lockedError(until, s.now())
	}
	return &c, u, nil
}

// advance moves the login past its current step: to the next step, or —
// after the last — to a session. The challenge is spent by whoever deletes
// it first, so two concurrent finishes get one session.
func (s *Service) advance(ctx context.Context, token string, c *challenge, u *Staff, ip string) (*LoginResult, error) {
	done := c.Steps[0]
	c.Steps = c.Steps[1:]
	if len(c.Steps) > 0 {
		raw, _ := json.Marshal(c)
		if err := s.kv.SetArgs(ctx, challengeKey(token), raw, redis.SetArgs{KeepTTL: true, Mode: "XX"}).Err(); err != nil {
			if errors.Is(err, redis.Nil) {
				return nil, errs.E(errs.Unauthenticated, "登录已超时，请重新输入用户名和密码")
			}
			return nil, unavailable(err)
		}
		s.stepAudit(ctx, u, ip, done+" passed; next: "+strings.Join(c.Steps, ","))
		return &LoginResult{Next: c.Steps[0], Challenge: token, User: u}, nil
	}
	n, err := s.kv.Del(ctx, challengeKey(token)).Result()
	if err != nil {
		return nil, unavailable(err)
	}
	if n == 0 {
		return nil, errs.E(errs.Unauthenticated, "登录已超时，请重新输入用户名和密码")
	}
	return s.startSession(ctx, u, ip, done)
}

// SecondFactorInput is the second step of a login: a code from the
// authenticator app, or one of the recovery codes.
type SecondFactorInput struct {
	Challenge    string
	Code         string
	RecoveryCode string
	IP           string
}

// VerifySecondFactor checks the code (or spends a recovery code) of a login
// at StepTOTP. A wrong code counts like a wrong password. Errors:
// unprocessable (neither given), unauthenticated, invalid, account_locked,
// forbidden, unavailable.
func (s *Service) VerifySecondFactor(ctx context.Context, in SecondFactorInput) (*LoginResult, error) {
	if strings.TrimSpace(in.Code) == "" && strings.TrimSpace(in.RecoveryCode) == "" {
		return nil, errs.FieldErrors(map[string]string{"code": "请填写验证器中的6位验证码或一个恢复码"})
	}
	c, u, err := s.loadChallenge(ctx, in.Challenge, StepTOTP)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.RecoveryCode) != "" {
		if err := s.checkRecoveryCode(ctx, u, in.RecoveryCode, in.IP); err != nil {
			return nil, err
		}
	} else {
		secret, err := s.box.open(u.ID, u.TOTPSecret)
		if err != nil {
			return nil, errs.Wrap(errs.Internal, "读取第二因素失败", err)
		}
		if err := s.checkCode(ctx, u, secret, in.Code, in.IP); err != nil {
			return nil, err
		}
	}
	return s.advance(ctx, in.Challenge, c, u, in.IP)
}

// EnrolChallenge returns the enrolment (secret, otpauth:// URL, QR PNG) of
// a login at StepEnrol. Errors: unauthenticated, invalid, account_locked,
// forbidden, unavailable.
func (s *Service) EnrolChallenge(ctx context.Context, token string) (*Enrolment, error) {
	_, u, err := s.loadChallenge(ctx, token, StepEnrol)
	if err != nil {
		return nil, err
	}
	return s.startEnrolment(ctx, u)
}

// ConfirmEnrolChallenge confirms the enrolment of a login at StepEnrol
// with a first code; the result carries the recovery codes (shown once).
// Errors: as VerifySecondFactor.
func (s *Service) ConfirmEnrolChallenge(ctx context.Context, token, code, ip string) (*LoginResult, error) {
	if strings.TrimSpace(code) == "" {
		return nil, errs.FieldErrors(map[string]string{"code": "请填写验证器中的6位验证码"})
	}
	c, u, err := s.loadChallenge(ctx, token, StepEnrol)
	if err != nil {
		return nil, err
	}
	codes, err := s.confirmEnrolment(ctx, u, code, ip)
	if err != nil {
		return nil, err
	}
	res, err := s.advance(ctx, token, c, u, ip)
	if err != nil {
		return nil, err
	}
	res.RecoveryCodes = codes
	return res, nil
}

// SetExpiredPassword sets the new password a login at StepPassword needs.
// Errors: unprocessable (weak, or the same as before), and as
// VerifySecondFactor.
func (s *Service) SetExpiredPassword(ctx context.Context, token, password, ip string) (*LoginResult, error) {
	c, u, err := s.loadChallenge(ctx, token, StepPassword)
	if err != nil {
		return nil, err
	}
	if err := s.setPassword(ctx, u, password); err != nil {
		return nil, err
	}
	return s.advance(ctx, token, c, u, ip)
}

// setPassword validates and stores a new own password and clears the
// must-change mark.
func (s *Service) setPassword(ctx context.Context, u *Staff, password string) error {
	if msg := PasswordProblem(password); msg != "" {
		return errs.FieldErrors(map[string]string{"new_password": msg})
	}
	if strings.Contains(strings.ToLower(password), strings.ToLower(u.Username)) {
		return errs.FieldErrors(map[string]string{"new_password": "密码不能包含用户名"}) // #nosec G101 -- a field name and its message, no credential
	}
	if CheckPassword(u.PasswordHash, password) {
		return errs.FieldErrors(map[string]string{"new_password": "新密码不能与原密码相同"}) // #nosec G101 -- a field name and its message, no credential
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.cost)
	if err != nil {
		return errs.Wrap(errs.Internal, "密码处理失败", err)
	}
	u.PasswordHash, u.MustChangePassword = string(hash), false
	if err := s.store.UpdateStaff(ctx, u, "password_hash", "must_change_password"); err != nil {
		return err
	}
	s.record(ctx, u.Actor(), "staff.password.change", u.ID, audit.OK, "")
	return nil
}

// ChangePassword changes the caller's own password; the current one is
// required (a wrong one counts like a failed login). Every session of the
// account ends, this one too: the client logs in again. Errors:
// unprocessable, unauthenticated (wrong current password), account_locked,
// unavailable.
func (s *Service) ChangePassword(ctx context.Context, by *Staff, current, password string) error {
	ip := audit.RequestFrom(ctx).IP
	if current == "" {
		return errs.FieldErrors(map[string]string{"current_password": "请填写当前密码"}) // #nosec G101 -- a field name and its message, no credential
	}
	if until, err := s.throttle.lockedUntil(ctx, accountKey(by.Username), s.now()); err != nil {
		return err
	} else if !until.IsZero() {
		return lockedError(until, s.now())
	}
	if !CheckPassword(by.PasswordHash, current) {
		s.record(ctx, by.Actor(), "staff.password.change", by.ID, audit.Failed, "wrong current password")
		if until, err := s.throttle.fail(ctx, accountKey(by.Username), ip, s.now()); err != nil {
			return err
		} else if !until.IsZero() {
			s.endAll(ctx, by.ID)
			return lockedError(until, s.now())
		}
		return &errs.Error{Code: errs.Unauthenticated, Message: "当前密码不正确",
			Fields: map[string]string{"current_password": "当前密码不正确"}} // #nosec G101 -- a field name and its message, no credential
	}
	if err := s.setPassword(ctx, by, password); err != nil {
		return err
	}
	s.endAll(ctx, by.ID)
	return nil
}

// StartEnrolment begins the enrolment of a second factor by a logged-in
// staff member who has none (those the policy requires enrol at login).
// Errors: conflict (already enrolled), unavailable.
func (s *Service) StartEnrolment(ctx context.Context, by *Staff) (*Enrolment, error) {
	if by.TOTPEnabled() {
		return nil, errs.E(errs.Conflict, "已绑定验证器；如需更换，请联系系统管理员重置")
	}
	return s.startEnrolment(ctx, by)
}

// ConfirmEnrolment confirms a logged-in staff member's enrolment with a
// first code and returns the recovery codes (shown once). Errors: conflict
// (already enrolled), invalid, unauthenticated, account_locked, unavailable.
func (s *Service) ConfirmEnrolment(ctx context.Context, by *Staff, code string) ([]string, error) {
	if by.TOTPEnabled() {
		return nil, errs.E(errs.Conflict, "已绑定验证器")
	}
	if strings.TrimSpace(code) == "" {
		return nil, errs.FieldErrors(map[string]string{"code": "请填写验证器中的6位验证码"})
	}
	return s.confirmEnrolment(ctx, by, code, audit.RequestFrom(ctx).IP)
}

// ResetSecondFactor removes an account's second factor and recovery codes
// (a lost phone) and ends its sessions; the next login enrols again when
// the policy requires it (admin only; not for the auditor's or one's own
// account: the auditor's is reset at the command line, so that an admin
// cannot take over the account that watches the admins). Errors:
// forbidden, not_found, conflict, unavailable.
func (s *Service) ResetSecondFactor(ctx context.Context, by casework.Actor, id int64) error {
	if err := s.requireAdmin(ctx, by, "staff.totp.reset", id); err != nil {
		return err
	}
	if id == by.ID {
		return errs.E(errs.Conflict, "不能重置自己的验证器")
	}
	u, err := s.store.StaffByID(ctx, id)
	if err != nil {
		return err
	}
	if u.Role == casework.RoleAuditor {
		s.record(ctx, by, "staff.totp.reset", id, audit.Denied, "auditor account")
		return errs.E(errs.Forbidden, "安全审计员的账号只能在服务器命令行管理")
	}
	if err := s.clearSecondFactor(ctx, u); err != nil {
		return err
	}
	s.endAll(ctx, id)
	s.record(ctx, by, "staff.totp.reset", id, audit.OK, "")
	return nil
}

func (s *Service) clearSecondFactor(ctx context.Context, u *Staff) error {
	u.TOTPSecret, u.TOTPEnabledAt = "", nil
	if err := s.store.UpdateStaff(ctx, u, "totp_secret", "totp_enabled_at"); err != nil {
		return err
	}
	return s.codes.ReplaceRecoveryCodes(ctx, u.ID, nil, s.now())
}
