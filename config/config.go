// Package config loads the one configuration of the service from
// environment variables (SUNSHINE_*), with defaults in code that run the
// whole product embedded: SQLite, an in-process Redis and the WeChat
// simulator. It is the only place that reads the environment.
package config

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration.
type Config struct {
	Env      string // development | production
	Addr     string
	DataDir  string
	MySQLDSN string
	RedisURL string

	HotlineSecret      string
	HotlineCallbackURL string
	AttachmentKey      string // hex or passphrase; AES-256-GCM key for materials at rest
	// AttachmentKeyPrevious is the key being rotated away from: materials
	// still under it stay readable until rotate-attachment-key is done.
	AttachmentKeyPrevious string
	// S3 is the object store of the materials; an empty endpoint keeps them
	// under DataDir/files.
	S3 S3
	// MetricsAddr is where /metrics is served: an address of its own
	// (default 127.0.0.1:9464), "public" for the public port, "off" for none.
	MetricsAddr string
	MaxUploadMB int
	// Upload quotas (0: no limit of that kind) and the upload rate per
	// uploader and hour.
	UploadCaseFiles, UploadCaseMB             int
	UploadEnterpriseFiles, UploadEnterpriseMB int
	UploadRatePerHour                         int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the
	// client (IPs or CIDRs); empty means the peer address is the client.
	TrustedProxies []string
	// StaffTwoFactor says who must log in with TOTP: privileged (admin,
	// auditor, head), all, or off (SUNSHINE_STAFF_2FA; default privileged in
	// production, off in development so the demo logins stay one step).
	StaffTwoFactor string
	// UserPassword is the password `sunshine user add` takes from
	// SUNSHINE_USER_PASSWORD instead of standard input (never a flag: a
	// flag shows in the process list and the shell history).
	UserPassword string

	// CookieSecure marks the browser session cookies Secure (and gives them
	// the __Host- prefix). Default: on in production, off in development,
	// which runs over plain HTTP (SUNSHINE_COOKIE_SECURE=true|false).
	CookieSecure bool

	WeChat WeChat

	ShutdownTimeout time.Duration

	// DeliveryRemindDays is after how many working days an unconfirmed
	// mailed delivery reminds the specialist (SUNSHINE_DELIVERY_REMIND_DAYS, 7).
	DeliveryRemindDays int
}

// S3 names the bucket of an S3-compatible object store.
type S3 struct {
	Endpoint  string // host[:port]
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string
	TLS       bool
}

// Enabled reports whether materials go to object storage.
func (s S3) Enabled() bool { return s.Endpoint != "" }

// WeChat holds the WeChat accounts and template ids.
type WeChat struct {
	Mode           string // simulator | live
	MPAppID        string
	MPAppSecret    string
	OAAppID        string
	OAAppSecret    string
	WorkCorpID     string
	WorkAgentID    string
	WorkSecret     string
	PushToken      string
	PushAESKey     string
	Templates      map[string]string // event → template id (SUNSHINE_WECHAT_TEMPLATE_<EVENT>)
	HTTPTimeout    time.Duration
	MiniProgramEnv string // formal | trial | develop (for subscribe message "miniprogram_state")
}

