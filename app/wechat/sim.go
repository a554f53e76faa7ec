package wechat

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
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

	mu         sync.Mutex
	offset     time.Duration // simulated clock = wall clock + offset
	usedCodes  map[string]struct{}
	credits    map[[2]string]int // (openid, template id) → credits
	followers  map[string]string // OA openid → unionid; "" value = unfollowed
	workUsers  map[string]bool   // lower-case userid
	resolver   func(userID string) bool
	tokens     map[string]*simToken
	current    map[string]string // token slot → current token
	faults     []*faultRule
	calls      map[string]int
	messages   []Message
	msgSeq     int64
	pushTarget PushTarget
	pushXML    bool
}

// NewSimulator returns a simulator for cfg (simulator defaults applied). It
// fails in production, or when cfg is not in simulator mode.
func NewSimulator(cfg Config) (*Simulator, error) {
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
	return &Simulator{
		cfg:       cfg,
		usedCodes: map[string]struct{}{},
		credits:   map[[2]string]int{},
		followers: map[string]string{},
		workUsers: map[string]bool{},
		tokens:    map[string]*simToken{},
		current:   map[string]string{},
		calls:     map[string]int{},
	}, nil
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

// Messages returns the messages delivered to touser (all when ""), newest last.
func (s *Simulator) Messages(touser string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Message{}
	for _, m := range s.messages {
		if touser == "" || m.ToUser == touser {
			m.Data = maps.Clone(m.Data) // callers may keep and change what they get
			out = append(out, m)
		}
	}
	return out
}

func (s *Simulator) recordLocked(m Message) {
	s.messages = append(s.messages, m)
	if n := len(s.messages) - maxSimMessages; n > 0 {
		s.messages = slices.Delete(s.messages, 0, n)
	}
}

// AddFollower makes the user sim-<name> follow the official account and
// returns their official-account openid, sim-oa-openid-<name> (unionid sim-unionid-<name>).
func (s *Simulator) AddFollower(name string) string {
	openid := "sim-oa-openid-" + name
	s.mu.Lock()
	s.followers[openid] = "sim-unionid-" + name
	s.mu.Unlock()
	return openid
}

// RemoveFollower makes the user sim-<name> unfollow the official account.
func (s *Simulator) RemoveFollower(name string) {
	s.mu.Lock()
	if _, ok := s.followers["sim-oa-openid-"+name]; ok {
		s.followers["sim-oa-openid-"+name] = ""
	}
	s.mu.Unlock()
}

// FollowerOpenID returns the official-account openid of the follower with unionID.
func (s *Simulator) FollowerOpenID(unionID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for openid, u := range s.followers {
		if u != "" && u == unionID {
			return openid, true
		}
	}
	return "", false
}

// AddWorkUsers declares Work WeChat members; messages to anyone else are refused as invalid users.
func (s *Simulator) AddWorkUsers(userIDs ...string) {
	s.mu.Lock()
	for _, id := range userIDs {
		s.workUsers[strings.ToLower(id)] = true
	}
	s.mu.Unlock()
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
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.credits[[2]string{openid, templateID}]
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = io.ReadFull(rand.Reader, b)
	return b
}

func randomHex(n int) string { return hex.EncodeToString(randomBytes(n)) }
