package wechat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Simulated endpoints, for Fault.Endpoint and Simulator.Calls.
const (
	EndpointCode2Session  = "jscode2session"
	EndpointToken         = "token"
	EndpointStableToken   = "stable_token"
	EndpointPhoneNumber   = "getuserphonenumber"
	EndpointSubscribeSend = "subscribe_send"
	EndpointTemplateSend  = "template_send"
	EndpointUserInfo      = "user_info"
	EndpointWorkToken     = "work_gettoken"
	EndpointWorkSend      = "work_message_send"
)

// Message channels recorded by the simulator.
const (
	ChannelSubscribe = "subscribe"
	ChannelTemplate  = "template"
	ChannelWork      = "work"
)

// Hosts the simulator answers for.
const (
	APIHost   = "api.weixin.qq.com"
	QYAPIHost = "qyapi.weixin.qq.com"
)

const maxSimMessages = 10000

// Message is one message the simulator accepted for delivery, as a phone would show it.
type Message struct {
	Channel    string         `json:"channel"` // ChannelSubscribe, ChannelTemplate or ChannelWork
	ToUser     string         `json:"touser"`
	TemplateID string         `json:"template_id"`
	Page       string         `json:"page"`
	Data       map[string]any `json:"data"`
	SentAt     time.Time      `json:"sent_at"`
}

// Simulator is an in-process fake of WeChat's API servers: the unmodified SDK
// talks to it through Transport. It keeps logins, tokens, subscribe credits,
// official-account followers and Work WeChat members, records every message
// it accepts, and lets tests inject failures. It is safe for concurrent use.
type Simulator struct {
	cfg Config

	state simState // what WeChat remembers: in process, or shared in Redis

	mu         sync.Mutex
	offset     time.Duration // simulated clock = wall clock + offset
	resolver   func(userID string) bool
	faults     []*faultRule
	calls      map[string]int
	pushTarget PushTarget
	pushXML    bool
}

// NewSimulator returns a simulator for cfg (simulator defaults applied) that
// keeps its state in the process. It fails in production, or when cfg is not
// in simulator mode.
func NewSimulator(cfg Config) (*Simulator, error) { return newSimulator(cfg, newMemState()) }

// NewSharedSimulator returns a simulator that keeps its state (spent codes,
// credits, followers, Work WeChat members, tokens, the message log) in Redis
// under prefix, so that every instance on that Redis talks to one WeChat and
// the log survives a restart. The prefix must hold a {hash tag} (one
// cluster slot); "" means DefaultSimulatorPrefix.
func NewSharedSimulator(cfg Config, rdb redis.UniversalClient, prefix string) (*Simulator, error) {
	if rdb == nil {
		return nil, errors.New("wechat: a shared simulator needs Redis")
	}
	if prefix == "" {
		prefix = DefaultSimulatorPrefix
	}
	if i := strings.IndexByte(prefix, '{'); i < 0 || !strings.Contains(prefix[i:], "}") {
		return nil, fmt.Errorf("wechat: simulator prefix %q needs a {hash tag}", prefix)
	}
	return newSimulator(cfg, &redisState{rdb: rdb, p: prefix})
}

// DefaultSimulatorPrefix is where a shared simulator keeps its state.
const DefaultSimulatorPrefix = "sunshine:{wxsim}:"

func newSimulator(cfg Config, state simState) (*Simulator, error) {
	if cfg.Production() {
		return nil, errors.New("wechat: the simulator is refused in production")
	}
	if cfg.Mode != ModeSimulator {
		return nil, fmt.Errorf("wechat: simulator needs mode %q, got %q", ModeSimulator, cfg.Mode)
	}
	cfg = cfg.WithSimulatorDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Simulator{cfg: cfg, state: state, calls: map[string]int{}}, nil
}

// stateTimeout bounds one state operation of the simulator's own API
// (Messages, AddFollower …), which has no caller context.
const stateTimeout = 3 * time.Second

func stateCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), stateTimeout)
}

// Shared reports whether the state lives in Redis.
func (s *Simulator) Shared() bool {
	_, ok := s.state.(*redisState)
	return ok
}

