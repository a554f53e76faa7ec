package wechat

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
)

func TestCode2Session(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()

	s := e.login(t, "alice")
	if s.OpenID != "sim-openid-alice" || s.UnionID != "sim-unionid-alice" {
		t.Fatalf("session = %+v, want sim-openid-alice / sim-unionid-alice", s)
	}
	if key, err := base64.StdEncoding.DecodeString(s.SessionKey); err != nil || len(key) != 16 {
		t.Fatalf("session key is not base64 of 16 bytes (err %v)", err)
	}
	if again := e.login(t, "alice2"); again.SessionKey == s.SessionKey {
		t.Fatalf("two logins got the same session key")
	}

	_, err := e.client.Code2Session(ctx, "sim-alice")
	wantCode(t, err, CodeCodeUsed)
	if !IsCodeInvalid(err) || IsTemporary(err) {
		t.Fatalf("reused code: IsCodeInvalid=%v IsTemporary=%v", IsCodeInvalid(err), IsTemporary(err))
	}

	_, err = e.client.Code2Session(ctx, "081abcDEF")
	wantCode(t, err, CodeInvalidCode)

	_, err = e.client.Code2Session(ctx, "")
	wantCode(t, err, CodeMissingCode)

	before := e.sim.Calls(EndpointCode2Session)
	_, err = e.client.Code2Session(ctx, "sim-x&appid=other")
	wantCode(t, err, CodeInvalidCode)
	if e.sim.Calls(EndpointCode2Session) != before {
		t.Fatalf("a code with URL syntax reached WeChat")
	}
}

func TestCode2SessionInjectedErrors(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	tests := []struct {
		name      string
		code      int
		is        func(error) bool
		temporary bool
	}{
		{"rate_limited", CodeRateLimited, IsRateLimited, true},
		{"system_busy", CodeSystemBusy, IsSystemBusy, true},
		{"high_risk_user", CodeForbidden, IsForbidden, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.sim.Inject(Fault{Endpoint: EndpointCode2Session, ErrCode: tt.code})
			_, err := e.client.Code2Session(ctx, "sim-"+tt.name)
			wantCode(t, err, tt.code)
			if !tt.is(err) || IsTemporary(err) != tt.temporary || IsCodeInvalid(err) {
				t.Fatalf("helpers wrong for %v: is=%v temporary=%v", err, tt.is(err), IsTemporary(err))
			}
			// The fault was for one call only and the code was not consumed.
			if s, err := e.client.Code2Session(ctx, "sim-"+tt.name); err != nil || s.OpenID != "sim-openid-"+tt.name {
				t.Fatalf("after the fault: %+v, %v", s, err)
			}
		})
	}
}

func TestPhoneNumber(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	got, err := e.client.PhoneNumber(ctx, "sim-phone-13800138000")
	if err != nil || got != "13800138000" {
		t.Fatalf("PhoneNumber = %q, %v; want 13800138000", got, err)
	}
	if got, err = e.client.PhoneNumber(ctx, "sim-phone-13900139000"); err != nil || got != "13900139000" {
		t.Fatalf("second PhoneNumber = %q, %v", got, err)
	}
	if n := e.sim.Calls(EndpointStableToken); n != 1 {
		t.Fatalf("stable_token called %d times, want 1 (token cached in Redis)", n)
	}
	for _, code := range []string{"sim-phone-123", "wx-phone-code", "sim-alice"} {
		_, err := e.client.PhoneNumber(ctx, code)
		wantCode(t, err, CodeInvalidCode)
	}
}

