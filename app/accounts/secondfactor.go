package accounts

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"image/png"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/redis/go-redis/v9"

	"sunshine/app/casework"
	"sunshine/app/errs"
)

// TwoFactorPolicy says who must log in with a second factor
// (SUNSHINE_STAFF_2FA). Whoever has enrolled gives their code whatever the
// policy.
type TwoFactorPolicy string

// The policies. The zero value is Off: the configuration decides
// (privileged in production, off in development).
const (
	TwoFactorOff        TwoFactorPolicy = "off"
	TwoFactorPrivileged TwoFactorPolicy = "privileged" // admin, auditor and head
	TwoFactorAll        TwoFactorPolicy = "all"
)

// Required reports whether the role must have a second factor.
func (p TwoFactorPolicy) Required(r casework.Role) bool {
	switch p {
	case TwoFactorAll:
		return true
	case TwoFactorPrivileged:
		return r == casework.RoleAdmin || r == casework.RoleAuditor || r == casework.RoleHead
	}
	return false
}

// RecoveryStore keeps the hashed one-time recovery codes. Implemented by
// storage (the staff store).
type RecoveryStore interface {
	// ReplaceRecoveryCodes replaces the account's codes with these hashes.
	ReplaceRecoveryCodes(ctx context.Context, staffID int64, hashes []string, now time.Time) error
	// UseRecoveryCode spends an unused code once; false if there is none.
	UseRecoveryCode(ctx context.Context, staffID int64, hash string, now time.Time) (bool, error)
}

// Issuer names the service in authenticator apps.
const Issuer = "阳光代办"

// RecoveryCodeCount is how many recovery codes an enrolment hands out.
const RecoveryCodeCount = 10

const (
	totpPeriod  = 30
	totpDigits  = otp.DigitsSix
	pendingTTL  = 15 * time.Minute
	secretPrefx = "v1:"
)

// Enrolment is a second factor being set up: the secret (base32, for typing
// in), the otpauth:// URL an authenticator app reads from the QR code, and
// the QR code as a PNG image.
type Enrolment struct {
	Secret string
	URL    string
	PNG    []byte
}

// secretBox encrypts TOTP secrets at rest (AES-256-GCM) with a key derived
// from the configured master key; the account id is the additional data,
// so a secret copied to another account does not decrypt. During a key
// rotation it also opens what the previous key sealed.
type secretBox struct{ aead, previous cipher.AEAD }

func deriveAEAD(master string) cipher.AEAD {
	mac := hmac.New(sha256.New, []byte(master))
	mac.Write([]byte("sunshine/staff-totp-secret/v1"))
	block, _ := aes.NewCipher(mac.Sum(nil)) // 32 bytes: never fails
	aead, _ := cipher.NewGCM(block)
	return aead
}

func newSecretBox(master, previous string) *secretBox {
	b := &secretBox{aead: deriveAEAD(master)}
	if previous != "" {
		b.previous = deriveAEAD(previous)
	}
	return b
}

func (b *secretBox) seal(uid int64, secret string) string {
	nonce := make([]byte, b.aead.NonceSize())
	_, _ = rand.Read(nonce)
	ct := b.aead.Seal(nonce, nonce, []byte(secret), []byte(strconv.FormatInt(uid, 10)))
	return secretPrefx + base64.StdEncoding.EncodeToString(ct)
}

func (b *secretBox) open(uid int64, sealed string) (string, error) {
	secret, _, err := b.openAny(uid, sealed)
	return secret, err
}

// openAny opens a sealed secret with the current key or, failing that, the
// previous one (stale reports the latter: it should be sealed again).
func (b *secretBox) openAny(uid int64, sealed string) (secret string, stale bool, err error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(sealed, secretPrefx))
	n := b.aead.NonceSize()
	if err != nil || len(raw) < n || !strings.HasPrefix(sealed, secretPrefx) {
		return "", false, errors.New("totp secret: bad format")
	}
	ad := []byte(strconv.FormatInt(uid, 10))
	if pt, err := b.aead.Open(nil, raw[:n], raw[n:], ad); err == nil {
		return string(pt), false, nil
	}
	if b.previous != nil {
		if pt, err := b.previous.Open(nil, raw[:n], raw[n:], ad); err == nil {
			return string(pt), true, nil
		}
	}
	return "", false, errors.New("totp secret: does not decrypt (key changed?)")
}

