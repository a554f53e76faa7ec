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
		"SUNSHINE_WECHAT_MP_SECRET": "s", "SUNSHINE_WECHAT_PUSH_TOKEN": "t",
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

func TestCookieSecureByEnvironment(t *testing.T) {
	dev, err := Load(env(nil))
	if err != nil || dev.CookieSecure {
		t.Fatalf("development: secure=%v err=%v, want plain-HTTP cookies", dev.CookieSecure, err)
	}
	prod := map[string]string{
		"SUNSHINE_ENV": "production", "SUNSHINE_MYSQL_DSN": "u:p@tcp(db:3306)/s", "SUNSHINE_REDIS_URL": "redis://r:6379/0",
		"SUNSHINE_HOTLINE_SECRET": "0123456789abcdef0123", "SUNSHINE_ATTACHMENT_KEY": "a long attachment passphrase", "SUNSHINE_WECHAT_MP_APPID": "wx1",
		"SUNSHINE_WECHAT_MP_SECRET": "s", "SUNSHINE_WECHAT_PUSH_TOKEN": "t",
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