func TestSendSubscribe(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	user := e.login(t, "bob").OpenID
	msg := SubscribeMessage{ToUser: user, TemplateID: tmplAccepted, Page: "pages/case/detail?id=7",
		Data: map[string]string{"thing1": "阳光大道智慧园区一期工程项目施工许可证办理代办服务", "character_string2": "YGDB-2026-000123"}}

	err := e.client.SendSubscribe(ctx, msg)
	wantCode(t, err, CodeNoCredit)
	if !IsNoCredit(err) || IsTemporary(err) {
		t.Fatalf("IsNoCredit=%v IsTemporary=%v", IsNoCredit(err), IsTemporary(err))
	}

	if err := e.sim.Grant(user, []string{tmplAccepted}); err != nil {
		t.Fatalf("Grant: %v", err)
	}
	if err := e.client.SendSubscribe(ctx, msg); err != nil {
		t.Fatalf("SendSubscribe with credit: %v", err)
	}
	if n := e.sim.Credits(user, tmplAccepted); n != 0 {
		t.Fatalf("credits after send = %d, want 0", n)
	}
	wantCode(t, e.client.SendSubscribe(ctx, msg), CodeNoCredit)

	got := e.sim.Messages(user)
	if len(got) != 1 {
		t.Fatalf("messages = %d, want 1", len(got))
	}
	m := got[0]
	thing := m.Data["thing1"].(string)
	if m.Channel != ChannelSubscribe || m.TemplateID != tmplAccepted || m.Page != msg.Page ||
		m.Data["character_string2"] != "YGDB-2026-000123" || len([]rune(thing)) != 20 || !strings.HasSuffix(thing, "…") {
		t.Fatalf("message = %+v", m)
	}

	wantCode(t, e.client.SendSubscribe(ctx, SubscribeMessage{ToUser: user, TemplateID: "unknown"}), CodeInvalidTemplate)
}

func TestSendTemplateToFollowersOnly(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	msg := TemplateMessage{ToUser: "sim-oa-openid-carol", TemplateID: "oa-tmpl-delivered",
		MiniProgramPage: "pages/case/detail?id=9", Data: map[string]string{"first": "您的申请已办结"}}

	err := e.client.SendTemplate(ctx, msg)
	wantCode(t, err, CodeNotFollowing)
	if !IsNotFollowing(err) {
		t.Fatalf("IsNotFollowing = false for %v", err)
	}

	openid := e.sim.AddFollower("carol")
	if openid != msg.ToUser {
		t.Fatalf("AddFollower = %q", openid)
	}
	if err := e.client.SendTemplate(ctx, msg); err != nil {
		t.Fatalf("SendTemplate to a follower: %v", err)
	}
	got := e.sim.Messages(openid)
	if len(got) != 1 || got[0].Channel != ChannelTemplate || got[0].Page != msg.MiniProgramPage || got[0].Data["first"] != "您的申请已办结" {
		t.Fatalf("messages = %+v", got)
	}

	f, err := e.client.OfficialAccountUser(ctx, openid)
	if err != nil || !f.Subscribed || f.UnionID != "sim-unionid-carol" {
		t.Fatalf("OfficialAccountUser = %+v, %v", f, err)
	}
	if o, ok := e.sim.FollowerOpenID("sim-unionid-carol"); !ok || o != openid {
		t.Fatalf("FollowerOpenID = %q, %v", o, ok)
	}
	e.sim.RemoveFollower("carol")
	wantCode(t, e.client.SendTemplate(ctx, msg), CodeNotFollowing)
}

func TestSendWorkText(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	err := e.client.SendWorkText(ctx, "zhangsan", "您有新的代办案件")
	wantCode(t, err, CodeInvalidUser)
	if !IsInvalidUser(err) || IsTemporary(err) {
		t.Fatalf("IsInvalidUser=%v IsTemporary=%v", IsInvalidUser(err), IsTemporary(err))
	}

	e.sim.AddWorkUsers("ZhangSan")
	if err := e.client.SendWorkText(ctx, "zhangsan", "您有新的代办案件"); err != nil {
		t.Fatalf("SendWorkText to a member: %v", err)
	}
	e.sim.SetWorkUserResolver(func(id string) bool { return id == "lisi" })
	if err := e.client.SendWorkText(ctx, "lisi", "案件即将到期"); err != nil {
		t.Fatalf("SendWorkText via resolver: %v", err)
	}
	got := e.sim.Messages("lisi")
	if len(got) != 1 || got[0].Channel != ChannelWork || got[0].Data["content"] != "案件即将到期" {
		t.Fatalf("messages = %+v", got)
	}
	wantCode(t, e.client.SendWorkText(ctx, "a|b", "x"), CodeInvalidUser)
}