// Load reads the configuration from getenv (os.Getenv when nil).
func Load(getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	get := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	c := &Config{
		Env:                   get("SUNSHINE_ENV", "development"),
		Addr:                  get("SUNSHINE_ADDR", ":8080"),
		DataDir:               get("SUNSHINE_DATA_DIR", "./data"),
		MySQLDSN:              get("SUNSHINE_MYSQL_DSN", ""),
		RedisURL:              get("SUNSHINE_REDIS_URL", ""),
		HotlineSecret:         get("SUNSHINE_HOTLINE_SECRET", ""),
		HotlineCallbackURL:    get("SUNSHINE_HOTLINE_CALLBACK_URL", ""),
		AttachmentKey:         get("SUNSHINE_ATTACHMENT_KEY", ""),
		AttachmentKeyPrevious: get("SUNSHINE_ATTACHMENT_KEY_PREVIOUS", ""),
		MetricsAddr:           get("SUNSHINE_METRICS_ADDR", "127.0.0.1:9464"),
		S3: S3{Endpoint: get("SUNSHINE_S3_ENDPOINT", ""), Bucket: get("SUNSHINE_S3_BUCKET", ""),
			AccessKey: get("SUNSHINE_S3_ACCESS_KEY", ""), SecretKey: get("SUNSHINE_S3_SECRET_KEY", ""),
			Region: get("SUNSHINE_S3_REGION", "")},
		ShutdownTimeout: 10 * time.Second,
		WeChat: WeChat{
			MPAppID: get("SUNSHINE_WECHAT_MP_APPID", ""), MPAppSecret: get("SUNSHINE_WECHAT_MP_SECRET", ""),
			OAAppID: get("SUNSHINE_WECHAT_OA_APPID", ""), OAAppSecret: get("SUNSHINE_WECHAT_OA_SECRET", ""),
			WorkCorpID: get("SUNSHINE_WECOM_CORPID", ""), WorkAgentID: get("SUNSHINE_WECOM_AGENTID", ""),
			WorkSecret: get("SUNSHINE_WECOM_SECRET", ""),
			PushToken:  get("SUNSHINE_WECHAT_PUSH_TOKEN", ""), PushAESKey: get("SUNSHINE_WECHAT_PUSH_AESKEY", ""),
			MiniProgramEnv: get("SUNSHINE_WECHAT_MP_STATE", "formal"),
			Templates:      map[string]string{},
		},
	}
	for _, p := range strings.Split(get("SUNSHINE_TRUSTED_PROXIES", ""), ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	def2FA := "off"
	if c.Production() {
		def2FA = "privileged"
	}
	c.StaffTwoFactor = strings.ToLower(get("SUNSHINE_STAFF_2FA", def2FA))
	c.UserPassword = getenv("SUNSHINE_USER_PASSWORD") // as given: spaces may be part of it
	var err error
	if c.S3.TLS, err = strconv.ParseBool(get("SUNSHINE_S3_TLS", "true")); err != nil {
		return nil, fmt.Errorf("SUNSHINE_S3_TLS: %w", err)
	}
	if c.MaxUploadMB, err = strconv.Atoi(get("SUNSHINE_MAX_UPLOAD_MB", "20")); err != nil {
		return nil, fmt.Errorf("SUNSHINE_MAX_UPLOAD_MB: %w", err)
	}
	for _, q := range []struct {
		name, def string
		v         *int
	}{
		{"SUNSHINE_UPLOAD_CASE_FILES", "100", &c.UploadCaseFiles},
		{"SUNSHINE_UPLOAD_CASE_MB", "500", &c.UploadCaseMB},
		{"SUNSHINE_UPLOAD_ENTERPRISE_FILES", "2000", &c.UploadEnterpriseFiles},
		{"SUNSHINE_UPLOAD_ENTERPRISE_MB", "10240", &c.UploadEnterpriseMB},
		{"SUNSHINE_UPLOAD_RATE_PER_HOUR", "60", &c.UploadRatePerHour},
	} {
		n, err := strconv.Atoi(get(q.name, q.def))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%s: want a whole number ≥ 0 (0: no limit)", q.name)
		}
		*q.v = n
	}
	if c.DeliveryRemindDays, err = strconv.Atoi(get("SUNSHINE_DELIVERY_REMIND_DAYS", "7")); err != nil || c.DeliveryRemindDays < 1 || c.DeliveryRemindDays > 60 {
		return nil, fmt.Errorf("SUNSHINE_DELIVERY_REMIND_DAYS: 应为1到60之间的工作日数")
	}
	defSecure := "false"
	if c.Production() {
		defSecure = "true"
	}
	if c.CookieSecure, err = strconv.ParseBool(get("SUNSHINE_COOKIE_SECURE", defSecure)); err != nil {
		return nil, fmt.Errorf("SUNSHINE_COOKIE_SECURE: %w", err)
	}
	timeout, err := time.ParseDuration(get("SUNSHINE_WECHAT_TIMEOUT", "5s"))
	if err != nil {
		return nil, fmt.Errorf("SUNSHINE_WECHAT_TIMEOUT: %w", err)
	}
	c.WeChat.HTTPTimeout = timeout
	defMode := "simulator"
	if c.WeChat.MPAppID != "" {
		defMode = "live"
	}
	c.WeChat.Mode = get("SUNSHINE_WECHAT_MODE", defMode)
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if ev, ok := strings.CutPrefix(k, "SUNSHINE_WECHAT_TEMPLATE_"); ok && getenv(k) != "" {
			c.WeChat.Templates[strings.ToLower(ev)] = strings.TrimSpace(v)
		}
	}
	c.fillDevelopmentDefaults()
	return c, c.Validate()
}

