package wechat

import (
	"context"
	"testing"
)

func TestCallErrorsCountedByAPIAndErrcode(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	user := e.login(t, "carl").OpenID
	msg := SubscribeMessage{ToUser: user, TemplateID: tmplAccepted, Data: map[string]string{"thing1": "施工许可"}}
	for range 2 {
		wantCode(t, e.client.SendSubscribe(ctx, msg), CodeNoCredit)
	}
	e.sim.Inject(Fault{Endpoint: EndpointSubscribeSend, HTTPStatus: 502})
	_ = e.client.SendSubscribe(ctx, msg)
	got := map[[2]string]int64{}
	for _, c := range e.client.CallErrors() {
		got[[2]string{c.API, c.ErrCode}] = c.Count
	}
	if n := got[[2]string{"/cgi-bin/message/subscribe/send", "43101"}]; n != 2 {
		t.Fatalf("43101 counted %d times: %v", n, got)
	}
	if n := got[[2]string{"/cgi-bin/message/subscribe/send", "http_502"}]; n != 1 {
		t.Fatalf("http 502 counted %d times: %v", n, got)
	}
	if n := got[[2]string{"/sns/jscode2session", "0"}]; n != 0 {
		t.Fatalf("a success was counted: %v", got)
	}
}
