package wechat

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/miniprogram/subscribe"
	oamessage "github.com/silenceper/wechat/v2/officialaccount/message"
	workmessage "github.com/silenceper/wechat/v2/work/message"
)

// Session is the result of a mini-program login. SessionKey must never leave
// the server nor be logged.
type Session struct {
	OpenID     string
	UnionID    string
	SessionKey string
}

// SubscribeMessage is a mini-program subscribe message (订阅消息).
type SubscribeMessage struct {
	ToUser     string            // mini-program openid
	TemplateID string            // subscribe template id
	Page       string            // mini-program page opened from the card, e.g. pages/case/detail?id=7
	Data       map[string]string // keyword → value, e.g. "thing1" → project name
}

// TemplateMessage is an official-account template message (模板消息).
type TemplateMessage struct {
	ToUser          string // official-account openid
	TemplateID      string
	URL             string            // web page opened from the card (optional)
	MiniProgramPage string            // mini-program page opened from the card (optional, wins over URL)
	Data            map[string]string // keyword → value
}

// codes and openids are pasted into URLs by the SDK without escaping.
var reOpaque = regexp.MustCompile(`^[A-Za-z0-9_\-]{1,128}$`)

// Code2Session exchanges a wx.login code for the user's identity.
// Invalid or reused codes give an *Error for which IsCodeInvalid is true.
func (c *Client) Code2Session(ctx context.Context, code string) (Session, error) {
	const op = "code2session"
	if c.auth == nil {
		return Session{}, notConfigured(op, "mini-program")
	}
	if code == "" {
		return Session{}, &Error{Op: op, Code: CodeMissingCode, Msg: "missing code"}
	}
	if !reOpaque.MatchString(code) {
		return Session{}, &Error{Op: op, Code: CodeInvalidCode, Msg: "invalid code"}
	}
	res, err := c.auth.Code2SessionContext(ctx, code)
	if res.ErrCode != 0 { // the SDK's error is a plain fmt.Errorf: trust the result
		return Session{}, &Error{Op: op, Code: int(res.ErrCode), Msg: res.ErrMsg}
	}
	if err != nil {
		return Session{}, wrapErr(op, err)
	}
	if res.OpenID == "" {
		return Session{}, &Error{Op: op, Msg: "empty openid in answer"}
	}
	return Session{OpenID: res.OpenID, UnionID: res.UnionID, SessionKey: res.SessionKey}, nil
}

// PhoneNumber exchanges a getPhoneNumber code for the user's phone number
// (without country code for mainland numbers).
func (c *Client) PhoneNumber(ctx context.Context, code string) (string, error) {
	const op = "getuserphonenumber"
	if c.auth == nil {
		return "", notConfigured(op, "mini-program")
	}
	if code == "" {
		return "", &Error{Op: op, Code: CodeMissingCode, Msg: "missing code"}
	}
	var phone string
	err := c.withToken(ctx, op, chanMini, func() error {
		res, err := c.auth.GetPhoneNumberContext(ctx, code)
		if err != nil {
			return err
		}
		phone = res.PhoneInfo.PurePhoneNumber
		if phone == "" {
			phone = res.PhoneInfo.PhoneNumber
		}
		return nil
	})
	if err == nil && phone == "" {
		return "", &Error{Op: op, Msg: "empty phone number in answer"}
	}
	return phone, err
}

// SendSubscribe sends a subscribe message, spending one of the user's credits.
// Values longer than WeChat accepts for their keyword type are shortened.
// IsNoCredit(err) means the user granted no credit: fall back to another channel.
func (c *Client) SendSubscribe(ctx context.Context, m SubscribeMessage) error {
	const op = "subscribe.send"
	if c.subscribe == nil {
		return notConfigured(op, "mini-program")
	}
	data := make(map[string]*subscribe.DataItem, len(m.Data))
	for k, v := range m.Data {
		data[k] = &subscribe.DataItem{Value: ClipSubscribeValue(k, v)}
	}
	state := c.cfg.MiniProgramState
	switch state {
	case "":
		state = "formal"
	case "develop", "development":
		state = "developer" // WeChat's spelling
	}
	msg := &subscribe.Message{ToUser: m.ToUser, TemplateID: m.TemplateID, Page: m.Page,
		Data: data, MiniprogramState: state, Lang: "zh_CN"}
	// Send takes no context: the HTTP client's timeout bounds it.
	return c.withToken(ctx, op, chanMini, func() error { return c.subscribe.Send(msg) })
}