// fillDevelopmentDefaults gives development a working setup without any
// secret configured; production must configure its own (Validate).
func (c *Config) fillDevelopmentDefaults() {
	if c.Production() {
		return
	}
	dev := func(v *string, name string) {
		if *v == "" {
			sum := sha256.Sum256([]byte("sunshine-development-" + name))
			*v = hex.EncodeToString(sum[:])
		}
	}
	dev(&c.HotlineSecret, "hotline")
	dev(&c.AttachmentKey, "attachments")
	if c.WeChat.Mode == "simulator" {
		def := func(v *string, s string) {
			if *v == "" {
				*v = s
			}
		}
		def(&c.WeChat.MPAppID, "wxsimminiprogram")
		def(&c.WeChat.MPAppSecret, "sim-mp-secret")
		def(&c.WeChat.OAAppID, "wxsimofficial")
		def(&c.WeChat.OAAppSecret, "sim-oa-secret")
		def(&c.WeChat.WorkCorpID, "wwsimcorp")
		def(&c.WeChat.WorkAgentID, "1000002")
		def(&c.WeChat.WorkSecret, "sim-work-secret")
		def(&c.WeChat.PushToken, "sim-push-token")
		def(&c.WeChat.PushAESKey, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
		if c.WeChat.PushAESKey == PushPlain { // plain mode: the simulator signs the body itself
			c.WeChat.PushAESKey = ""
		}
	}
}

// PushPlain as SUNSHINE_WECHAT_PUSH_AESKEY asks for /wechat/push in plain
// (unencrypted) mode: development with the WeChat simulator only, where the
// simulator also signs the body (wechat.PushVerifier). Real WeChat does not
// sign a plain-mode body, so anything else requires safe mode.
const PushPlain = "plain"

// Production reports whether SUNSHINE_ENV is production.
func (c *Config) Production() bool { return c.Env == "production" }

// EmbeddedDB reports whether SQLite is used.
func (c *Config) EmbeddedDB() bool { return c.MySQLDSN == "" }

// EmbeddedRedis reports whether the in-process Redis is used.
func (c *Config) EmbeddedRedis() bool { return c.RedisURL == "" }

// SQLitePath is the database file on embedded defaults.
func (c *Config) SQLitePath() string { return filepath.Join(c.DataDir, "sunshine.db") }

// MetricsOnPublicPort reports whether /metrics stays on the public port.
func (c *Config) MetricsOnPublicPort() bool { return c.MetricsAddr == "public" }

// MetricsListener is the address of the metrics listener ("" for none).
func (c *Config) MetricsListener() string {
	if c.MetricsAddr == "public" || c.MetricsAddr == "off" {
		return ""
	}
	return c.MetricsAddr
}

// FilesDir is where materials are stored (encrypted) without S3.
func (c *Config) FilesDir() string { return filepath.Join(c.DataDir, "files") }

// Validate checks the configuration; production refuses embedded stores,
// the simulator and missing secrets, with a message saying what to set.
func (c *Config) Validate() error {
	var problems []string
	if c.Env != "development" && c.Env != "production" {
		problems = append(problems, "SUNSHINE_ENV must be development or production")
	}
	if c.WeChat.Mode != "simulator" && c.WeChat.Mode != "live" {
		problems = append(problems, "SUNSHINE_WECHAT_MODE must be simulator or live")
	}
	switch c.StaffTwoFactor {
	case "off", "privileged", "all":
	default:
		problems = append(problems, "SUNSHINE_STAFF_2FA must be privileged, all or off")
	}
	if c.MaxUploadMB < 1 || c.MaxUploadMB > 200 {
		problems = append(problems, "SUNSHINE_MAX_UPLOAD_MB must be between 1 and 200")
	}
	for _, p := range c.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err != nil {
			if _, err := netip.ParseAddr(p); err != nil {
				problems = append(problems, "SUNSHINE_TRUSTED_PROXIES: "+strconv.Quote(p)+" is neither an IP address nor a CIDR range")
			}
		}
	}
	if c.S3.Enabled() && (c.S3.Bucket == "" || c.S3.AccessKey == "" || c.S3.SecretKey == "") {
		problems = append(problems, "SUNSHINE_S3_ENDPOINT needs SUNSHINE_S3_BUCKET, SUNSHINE_S3_ACCESS_KEY and SUNSHINE_S3_SECRET_KEY")
	}
	if c.S3.Enabled() && strings.Contains(c.S3.Endpoint, "://") {
		problems = append(problems, "SUNSHINE_S3_ENDPOINT is host[:port] without a scheme (SUNSHINE_S3_TLS says https or http)")
	}
	if c.AttachmentKeyPrevious != "" && c.AttachmentKeyPrevious == c.AttachmentKey {
		problems = append(problems, "SUNSHINE_ATTACHMENT_KEY_PREVIOUS equals SUNSHINE_ATTACHMENT_KEY: set the new key in SUNSHINE_ATTACHMENT_KEY")
	}
	if c.Production() {
		if c.EmbeddedDB() {
			problems = append(problems, "production needs SUNSHINE_MYSQL_DSN (SQLite is for development only)")
		}
		if c.EmbeddedRedis() {
			problems = append(problems, "production needs SUNSHINE_REDIS_URL (the in-process Redis is for development only)")
		}
		if !c.CookieSecure {
			problems = append(problems, "production refuses SUNSHINE_COOKIE_SECURE=false: browser sessions need HTTPS")
		}
		if c.WeChat.Mode == "simulator" {
			problems = append(problems, "production refuses the WeChat simulator: set SUNSHINE_WECHAT_MODE=live and the WeChat credentials")
		}
		for name, v := range map[string]string{
			"SUNSHINE_HOTLINE_SECRET": c.HotlineSecret, "SUNSHINE_ATTACHMENT_KEY": c.AttachmentKey,
			"SUNSHINE_WECHAT_MP_APPID": c.WeChat.MPAppID, "SUNSHINE_WECHAT_MP_SECRET": c.WeChat.MPAppSecret,
			"SUNSHINE_WECHAT_PUSH_TOKEN": c.WeChat.PushToken,
		} {
			if v == "" {
				problems = append(problems, "production needs "+name)
			}
		}
		if c.HotlineSecret != "" && len(c.HotlineSecret) < 16 {
			problems = append(problems, "SUNSHINE_HOTLINE_SECRET must be at least 16 characters")
		}
		// A short passphrase is hashed into the key as it is (no key
		// stretching), so a guessable one would make encryption at rest moot.
		if c.AttachmentKey != "" && len(c.AttachmentKey) < 16 {
			problems = append(problems, "SUNSHINE_ATTACHMENT_KEY must be 64 hex characters or a passphrase of at least 16 characters")
		}
	}
	// /wechat/push verifies the body only in safe mode (msg_signature covers
	// the encrypted body), so safe mode is required except for the
	// simulator in development (SUNSHINE_WECHAT_PUSH_AESKEY=plain).
	switch k := c.WeChat.PushAESKey; {
	case k == "" && (c.Production() || c.WeChat.Mode != "simulator"):
		problems = append(problems, "SUNSHINE_WECHAT_PUSH_AESKEY is required (safe mode): /wechat/push in plain mode is for development with the simulator only")
	case k != "" && len(k) != 43:
		problems = append(problems, "SUNSHINE_WECHAT_PUSH_AESKEY must be the 43-character EncodingAESKey")
	}
	if c.WeChat.Mode == "live" && (c.WeChat.MPAppID == "" || c.WeChat.MPAppSecret == "") {
		problems = append(problems, "live WeChat mode needs SUNSHINE_WECHAT_MP_APPID and SUNSHINE_WECHAT_MP_SECRET")
	}
	if len(problems) > 0 {
		return errors.New("configuration: " + strings.Join(problems, "; "))
	}
	return nil
}

