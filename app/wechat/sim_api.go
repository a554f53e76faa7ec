package wechat

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

var rePhoneCode = regexp.MustCompile(`^sim-phone-(\d{11})$`)

// code2Session is GET /sns/jscode2session: sim-<name> codes are valid once.
func (s *Simulator) code2Session(r *http.Request, _ []byte) any {
	q := r.URL.Query()
	switch {
	case q.Get("grant_type") != "authorization_code":
		return errBody(40002, "invalid grant_type")
	case q.Get("appid") != s.cfg.MiniProgram.AppID:
		return errBody(CodeInvalidAppID, "invalid appid")
	case q.Get("secret") != s.cfg.MiniProgram.AppSecret:
		return errBody(CodeInvalidAppSecret, "invalid appsecret")
	}
	code := q.Get("js_code")
	if code == "" {
		return errBody(CodeMissingCode, "missing code")
	}
	name, ok := strings.CutPrefix(code, "sim-")
	if !ok || !validName(name) {
		return errBody(CodeInvalidCode, "invalid code")
	}
	used, err := s.state.useCode(r.Context(), code)
	if err != nil {
		return stateDown()
	}
	if used {
		return errBody(CodeCodeUsed, "code been used")
	}
	return map[string]string{
		"session_key": base64.StdEncoding.EncodeToString(randomBytes(16)),
		"openid":      "sim-openid-" + name,
		"unionid":     "sim-unionid-" + name,
	}
}

// phoneNumber is POST /wxa/business/getuserphonenumber: sim-phone-<11 digits>.
func (s *Simulator) phoneNumber(r *http.Request, body []byte) any {
	if bad := s.checkToken(r, kindMini); bad != nil {
		return bad
	}
	var in struct {
		Code string `json:"code"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return errBody(CodeDataFormat, "data format error")
	}
	if in.Code == "" {
		return errBody(CodeMissingCode, "missing code")
	}
	m := rePhoneCode.FindStringSubmatch(in.Code)
	if m == nil {
		return errBody(CodeInvalidCode, "invalid code")
	}
	type watermark struct {
		Timestamp int64  `json:"timestamp"`
		AppID     string `json:"appid"`
	}
	return map[string]any{"errcode": 0, "errmsg": "ok", "phone_info": map[string]any{
		"phoneNumber": m[1], "purePhoneNumber": m[1], "countryCode": "86",
		"watermark": watermark{s.now().Unix(), s.cfg.MiniProgram.AppID},
	}}
}

type dataValue struct {
	Value any `json:"value"`
}

func flatten(data map[string]dataValue) map[string]any {
	out := make(map[string]any, len(data))
	for k, v := range data {
		out[k] = v.Value
	}
	return out
}

// checkSubscribeValue applies WeChat's per-keyword-type rules.
func checkSubscribeValue(key string, v any) bool {
	str := fmt.Sprint(v)
	if strings.TrimSpace(str) == "" {
		return false
	}
	kind := keywordType(key)
	limit, ok := subscribeLimits[kind]
	if !ok {
		return true
	}
	n := utf8.RuneCountInString(str)
	if kind == "name" && n == len(str) { // pure ASCII names may be twice as long
		limit = 20
	}
	return n <= limit
}

// subscribeSend is POST /cgi-bin/message/subscribe/send: one credit per send.
func (s *Simulator) subscribeSend(r *http.Request, body []byte) any {
	if bad := s.checkToken(r, kindMini); bad != nil {
		return bad
	}
	var in struct {
		ToUser     string               `json:"touser"`
		TemplateID string               `json:"template_id"`
		Page       string               `json:"page"`
		Data       map[string]dataValue `json:"data"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return errBody(CodeDataFormat, "data format error")
	}
	if !strings.HasPrefix(in.ToUser, "sim-openid-") {
		return errBody(CodeInvalidOpenID, "invalid openid")
	}
	if in.TemplateID == "" || len(s.cfg.SubscribeTemplates) > 0 && !slices.Contains(s.cfg.SubscribeTemplates, in.TemplateID) {
		return errBody(CodeInvalidTemplate, "invalid template_id")
	}
	for k, v := range in.Data {
		if !checkSubscribeValue(k, v.Value) {
			return errBody(CodeArgumentInvalid, "argument invalid! data."+k+".value invalid")
		}
	}
	now := s.now()
	ok, err := s.state.takeCredit(r.Context(), in.ToUser, in.TemplateID)
	if err != nil {
		return stateDown()
	}
	if !ok {
		return errBody(CodeNoCredit, "user refuse to accept the msg")
	}
	seq, err := s.state.record(r.Context(), Message{Channel: ChannelSubscribe, ToUser: in.ToUser, TemplateID: in.TemplateID,
		Page: in.Page, Data: flatten(in.Data), SentAt: now})
	if err != nil {
		return stateDown()
	}
	return map[string]any{"errcode": 0, "errmsg": "ok", "msgid": seq}
}

// templateSend is POST /cgi-bin/message/template/send: followers only.
func (s *Simulator) templateSend(r *http.Request, body []byte) any {
	if bad := s.checkToken(r, kindOA); bad != nil {
		return bad
	}
	var in struct {
		ToUser      string               `json:"touser"`
		TemplateID  string               `json:"template_id"`
		URL         string               `json:"url"`
		Data        map[string]dataValue `json:"data"`
		MiniProgram struct {
			AppID    string `json:"appid"`
			PagePath string `json:"pagepath"`
		} `json:"miniprogram"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return errBody(CodeDataFormat, "data format error")
	}
	if in.ToUser == "" {
		return errBody(CodeInvalidOpenID, "invalid openid")
	}
	if in.TemplateID == "" {
		return errBody(CodeInvalidTemplate, "invalid template_id")
	}
	if in.MiniProgram.PagePath != "" && in.MiniProgram.AppID != s.cfg.MiniProgram.AppID {
		return errBody(CodeInvalidAppID, "invalid appid")
	}
	page := in.MiniProgram.PagePath
	if page == "" {
		page = in.URL
	}
	now := s.now()
	unionid, err := s.state.follower(r.Context(), in.ToUser)
	if err != nil {
		return stateDown()
	}
	if unionid == "" {
		return errBody(CodeNotFollowing, "require subscribe")
	}
	seq, err := s.state.record(r.Context(), Message{Channel: ChannelTemplate, ToUser: in.ToUser, TemplateID: in.TemplateID,
		Page: page, Data: flatten(in.Data), SentAt: now})
	if err != nil {
		return stateDown()
	}
	return map[string]any{"errcode": 0, "errmsg": "ok", "msgid": seq}
}

// userInfo is GET /cgi-bin/user/info of the official account.
func (s *Simulator) userInfo(r *http.Request, _ []byte) any {
	if bad := s.checkToken(r, kindOA); bad != nil {
		return bad
	}
	openid := r.URL.Query().Get("openid")
	if !strings.HasPrefix(openid, "sim-oa-openid-") {
		return errBody(CodeInvalidOpenID, "invalid openid")
	}
	now := s.now()
	unionid, err := s.state.follower(r.Context(), openid)
	if err != nil {
		return stateDown()
	}
	if unionid == "" {
		return map[string]any{"subscribe": 0, "openid": openid}
	}
	return map[string]any{"subscribe": 1, "openid": openid, "unionid": unionid,
		"language": "zh_CN", "subscribe_time": now.Unix(), "subscribe_scene": "ADD_SCENE_QR_CODE"}
}
