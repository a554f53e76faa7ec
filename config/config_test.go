package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsAreEmbedded(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || !c.EmbeddedDB() || !c.EmbeddedRedis() || c.WeChat.Mode != "simulator" {
		t.Fatalf("unexpected defaults: %s", c)
	}
	if c.HotlineSecret == "" || c.AttachmentKey == "" {
		t.Fatal("development secrets should be filled")
	}
}

func TestProductionRefusesEmbeddedAndSimulator(t *testing.T) {
	_, err := Load(env(map[string]string{"SUNSHINE_ENV": "production"}))
	if err == nil {
		t.Fatal("production with embedded defaults must fail")
	}
	for _, want := range []string{"SUNSHINE_MYSQL_DSN", "SUNSHINE_REDIS_URL", "simulator", "SUNSHINE_HOTLINE_SECRET"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
}

func TestProductionComplete(t *testing.T) {
	_, err := Load(env(map[string]string{
		"SUNSHINE_ENV": "production", "SUNSHINE_MYSQL_DSN": "u:p@tcp(db:3306)/s", "SUNSHINE_REDIS_URL": "redis://r:6379/0",
		"SUNSHINE_HOTLINE_SECRET": "0123456789abcdef0123", "SUNSHINE_ATTACHMENT_KEY": "a long attachment passphrase", "SUNSHINE_WECHAT_MP_APPID": "wx1",
		"SUNSHINE_WECHAT_MP_SECRET": "s", "SUNSHINE_WECHAT_PUSH_TOKEN": "t", "SUNSHINE_WECHAT_PUSH_AESKEY": aesKey,
	}))
	if err != nil {
		t.Fatal(err)
	}
}

func TestStringMasksSecrets(t *testing.T) {
	c, _ := Load(env(map[string]string{"SUNSHINE_MYSQL_DSN": "root:hun:ter2@tcp(db:3306)/s", "SUNSHINE_REDIS_URL": "redis://:pw123@r:6379/0"}))
	s := c.String()
	if !strings.Contains(s, "root:****@tcp(db:3306)/s") || !strings.Contains(s, "redis://:****@r:6379/0") {
		t.Errorf("String does not show the masked DSNs: %s", s)
	}
	for _, secret := range []string{"hun", "ter2", "pw123", c.HotlineSecret} {
		if strings.Contains(s, secret) {
			t.Errorf("String leaks %q: %s", secret, s)
		}
	}
}

func TestProductionRefusesShortAttachmentKey(t *testing.T) {
	_, err := Load(env(map[string]string{
		"SUNSHINE_ENV": "production", "SUNSHINE_MYSQL_DSN": "u:p@tcp(db:3306)/s", "SUNSHINE_REDIS_URL": "redis://r:6379/0",
		"SUNSHINE_HOTLINE_SECRET": "0123456789abcdef0123", "SUNSHINE_ATTACHMENT_KEY": "k", "SUNSHINE_WECHAT_MP_APPID": "wx1",
		"SUNSHINE_WECHAT_MP_SECRET": "s", "SUNSHINE_WECHAT_PUSH_TOKEN": "t",
	}))
	if err == nil || !strings.Contains(err.Error(), "SUNSHINE_ATTACHMENT_KEY") {
		t.Fatalf("a one-character attachment key in production: got %v, want a refusal naming SUNSHINE_ATTACHMENT_KEY", err)
	}
}

const aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

func production(extra map[string]string) map[string]string {
	m := map[string]string{
		"SUNSHINE_ENV": "production", "SUNSHINE_MYSQL_DSN": "u:p@tcp(db:3306)/s", "SUNSHINE_REDIS_URL": "redis://r:6379/0",
		"SUNSHINE_HOTLINE_SECRET": "0123456789abcdef0123", "SUNSHINE_ATTACHMENT_KEY": "a long attachment passphrase", "SUNSHINE_WECHAT_MP_APPID": "wx1",
		"SUNSHINE_WECHAT_MP_SECRET": "s", "SUNSHINE_WECHAT_PUSH_TOKEN": "t", "SUNSHINE_WECHAT_PUSH_AESKEY": aesKey,
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// TestPushSafeModeRequired: /wechat/push in plain mode does not cover the
// body with a signature, so production and live mode refuse to start
// without the EncodingAESKey; plain mode is for the simulator in development.
func TestPushSafeModeRequired(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		ok   bool
	}{
		{"production with the key", production(nil), true},
		{"production without the key", production(map[string]string{"SUNSHINE_WECHAT_PUSH_AESKEY": ""}), false},
		{"production asking for plain", production(map[string]string{"SUNSHINE_WECHAT_PUSH_AESKEY": "plain"}), false},
		{"production with a short key", production(map[string]string{"SUNSHINE_WECHAT_PUSH_AESKEY": "short"}), false},
		{"live development without the key", map[string]string{"SUNSHINE_WECHAT_MP_APPID": "wx1", "SUNSHINE_WECHAT_MP_SECRET": "s",
			"SUNSHINE_WECHAT_PUSH_TOKEN": "t"}, false},
		{"simulator default is safe mode", nil, true},
		{"simulator plain mode in development", map[string]string{"SUNSHINE_WECHAT_PUSH_AESKEY": "plain"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(env(tc.env))
			if tc.ok != (err == nil) {
				t.Fatalf("Load: %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "SUNSHINE_WECHAT_PUSH_AESKEY") {
				t.Errorf("refusal does not name SUNSHINE_WECHAT_PUSH_AESKEY: %v", err)
			}
			if err == nil && tc.env["SUNSHINE_WECHAT_PUSH_AESKEY"] == "plain" && c.WeChat.PushAESKey != "" {
				t.Errorf("plain mode: key %q, want none", c.WeChat.PushAESKey)
			}
		})
	}
}

func TestTrustedProxiesValidated(t *testing.T) {
	if _, err := Load(env(map[string]string{"SUNSHINE_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1,::1"})); err != nil {
		t.Fatal(err)
	}
	_, err := Load(env(map[string]string{"SUNSHINE_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}))
	if err == nil || !strings.Contains(err.Error(), "proxy.local") {
		t.Fatalf("a host name as trusted proxy: got %v, want a refusal naming it", err)
	}
}

// Issue 12 (4): the working days before an unconfirmed mailed delivery
// reminds the specialist.
func TestDeliveryRemindDays(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil || c.DeliveryRemindDays != 7 {
		t.Fatalf("default = %d (%v), want 7", c.DeliveryRemindDays, err)
	}
	if c, err = Load(env(map[string]string{"SUNSHINE_DELIVERY_REMIND_DAYS": "10"})); err != nil || c.DeliveryRemindDays != 10 {
		t.Fatalf("10 → %d (%v)", c.DeliveryRemindDays, err)
	}
	for _, bad := range []string{"0", "61", "seven"} {
		if _, err := Load(env(map[string]string{"SUNSHINE_DELIVERY_REMIND_DAYS": bad})); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestObjectStorageAndMetrics(t *testing.T) {
	c, err := Load(env(map[string]string{"SUNSHINE_S3_ENDPOINT": "minio:9000", "SUNSHINE_S3_BUCKET": "materials",
		"SUNSHINE_S3_ACCESS_KEY": "ak", "SUNSHINE_S3_SECRET_KEY": "very-secret-key", "SUNSHINE_S3_TLS": "false",
		"SUNSHINE_ATTACHMENT_KEY_PREVIOUS": "the previous attachment key"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.S3.Enabled() || c.S3.TLS || c.S3.Bucket != "materials" || c.AttachmentKeyPrevious == "" {
		t.Fatalf("s3 = %+v", c.S3)
	}
	if c.MetricsListener() != "127.0.0.1:9464" || c.MetricsOnPublicPort() {
		t.Fatalf("metrics default = %q", c.MetricsAddr)
	}
	if s := c.String(); strings.Contains(s, "very-secret-key") || strings.Contains(s, "the previous attachment key") || !strings.Contains(s, "s3:minio:9000/materials") {
		t.Fatalf("String() = %s", s)
	}
	for name, vars := range map[string]map[string]string{
		"no bucket":     {"SUNSHINE_S3_ENDPOINT": "minio:9000", "SUNSHINE_S3_ACCESS_KEY": "a", "SUNSHINE_S3_SECRET_KEY": "b"},
		"scheme":        {"SUNSHINE_S3_ENDPOINT": "https://minio:9000", "SUNSHINE_S3_BUCKET": "m", "SUNSHINE_S3_ACCESS_KEY": "a", "SUNSHINE_S3_SECRET_KEY": "b"},
		"bad tls":       {"SUNSHINE_S3_TLS": "maybe"},
		"same prev key": {"SUNSHINE_ATTACHMENT_KEY": "same key for both", "SUNSHINE_ATTACHMENT_KEY_PREVIOUS": "same key for both"},
	} {
		if _, err := Load(env(vars)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for v, want := range map[string]string{"public": "", "off": "", ":9100": ":9100"} {
		c, err := Load(env(map[string]string{"SUNSHINE_METRICS_ADDR": v}))
		if err != nil || c.MetricsListener() != want || c.MetricsOnPublicPort() != (v == "public") {
			t.Errorf("SUNSHINE_METRICS_ADDR=%s: listener %q, %v", v, c.MetricsListener(), err)
		}
	}
}

func TestCookieSecureByEnvironment(t *testing.T) {
	dev, err := Load(env(nil))
	if err != nil || dev.CookieSecure {
		t.Fatalf("development: secure=%v err=%v, want plain-HTTP cookies", dev.CookieSecure, err)
	}
	prod := map[string]string{
		"SUNSHINE_ENV": "production", "SUNSHINE_MYSQL_DSN": "u:p@tcp(db:3306)/s", "SUNSHINE_REDIS_URL": "redis://r:6379/0",
		"SUNSHINE_HOTLINE_SECRET": "0123456789abcdef0123", "SUNSHINE_ATTACHMENT_KEY": "a long attachment passphrase", "SUNSHINE_WECHAT_MP_APPID": "wx1",
		"SUNSHINE_WECHAT_MP_SECRET": "s", "SUNSHINE_WECHAT_PUSH_TOKEN": "t", "SUNSHINE_WECHAT_PUSH_AESKEY": aesKey,
	}
	c, err := Load(env(prod))
	if err != nil || !c.CookieSecure {
		t.Fatalf("production: secure=%v err=%v, want secure cookies", c != nil && c.CookieSecure, err)
	}
	prod["SUNSHINE_COOKIE_SECURE"] = "false"
	if _, err := Load(env(prod)); err == nil || !strings.Contains(err.Error(), "SUNSHINE_COOKIE_SECURE") {
		t.Fatalf("production with insecure cookies: %v, want refused", err)
	}
}

// TestStaffTwoFactorDefaults: privileged in production, off in development
// (demo logins stay one step); a wrong value is refused.
func TestStaffTwoFactorDefaults(t *testing.T) {
	prod := map[string]string{
		"SUNSHINE_ENV": "production", "SUNSHINE_MYSQL_DSN": "u:p@tcp(db:3306)/s", "SUNSHINE_REDIS_URL": "redis://r:6379/0",
		"SUNSHINE_HOTLINE_SECRET": "0123456789abcdef0123", "SUNSHINE_ATTACHMENT_KEY": "a long attachment passphrase",
		"SUNSHINE_WECHAT_MP_APPID": "wx1", "SUNSHINE_WECHAT_MP_SECRET": "s", "SUNSHINE_WECHAT_PUSH_TOKEN": "t",
		"SUNSHINE_WECHAT_PUSH_AESKEY": aesKey,
	}
	c, err := Load(env(prod))
	if err != nil || c.StaffTwoFactor != "privileged" {
		t.Fatalf("production: %q, %v", c.StaffTwoFactor, err)
	}
	if c, err := Load(env(nil)); err != nil || c.StaffTwoFactor != "off" {
		t.Fatalf("development: %q, %v", c.StaffTwoFactor, err)
	}
	if c, err := Load(env(map[string]string{"SUNSHINE_STAFF_2FA": "ALL"})); err != nil || c.StaffTwoFactor != "all" {
		t.Fatalf("all: %v", err)
	}
	if _, err := Load(env(map[string]string{"SUNSHINE_STAFF_2FA": "sometimes"})); err == nil || !strings.Contains(err.Error(), "SUNSHINE_STAFF_2FA") {
		t.Fatalf("bad value: %v", err)
	}
	if c, _ := Load(env(map[string]string{"SUNSHINE_USER_PASSWORD": "Secret-passw0rd"})); strings.Contains(c.String(), "Secret-passw0rd") {
		t.Fatal("the user password shows in the configuration's description")
	}
}