// String describes the configuration with every secret masked.
func (c *Config) String() string {
	files := "dir:" + c.FilesDir()
	if c.S3.Enabled() {
		files = "s3:" + c.S3.Endpoint + "/" + c.S3.Bucket
	}
	return fmt.Sprintf("env=%s addr=%s metrics=%s data_dir=%s db=%s redis=%s files=%s wechat=%s hotline_secret=%s attachment_key=%s attachment_key_previous=%s s3_secret=%s staff_2fa=%s",
		c.Env, c.Addr, c.MetricsAddr, c.DataDir, maskDSN(c.MySQLDSN, "sqlite:"+c.SQLitePath()), maskDSN(c.RedisURL, "embedded"),
		files, c.WeChat.Mode, mask(c.HotlineSecret), mask(c.AttachmentKey), mask(c.AttachmentKeyPrevious), mask(c.S3.SecretKey), c.StaffTwoFactor)
}

func mask(s string) string {
	if s == "" {
		return "(unset)"
	}
	return "****"
}

// maskDSN hides the password of a DSN or URL.
func maskDSN(dsn, empty string) string {
	if dsn == "" {
		return empty
	}
	at := strings.LastIndex(dsn, "@")
	if at < 0 {
		return dsn
	}
	head := dsn[:at] // [scheme://]user[:password]; the password may hold ':' itself
	userStart := 0
	if i := strings.Index(head, "//"); i >= 0 {
		userStart = i + 2
	}
	if i := strings.Index(head[userStart:], ":"); i >= 0 {
		head = head[:userStart+i+1] + "****"
	}
	return head + dsn[at:]
}
