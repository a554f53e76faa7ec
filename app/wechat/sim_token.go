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
	ctx, cancel := stateCtx()
	defer cancel()
	_ = s.state.invalidateTokens(ctx)
}

// issue answers a token request for slot: the current token, or a new one
// when forced or when the current one is unusable.
func (s *Simulator) issue(r *http.Request, slot string, kind tokenKind, force bool, errMsg string) any {
	now := time.UnixMilli(s.now().UnixMilli()) // the shared state keeps milliseconds
	tok, expires, err := s.state.issueToken(r.Context(), slot, kind, force, now, "simtok_"+string(kind)+"_"+randomHex(24))
	if err != nil {
		return stateDown()
	}
	return tokenAnswer{ErrMsg: errMsg, AccessToken: tok, ExpiresIn: int64(expires.Sub(now) / time.Second)}
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
	return s.issue(r, "token:"+q.Get("appid"), kind, true, "")
}

// stableToken is POST /cgi-bin/stable_token: the same token for every caller
// until it expires or is force-refreshed.
func (s *Simulator) stableToken(r *http.Request, body []byte) any {
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
	return s.issue(r, "stable:"+in.AppID, kind, in.ForceRefresh, "")
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
	return s.issue(r, "work:"+s.cfg.Work.CorpID, kindWork, false, "ok")
}

// checkToken validates the access_token of r for kind; it returns nil when
// the token is good, otherwise the errcode answer.
func (s *Simulator) checkToken(r *http.Request, kind tokenKind) any {
	tok := r.URL.Query().Get("access_token")
	if tok == "" {
		return errBody(CodeMissingToken, "access_token missing")
	}
	t, ok, err := s.state.token(r.Context(), tok)
	if err != nil {
		return stateDown()
	}
	switch {
	case (!ok || t.invalid) && kind == kindWork:
		return errBody(CodeInvalidToken, "invalid access_token")
	case !ok || t.invalid:
		return errBody(CodeInvalidCredential, "invalid credential, access_token is invalid or not latest")
	case !s.now().Before(t.expires):
		return errBody(CodeTokenExpired, "access_token expired")
	case t.kind != kind:
		return errBody(CodeUnauthorized, "api unauthorized")
	}
	return nil
}

// stateDown is the answer when the shared state cannot be reached: WeChat's
// "system busy", which callers retry.
func stateDown() any { return errBody(CodeSystemBusy, "system error") }
