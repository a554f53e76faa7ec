package wechat

import (
	"encoding/json"
	"net/http"
	"time"
)

const (
	tokenLifetime = 7200 * time.Second
	tokenGrace    = 5 * time.Minute // a replaced token keeps working this long, as on WeChat
)

type tokenKind string

const (
	kindMini tokenKind = "mini"
	kindOA   tokenKind = "oa"
	kindWork tokenKind = "work"
)

type simToken struct {
	kind    tokenKind
	expires time.Time
	invalid bool
}

// InvalidateTokens makes every access token issued so far invalid (errcode
// 40001, 40014 on Work WeChat), as when an app secret is reset.
func (s *Simulator) InvalidateTokens() {
	s.mu.Lock()
	for _, t := range s.tokens {
		t.invalid = true
	}
	s.mu.Unlock()
}

// issueLocked returns the token in slot, or a new one when forced or when the
// current one is unusable; a replaced token keeps working for tokenGrace.
func (s *Simulator) issueLocked(slot string, kind tokenKind, force bool) (string, int64) {
	now := time.Now().Add(s.offset)
	if cur, ok := s.tokens[s.current[slot]]; ok && !force && !cur.invalid && now.Before(cur.expires) {
		return s.current[slot], int64(cur.expires.Sub(now) / time.Second)
	}
	if old, ok := s.tokens[s.current[slot]]; ok && old.expires.After(now.Add(tokenGrace)) {
		old.expires = now.Add(tokenGrace)
	}
	tok := "simtok_" + string(kind) + "_" + randomHex(24)
	s.tokens[tok] = &simToken{kind: kind, expires: now.Add(tokenLifetime)}
	s.current[slot] = tok
	return tok, int64(tokenLifetime / time.Second)
}

type tokenAnswer struct {
	ErrCode     int    `json:"errcode,omitempty"`
	ErrMsg      string `json:"errmsg,omitempty"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

// appKind checks an appid/secret pair of the mini-program or the official account.
func (s *Simulator) appKind(appid, secret string) (tokenKind, any) {
	var kind tokenKind
	var want string
	switch appid {
	case s.cfg.MiniProgram.AppID:
		kind, want = kindMini, s.cfg.MiniProgram.AppSecret
	case s.cfg.OfficialAccount.AppID:
		kind, want = kindOA, s.cfg.OfficialAccount.AppSecret
	default:
		return "", errBody(CodeInvalidAppID, "invalid appid")
	}
	if secret != want {
		return "", errBody(CodeInvalidAppSecret, "invalid appsecret")
	}
	return kind, nil
}

// token is GET /cgi-bin/token: every call issues a new token.
func (s *Simulator) token(r *http.Request, _ []byte) any {
	q := r.URL.Query()
	if q.Get("grant_type") != "client_credential" {
		return errBody(40002, "invalid grant_type")
	}
	kind, bad := s.appKind(q.Get("appid"), q.Get("secret"))
	if bad != nil {
		return bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tok, ttl := s.issueLocked("token:"+q.Get("appid"), kind, true)
	return tokenAnswer{AccessToken: tok, ExpiresIn: ttl}
}

// stableToken is POST /cgi-bin/stable_token: the same token for every caller
// until it expires or is force-refreshed.
func (s *Simulator) stableToken(_ *http.Request, body []byte) any {
	var in struct {
		GrantType    string `json:"grant_type"`
		AppID        string `json:"appid"`
		Secret       string `json:"secret"`
		ForceRefresh bool   `json:"force_refresh"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return errBody(CodeDataFormat, "data format error")
	}
	if in.GrantType != "client_credential" {
		return errBody(40002, "invalid grant_type")
	}
	kind, bad := s.appKind(in.AppID, in.Secret)
	if bad != nil {
		return bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tok, ttl := s.issueLocked("stable:"+in.AppID, kind, in.ForceRefresh)
	return tokenAnswer{AccessToken: tok, ExpiresIn: ttl}
}

// workToken is GET qyapi /cgi-bin/gettoken: the same token while it is valid.
func (s *Simulator) workToken(r *http.Request, _ []byte) any {
	q := r.URL.Query()
	if q.Get("corpid") != s.cfg.Work.CorpID {
		return errBody(CodeInvalidAppID, "invalid corpid")
	}
	if q.Get("corpsecret") != s.cfg.Work.Secret {
		return errBody(CodeInvalidCredential, "invalid credential")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tok, ttl := s.issueLocked("work:"+s.cfg.Work.CorpID, kindWork, false)
	return tokenAnswer{ErrMsg: "ok", AccessToken: tok, ExpiresIn: ttl}
}

// checkToken validates the access_token of r for kind; it returns nil when
// the token is good, otherwise the errcode answer.
func (s *Simulator) checkToken(r *http.Request, kind tokenKind) any {
	tok := r.URL.Query().Get("access_token")
	if tok == "" {
		return errBody(CodeMissingToken, "access_token missing")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[tok]
	switch {
	case (!ok || t.invalid) && kind == kindWork:
		return errBody(CodeInvalidToken, "invalid access_token")
	case !ok || t.invalid:
		return errBody(CodeInvalidCredential, "invalid credential, access_token is invalid or not latest")
	case !time.Now().Add(s.offset).Before(t.expires):
		return errBody(CodeTokenExpired, "access_token expired")
	case t.kind != kind:
		return errBody(CodeUnauthorized, "api unauthorized")
	}
	return nil
}