// Config returns the simulator's configuration, defaults applied.
func (s *Simulator) Config() Config { return s.cfg }

// HTTPClient returns an http.Client that reaches the simulator instead of
// WeChat, with the configured timeout.
func (s *Simulator) HTTPClient() *http.Client {
	return &http.Client{Timeout: s.cfg.httpTimeout(), Transport: s.Transport()}
}

// Transport returns a RoundTripper that hands every request for
// api.weixin.qq.com and qyapi.weixin.qq.com to the simulator, with no socket,
// and refuses any other host.
func (s *Simulator) Transport() http.RoundTripper { return simTransport{s} }

type simTransport struct{ s *Simulator }

// RoundTrip serves req in process; the caller's deadline still applies.
func (t simTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	if h := req.URL.Hostname(); h != APIHost && h != QYAPIHost {
		return nil, fmt.Errorf("wechat simulator: host %q is not a WeChat API host", h)
	}
	rec := httptest.NewRecorder()
	t.s.ServeHTTP(rec, req)
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// now is the simulated clock.
func (s *Simulator) now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Now().Add(s.offset)
}

// Advance moves the simulated clock forward, so tokens expire (42001) without waiting.
func (s *Simulator) Advance(d time.Duration) {
	s.mu.Lock()
	s.offset += d
	s.mu.Unlock()
}

// Calls returns how many requests reached endpoint (every endpoint when "").
func (s *Simulator) Calls(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if endpoint != "" {
		return s.calls[endpoint]
	}
	n := 0
	for _, c := range s.calls {
		n += c
	}
	return n
}

// Messages returns the messages delivered to touser (all when ""), newest
// last (nil when the shared state cannot be read).
func (s *Simulator) Messages(touser string) []Message {
	ctx, cancel := stateCtx()
	defer cancel()
	all, err := s.state.messages(ctx)
	if err != nil {
		return nil
	}
	out := []Message{}
	for _, m := range all {
		if touser == "" || m.ToUser == touser {
			out = append(out, m)
		}
	}
	return out
}

// AddFollower makes the user sim-<name> follow the official account and
// returns their official-account openid, sim-oa-openid-<name> (unionid sim-unionid-<name>).
func (s *Simulator) AddFollower(name string) string {
	openid := "sim-oa-openid-" + name
	ctx, cancel := stateCtx()
	defer cancel()
	_ = s.state.setFollower(ctx, openid, "sim-unionid-"+name)
	return openid
}

// RemoveFollower makes the user sim-<name> unfollow the official account.
func (s *Simulator) RemoveFollower(name string) {
	ctx, cancel := stateCtx()
	defer cancel()
	_ = s.state.unfollow(ctx, "sim-oa-openid-"+name)
}

// FollowerOpenID returns the official-account openid of the follower with unionID.
func (s *Simulator) FollowerOpenID(unionID string) (string, bool) {
	ctx, cancel := stateCtx()
	defer cancel()
	openid, ok, err := s.state.followerByUnion(ctx, unionID)
	return openid, ok && err == nil
}

// AddWorkUsers declares Work WeChat members; messages to anyone else are refused as invalid users.
func (s *Simulator) AddWorkUsers(userIDs ...string) {
	ctx, cancel := stateCtx()
	defer cancel()
	for _, id := range userIDs {
		_ = s.state.addWorkUser(ctx, id)
	}
}

// SetWorkUserResolver adds a lookup for members not declared with AddWorkUsers
// (e.g. the staff table). It is called without the simulator's lock held.
func (s *Simulator) SetWorkUserResolver(known func(userID string) bool) {
	s.mu.Lock()
	s.resolver = known
	s.mu.Unlock()
}

// Credits returns the subscribe credits openid holds for templateID.
func (s *Simulator) Credits(openid, templateID string) int {
	ctx, cancel := stateCtx()
	defer cancel()
	n, _ := s.state.credits(ctx, openid, templateID)
	return n
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = io.ReadFull(rand.Reader, b)
	return b
}

func randomHex(n int) string { return hex.EncodeToString(randomBytes(n)) }