// SendTemplate sends an official-account template message; IsNotFollowing(err)
// means the user does not follow the account.
func (c *Client) SendTemplate(ctx context.Context, m TemplateMessage) error {
	const op = "template.send"
	if c.template == nil {
		return notConfigured(op, "official account")
	}
	msg := &oamessage.TemplateMessage{ToUser: m.ToUser, TemplateID: m.TemplateID, URL: m.URL,
		Data: make(map[string]*oamessage.TemplateDataItem, len(m.Data))}
	for k, v := range m.Data {
		msg.Data[k] = &oamessage.TemplateDataItem{Value: v}
	}
	if m.MiniProgramPage != "" {
		msg.MiniProgram.AppID = c.cfg.MiniProgram.AppID
		msg.MiniProgram.PagePath = m.MiniProgramPage
	}
	return c.withToken(ctx, op, chanOA, func() error {
		_, err := c.template.Send(msg)
		return err
	})
}

// SendWorkText sends a Work WeChat application text message to one member.
// An unknown member is an error for which IsInvalidUser is true, also when
// WeChat answers errcode 0 and lists the member in invaliduser.
func (c *Client) SendWorkText(ctx context.Context, userID, text string) error {
	const op = "work.message.send"
	if c.workMsg == nil {
		return notConfigured(op, "Work WeChat")
	}
	if userID == "" || strings.ContainsAny(userID, "|@") {
		return &Error{Op: op, Code: CodeInvalidUser, Msg: "invalid userid"}
	}
	req := workmessage.SendTextRequest{
		SendRequestCommon: &workmessage.SendRequestCommon{ToUser: userID, AgentID: c.cfg.Work.AgentID},
		Text:              workmessage.TextField{Content: text},
	}
	return c.withToken(ctx, op, chanWork, func() error {
		res, err := c.workMsg.SendText(req)
		if err != nil {
			return err
		}
		if res.InvalidUser != "" {
			return &Error{Op: op, Code: CodeInvalidUser, Msg: "invaliduser: " + res.InvalidUser}
		}
		return nil
	})
}

// Follower is what the official account knows about one of its openids.
type Follower struct {
	OpenID     string
	UnionID    string
	Subscribed bool
	Since      time.Time
}

// OfficialAccountUser looks an official-account openid up (cgi-bin/user/info),
// which gives the unionid that links it to the mini-program user.
func (c *Client) OfficialAccountUser(ctx context.Context, openID string) (Follower, error) {
	const op = "user.info"
	if c.oaUser == nil {
		return Follower{}, notConfigured(op, "official account")
	}
	if !reOpaque.MatchString(openID) {
		return Follower{}, &Error{Op: op, Code: CodeInvalidOpenID, Msg: "invalid openid"}
	}
	var f Follower
	err := c.withToken(ctx, op, chanOA, func() error {
		info, err := c.oaUser.GetUserInfo(openID)
		if err != nil {
			return err
		}
		f = Follower{OpenID: info.OpenID, UnionID: info.UnionID, Subscribed: info.Subscribe == 1}
		if info.SubscribeTime > 0 {
			f.Since = time.Unix(int64(info.SubscribeTime), 0)
		}
		return nil
	})
	return f, err
}

// subscribeLimits is the longest value WeChat accepts per keyword type (in characters).
var subscribeLimits = map[string]int{
	"thing": 20, "phrase": 5, "name": 10, "character_string": 32, "number": 32,
	"letter": 32, "symbol": 5, "phone_number": 17, "car_number": 8,
}

// keywordType returns "thing" for "thing12".
func keywordType(key string) string { return strings.TrimRight(key, "0123456789") }

// ClipSubscribeValue shortens v to what WeChat accepts for keyword key
// ("thing" values end with "…" when cut); other keyword types are returned as is.
func ClipSubscribeValue(key, v string) string {
	kind := keywordType(key)
	limit, ok := subscribeLimits[kind]
	n := utf8.RuneCountInString(v)
	if kind == "name" && n == len(v) { // pure ASCII names may be twice as long
		limit = 20
	}
	if !ok || n <= limit {
		return v
	}
	r := []rune(v)
	if kind == "thing" {
		return string(r[:limit-1]) + "…"
	}
	return string(r[:limit])
}
