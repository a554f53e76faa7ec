package wechat

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/util"
)

// Push verification failures; the /wechat/push handler maps them to 4xx.
var (
	ErrBadSignature   = errors.New("wechat push: signature mismatch")
	ErrStaleTimestamp = errors.New("wechat push: timestamp outside the accepted window")
	ErrReplayed       = errors.New("wechat push: nonce already used")
	ErrBadPush        = errors.New("wechat push: malformed request")
)

// DefaultPushSkew is how far a push timestamp may be from the local clock.
const DefaultPushSkew = 5 * time.Minute

// Signature is WeChat's push signature: hex sha1 of the sorted, concatenated parts.
func Signature(parts ...string) string {
	return util.Signature(slices.Clone(parts)...) // util.Signature sorts its argument in place
}

// VerifySignature checks signature = sha1(sort(token, timestamp, nonce)) in constant time.
func VerifySignature(token, timestamp, nonce, signature string) bool {
	return equalHex(Signature(token, timestamp, nonce), signature)
}

// VerifyMsgSignature checks the safe-mode msg_signature = sha1(sort(token, timestamp, nonce, encrypted)).
func VerifyMsgSignature(token, timestamp, nonce, encrypted, msgSignature string) bool {
	return equalHex(Signature(token, timestamp, nonce, encrypted), msgSignature)
}

func equalHex(want, got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

func decodeAESKey(encodingAESKey string) ([]byte, error) {
	if len(encodingAESKey) != 43 {
		return nil, errors.New("wechat: EncodingAESKey must be 43 characters")
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("wechat: EncodingAESKey is not valid base64 of 32 bytes")
	}
	return key, nil
}

// EncryptMessage encrypts plain for appID in WeChat's safe mode (AES-256-CBC,
// random(16) + length(4) + plain + appID, PKCS#7 to 32 bytes) and returns base64.
func EncryptMessage(encodingAESKey, appID string, plain []byte) (string, error) {
	if _, err := decodeAESKey(encodingAESKey); err != nil {
		return "", err
	}
	out, err := util.EncryptMsg(randomBytes(16), plain, appID, encodingAESKey)
	return string(out), err
}

// DecryptMessage reverses EncryptMessage and checks that the message was meant for appID.
func DecryptMessage(encodingAESKey, appID, encrypted string) ([]byte, error) {
	if _, err := decodeAESKey(encodingAESKey); err != nil {
		return nil, err
	}
	_, plain, err := util.DecryptMsg(appID, encrypted, encodingAESKey)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot decrypt", ErrBadPush)
	}
	return plain, nil
}

// PushQuery holds the query parameters WeChat adds to a push request.
type PushQuery struct {
	Signature    string
	Timestamp    string
	Nonce        string
	EchoStr      string // URL verification (GET) only
	EncryptType  string // "aes" in safe mode
	MsgSignature string // safe mode
}

// ParsePushQuery reads a PushQuery from the request's query string.
func ParsePushQuery(v url.Values) PushQuery {
	return PushQuery{Signature: v.Get("signature"), Timestamp: v.Get("timestamp"), Nonce: v.Get("nonce"),
		EchoStr: v.Get("echostr"), EncryptType: v.Get("encrypt_type"), MsgSignature: v.Get("msg_signature")}
}

// PushVerifier authenticates pushes to /wechat/push: signature, timestamp
// window, one use per nonce, then decryption and decoding.
type PushVerifier struct {
	Token          string
	EncodingAESKey string           // needed for safe-mode pushes
	AppID          string           // mini-program AppID, checked inside encrypted messages
	MaxSkew        time.Duration    // default DefaultPushSkew
	Now            func() time.Time // default time.Now
	Nonces         *NonceGuard      // nil disables the replay check
}

// NewPushVerifier returns the verifier for cfg (simulator defaults applied),
// with a Redis replay guard when rdb is not nil.
func NewPushVerifier(cfg Config, rdb redis.UniversalClient) *PushVerifier {
	cfg = cfg.WithSimulatorDefaults()
	v := &PushVerifier{Token: cfg.PushToken, EncodingAESKey: cfg.PushEncodingAESKey, AppID: cfg.MiniProgram.AppID}
	if rdb != nil {
		v.Nonces = NewNonceGuard(rdb, cfg.keyPrefix()+"push:nonce:", 2*DefaultPushSkew+time.Minute)
	}
	return v
}

func (v *PushVerifier) checkTime(ts string) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: bad timestamp", ErrBadPush)
	}
	now, skew := time.Now, v.MaxSkew
	if v.Now != nil {
		now = v.Now
	}
	if skew <= 0 {
		skew = DefaultPushSkew
	}
	if d := now().Sub(time.Unix(sec, 0)); d > skew || d < -skew {
		return ErrStaleTimestamp
	}
	return nil
}

func validNonce(n string) bool { return n != "" && len(n) <= 64 && validName(n) }

