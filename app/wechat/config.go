// Package wechat is the only door between 阳光代办 and WeChat's servers.
//
// Every call goes through the sub-packages of github.com/silenceper/wechat/v2
// (miniprogram, officialaccount, work); the root package is never imported
// because its init switches logrus to debug output. Client wraps those calls
// with a Redis-backed access-token cache shared by all instances, one retry on
// a rejected token and typed errors (*Error with WeChat's errcode).
//
// Simulator is an in-process fake of api.weixin.qq.com and qyapi.weixin.qq.com
// that the unmodified SDK talks to through an http.RoundTripper, so the whole
// product runs and is tested offline. It refuses to exist in production.
//
// The push helpers (PushVerifier, ParsePushEvent) verify, decrypt and decode
// what WeChat posts to /wechat/push without depending on an HTTP framework.
package wechat

import (
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// Modes and environments understood by Config.
const (
	ModeSimulator  = "simulator"
	ModeLive       = "live"
	EnvProduction  = "production"
	EnvDevelopment = "development"
)

// DefaultHTTPTimeout bounds every HTTP call to WeChat when Config.HTTPTimeout is zero.
const DefaultHTTPTimeout = 10 * time.Second

// DefaultRedisKeyPrefix prefixes every Redis key this package writes.
const DefaultRedisKeyPrefix = "sunshine:wechat:"

// AppCredentials identifies a mini-program or an official account.
type AppCredentials struct {
	AppID     string
	AppSecret string
}

// WorkConfig identifies the Work WeChat (企业微信) application used for staff reminders.
type WorkConfig struct {
	CorpID  string
	AgentID string
	Secret  string
}

// Config is the plain configuration of the WeChat adapter; it reads no environment.
type Config struct {
	Env                string // EnvDevelopment or EnvProduction
	Mode               string // ModeSimulator or ModeLive
	MiniProgram        AppCredentials
	MiniProgramState   string // subscribe-message target: developer (or develop), trial or formal (default)
	OfficialAccount    AppCredentials
	Work               WorkConfig
	PushToken          string   // token of the /wechat/push endpoint
	PushEncodingAESKey string   // 43 characters; set → safe (encrypted) mode
	SubscribeTemplates []string // subscribe template ids the mini-program asks for
	HTTPTimeout        time.Duration
	RedisKeyPrefix     string
}

// Production reports whether the configuration describes a production deployment.
func (c Config) Production() bool { return c.Env == EnvProduction }

// Validate reports the first inconsistency in c.
func (c Config) Validate() error {
	switch c.Mode {
	case ModeSimulator:
		if c.Production() {
			return errors.New("wechat: the simulator is refused in production")
		}
	case ModeLive:
		if c.MiniProgram.AppID == "" || c.MiniProgram.AppSecret == "" {
			return errors.New("wechat: live mode needs the mini-program AppID and AppSecret")
		}
		if (c.OfficialAccount.AppID == "") != (c.OfficialAccount.AppSecret == "") {
			return errors.New("wechat: official account needs both AppID and AppSecret")
		}
		w := c.Work
		if (w.CorpID != "" || w.Secret != "" || w.AgentID != "") && (w.CorpID == "" || w.Secret == "" || w.AgentID == "") {
			return errors.New("wechat: Work WeChat needs CorpID, AgentID and Secret")
		}
		if c.PushToken == "" {
			return errors.New("wechat: live mode needs the push token")
		}
	default:
		return fmt.Errorf("wechat: unknown mode %q (want %q or %q)", c.Mode, ModeSimulator, ModeLive)
	}
	if c.PushEncodingAESKey != "" {
		if _, err := decodeAESKey(c.PushEncodingAESKey); err != nil {
			return err
		}
	}
	if c.HTTPTimeout < 0 {
		return errors.New("wechat: negative HTTP timeout")
	}
	return nil
}

// String describes c with every secret masked, so logging a Config is safe.
func (c Config) String() string {
	return fmt.Sprintf("wechat{env=%s mode=%s mp=%s/%s oa=%s/%s work=%s/%s/%s push_token=%s aes_key=%s templates=%d timeout=%s}",
		c.Env, c.Mode, c.MiniProgram.AppID, mask(c.MiniProgram.AppSecret),
		c.OfficialAccount.AppID, mask(c.OfficialAccount.AppSecret),
		c.Work.CorpID, c.Work.AgentID, mask(c.Work.Secret),
		mask(c.PushToken), mask(c.PushEncodingAESKey), len(c.SubscribeTemplates), c.HTTPTimeout)
}

func mask(s string) string {
	if s == "" {
		return "<unset>"
	}
	return "***"
}

// Simulator defaults: fixed, obviously fake identities so that a zero
// configuration runs and both Client and Simulator agree on them.
const (
	SimMiniProgramAppID      = "wxsim00000000mini"
	SimMiniProgramSecret     = "sim-mini-secret"
	SimOfficialAccountAppID  = "wxsim0000000000oa"
	SimOfficialAccountSecret = "sim-oa-secret"
	SimWorkCorpID            = "wwsim000000000000"
	SimWorkAgentID           = "1000002"
	SimWorkSecret            = "sim-work-secret"
	SimPushToken             = "sim-push-token" // #nosec G101 -- the simulator's fake token; production refuses the simulator
	SimOriginalID            = "gh_sim000000000"
)

// SimPushEncodingAESKey is the simulator's default EncodingAESKey (safe mode on by default).
var SimPushEncodingAESKey = base64.StdEncoding.EncodeToString([]byte("sunshine-wechat-simulator-aeskey"))[:43]

// WithSimulatorDefaults fills every blank identity of c with the simulator's
// fake one (the push EncodingAESKey only when the push token is blank too, so
// a configured token without a key means plain mode). It is deterministic and idempotent, so Client, Simulator and
// NewPushVerifier can each apply it and still agree. It changes nothing in live mode.
func (c Config) WithSimulatorDefaults() Config {
	if c.Mode != ModeSimulator {
		return c
	}
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&c.MiniProgram.AppID, SimMiniProgramAppID)
	def(&c.MiniProgram.AppSecret, SimMiniProgramSecret)
	def(&c.OfficialAccount.AppID, SimOfficialAccountAppID)
	def(&c.OfficialAccount.AppSecret, SimOfficialAccountSecret)
	def(&c.Work.CorpID, SimWorkCorpID)
	def(&c.Work.AgentID, SimWorkAgentID)
	def(&c.Work.Secret, SimWorkSecret)
	if c.PushToken == "" { // an explicitly configured token keeps its own (maybe plain) mode
		c.PushToken = SimPushToken
		def(&c.PushEncodingAESKey, SimPushEncodingAESKey)
	}
	return c
}

func (c Config) httpTimeout() time.Duration {
	if c.HTTPTimeout > 0 {
		return c.HTTPTimeout
	}
	return DefaultHTTPTimeout
}

func (c Config) keyPrefix() string {
	if c.RedisKeyPrefix != "" {
		return c.RedisKeyPrefix
	}
	return DefaultRedisKeyPrefix
}