// RotateTOTPSecrets seals again, under key, every stored TOTP secret that
// previous sealed (part of `sunshine rotate-attachment-key`), and returns
// how many it rotated and how many still open with neither key.
func RotateTOTPSecrets(ctx context.Context, store StaffStore, key, previous string) (rotated, unreadable int, err error) {
	box := newSecretBox(key, previous)
	list, err := store.ListStaff(ctx, "")
	if err != nil {
		return 0, 0, err
	}
	for i := range list {
		u := &list[i]
		if u.TOTPSecret == "" {
			continue
		}
		secret, stale, err := box.openAny(u.ID, u.TOTPSecret)
		switch {
		case err != nil:
			unreadable++
		case stale:
			u.TOTPSecret = box.seal(u.ID, secret)
			if err := store.UpdateStaff(ctx, u, "totp_secret"); err != nil {
				return rotated, unreadable, err
			}
			rotated++
		}
	}
	return rotated, unreadable, nil
}

func pendingKey(uid int64) string { return "totp:pending:" + strconv.FormatInt(uid, 10) }

// startEnrolment returns the account's pending enrolment, creating it if
// there is none (so a reloaded page shows the same QR code). The pending
// secret waits in Redis, encrypted, until a first code confirms it.
func (s *Service) startEnrolment(ctx context.Context, u *Staff) (*Enrolment, error) {
	var secret string
	sealed, err := s.kv.Get(ctx, pendingKey(u.ID)).Result()
	switch {
	case err == nil:
		if secret, err = s.box.open(u.ID, sealed); err != nil {
			secret = ""
		}
	case !errors.Is(err, redis.Nil):
		return nil, unavailable(err)
	}
	var key *otp.Key
	if secret == "" {
		key, err = totp.Generate(totp.GenerateOpts{Issuer: Issuer, AccountName: u.Username, Period: totpPeriod,
			Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return nil, errs.Wrap(errs.Internal, "生成密钥失败", err)
		}
		if err := s.kv.Set(ctx, pendingKey(u.ID), s.box.seal(u.ID, key.Secret()), pendingTTL).Err(); err != nil {
			return nil, unavailable(err)
		}
	} else {
		key = keyFor(u.Username, secret)
	}
	img, err := key.Image(256, 256)
	if err != nil {
		return nil, errs.Wrap(errs.Internal, "生成二维码失败", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, errs.Wrap(errs.Internal, "生成二维码失败", err)
	}
	return &Enrolment{Secret: key.Secret(), URL: key.URL(), PNG: buf.Bytes()}, nil
}

func keyFor(account, secret string) *otp.Key {
	k, _ := otp.NewKeyFromURL("otpauth://totp/" + Issuer + ":" + account + "?secret=" + secret +
		"&issuer=" + Issuer + "&period=30&digits=6&algorithm=SHA1")
	return k
}

// confirmEnrolment checks the first code against the pending secret and,
// when it matches, stores the secret (encrypted) and ten new recovery codes,
// which it returns in clear — they are shown this once. A wrong code counts
// like a wrong password. Errors: invalid (no enrolment pending),
// unauthenticated (wrong code), account_locked, unavailable.
func (s *Service) confirmEnrolment(ctx context.Context, u *Staff, code, ip string) ([]string, error) {
	if s.codes == nil {
		return nil, errs.E(errs.Internal, "恢复码存储未配置")
	}
	sealed, err := s.kv.Get(ctx, pendingKey(u.ID)).Result()
	if errors.Is(err, redis.Nil) {
		return nil, errs.E(errs.Invalid, "没有进行中的绑定，请重新获取二维码")
	}
	if err != nil {
		return nil, unavailable(err)
	}
	secret, err := s.box.open(u.ID, sealed)
	if err != nil {
		return nil, errs.E(errs.Invalid, "没有进行中的绑定，请重新获取二维码")
	}
	if err := s.checkCode(ctx, u, secret, code, ip); err != nil {
		return nil, err
	}
	codes, hashes := newRecoveryCodes()
	now := s.now().UTC()
	u.TOTPSecret, u.TOTPEnabledAt = s.box.seal(u.ID, secret), &now
	if err := s.store.UpdateStaff(ctx, u, "totp_secret", "totp_enabled_at"); err != nil {
		return nil, err
	}
	if err := s.codes.ReplaceRecoveryCodes(ctx, u.ID, hashes, now); err != nil {
		return nil, err
	}
	s.kv.Del(ctx, pendingKey(u.ID))
	s.record(ctx, u.Actor(), "staff.totp.enrol", u.ID, "ok", "")
	return codes, nil
}

// checkCode compares a six-digit code with the codes of the previous,
// current and next 30-second step (clock drift), each code usable once
// (RFC 6238 §5.2): a code seen on the wire cannot be replayed. A wrong or
// spent code counts as a failed login of the account. Errors:
// unauthenticated, account_locked, unavailable.
func (s *Service) checkCode(ctx context.Context, u *Staff, secret, code, ip string) error {
	code = strings.TrimSpace(code)
	now := s.now()
	for _, d := range []int{0, -1, 1} {
		t := now.Add(time.Duration(d*totpPeriod) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: totpPeriod, Digits: totpDigits,
			Algorithm: otp.AlgorithmSHA1})
		if err != nil || len(code) != len(want) || subtle.ConstantTimeCompare([]byte(code), []byte(want)) != 1 {
			continue
		}
		step := t.Unix() / totpPeriod
		fresh, err := s.kv.SetNX(ctx, "totp:used:"+strconv.FormatInt(u.ID, 10)+":"+strconv.FormatInt(step, 10), 1,
			3*totpPeriod*time.Second).Result()
		if err != nil {
			return unavailable(err)
		}
		if fresh {
			return nil
		}
		break // the right code, already used
	}
	return s.factorFailed(ctx, u, ip, "wrong second factor code")
}

// factorFailed counts a wrong code like a wrong password.
func (s *Service) factorFailed(ctx context.Context, u *Staff, ip, detail string) error {
	s.loginAudit(ctx, u, ip, "failed", detail)
	until, err := s.throttle.fail(ctx, accountKey(u.Username), ip, s.now())
	if err != nil {
		return err
	}
	if !until.IsZero() {
		s.loginAudit(ctx, u, ip, "denied", "account locked after repeated failures")
		return lockedError(until, s.now())
	}
	return errs.E(errs.Unauthenticated, "验证码错误")
}

// checkRecoveryCode spends one of the account's recovery codes. Errors:
// unauthenticated (no such unused code; counted), account_locked,
// unavailable.
func (s *Service) checkRecoveryCode(ctx context.Context, u *Staff, code, ip string) error {
	ok, err := s.codes.UseRecoveryCode(ctx, u.ID, hashRecoveryCode(code), s.now())
	if err != nil {
		return err
	}
	if !ok {
		return s.factorFailed(ctx, u, ip, "wrong recovery code")
	}
	s.record(ctx, u.Actor(), "staff.recovery_code", u.ID, "ok", "used")
	return nil
}

// newRecoveryCodes returns ten codes (16 base32 characters, 80 random
// bits, shown as xxxx-xxxx-xxxx-xxxx) and their hashes. 80 bits make a
// plain sha256 enough: a stolen hash list cannot be searched.
func newRecoveryCodes() (codes, hashes []string) {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	for i := 0; i < RecoveryCodeCount; i++ {
		b := make([]byte, 10)
		_, _ = rand.Read(b)
		c := strings.ToLower(enc.EncodeToString(b))
		codes = append(codes, c[0:4]+"-"+c[4:8]+"-"+c[8:12]+"-"+c[12:16])
		hashes = append(hashes, hashRecoveryCode(c))
	}
	return codes, hashes
}

// hashRecoveryCode hashes a code as typed: case, dashes and spaces do not
// matter.
func hashRecoveryCode(c string) string {
	c = strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(c))
	sum := sha256.Sum256([]byte(c))
	return hex.EncodeToString(sum[:])
}