// Echo answers WeChat's URL verification (GET): it returns the echostr to
// write back when the signature and timestamp are good. Its nonce is spent
// like a push's, so a captured verification cannot be replayed.
func (v *PushVerifier) Echo(ctx context.Context, q PushQuery) (string, error) {
	if q.EchoStr == "" || len(q.EchoStr) > 128 || !validNonce(q.Nonce) {
		return "", ErrBadPush
	}
	if v.Token == "" || !VerifySignature(v.Token, q.Timestamp, q.Nonce, q.Signature) {
		return "", ErrBadSignature
	}
	if err := v.checkTime(q.Timestamp); err != nil {
		return "", err
	}
	if v.Nonces != nil {
		if err := v.Nonces.Claim(ctx, q.Timestamp, q.Nonce); err != nil {
			return "", err
		}
	}
	return q.EchoStr, nil
}

type envelope struct {
	ToUserName string `json:"ToUserName" xml:"ToUserName"`
	Encrypt    string `json:"Encrypt" xml:"Encrypt"`
}

// Open verifies a push (POST) and returns its decoded event; the signature
// always covers the body. With an EncodingAESKey only safe-mode pushes
// (encrypt_type=aes) are accepted: msg_signature covers the encrypted body,
// which is then decrypted for AppID. Without a key (plain mode: development
// with the simulator only, see config) WeChat's signature covers only the
// token, timestamp and nonce, so a msg_signature over the raw body is
// required as well — the simulator adds it; real WeChat never does, which
// is why production requires safe mode. JSON and XML bodies alike. Each
// timestamp+nonce is accepted once; call Forget when processing fails so
// that WeChat's retry of the same push is not refused.
func (v *PushVerifier) Open(ctx context.Context, q PushQuery, body []byte) (*PushEvent, error) {
	if !validNonce(q.Nonce) || q.Timestamp == "" {
		return nil, ErrBadPush
	}
	if v.Token == "" {
		return nil, ErrBadSignature
	}
	plain := body
	var encrypted string
	if v.EncodingAESKey != "" {
		if q.EncryptType != "aes" {
			return nil, fmt.Errorf("%w: plain push while safe mode is configured", ErrBadSignature)
		}
		var env envelope
		if err := unmarshalAny(body, &env); err != nil || env.Encrypt == "" {
			return nil, fmt.Errorf("%w: no Encrypt field", ErrBadPush)
		}
		encrypted = env.Encrypt
		if !VerifyMsgSignature(v.Token, q.Timestamp, q.Nonce, encrypted, q.MsgSignature) {
			return nil, ErrBadSignature
		}
	} else if q.EncryptType != "" || !VerifySignature(v.Token, q.Timestamp, q.Nonce, q.Signature) ||
		!VerifyMsgSignature(v.Token, q.Timestamp, q.Nonce, string(body), q.MsgSignature) {
		return nil, ErrBadSignature
	}
	if err := v.checkTime(q.Timestamp); err != nil {
		return nil, err
	}
	if v.Nonces != nil {
		if err := v.Nonces.Claim(ctx, q.Timestamp, q.Nonce); err != nil {
			return nil, err
		}
	}
	if encrypted != "" {
		var err error
		if plain, err = DecryptMessage(v.EncodingAESKey, v.AppID, encrypted); err != nil {
			return nil, err
		}
	}
	return ParsePushEvent(plain)
}

// Forget releases the nonce of q so WeChat's retry of the same push is accepted.
func (v *PushVerifier) Forget(ctx context.Context, q PushQuery) error {
	if v.Nonces == nil {
		return nil
	}
	return v.Nonces.Release(ctx, q.Timestamp, q.Nonce)
}

// unmarshalAny decodes XML when the body starts with '<', JSON otherwise.
func unmarshalAny(body []byte, v any) error {
	if b := bytes.TrimSpace(body); len(b) > 0 && b[0] == '<' {
		return xml.Unmarshal(b, v)
	}
	return json.Unmarshal(body, v)
}

// NonceGuard remembers push nonces in Redis (SET NX with a TTL) so a captured
// push cannot be replayed inside the timestamp window.
type NonceGuard struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
}

// NewNonceGuard returns a guard keeping each nonce for ttl (longer than twice the accepted skew).
func NewNonceGuard(rdb redis.UniversalClient, prefix string, ttl time.Duration) *NonceGuard {
	return &NonceGuard{rdb: rdb, prefix: prefix, ttl: ttl}
}

// Claim records timestamp+nonce; it returns ErrReplayed when they were seen before.
func (g *NonceGuard) Claim(ctx context.Context, timestamp, nonce string) error {
	ok, err := g.rdb.SetNX(ctx, g.prefix+timestamp+":"+nonce, 1, g.ttl).Result()
	if err != nil {
		return fmt.Errorf("wechat push: nonce store: %w", err)
	}
	if !ok {
		return ErrReplayed
	}
	return nil
}

// Release forgets timestamp+nonce.
func (g *NonceGuard) Release(ctx context.Context, timestamp, nonce string) error {
	return g.rdb.Del(ctx, g.prefix+timestamp+":"+nonce).Err()
}
