package notify_test

import (
	"testing"
	"time"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/notify"
	"sunshine/app/wechat"
)

// TestTemplateAdmin: an admin's template id is used by the next delivery on
// this instance, reaches another instance at its reload, and a reset brings
// the configured one back.
func TestTemplateAdmin(t *testing.T) {
	e := newEnv(t, cst(2026, 3, 2, 9, 0), nil)
	p := e.people
	ta := notify.NewTemplateAdmin(e.db.NotifyTemplates(), e.n.Templates(), e.db.Audit(), e.clock.Now, nil)
	other := notify.DefaultTemplates() // a second instance, configured the same
	ta2 := notify.NewTemplateAdmin(e.db.NotifyTemplates(), other, e.db.Audit(), e.clock.Now, nil)

	// Refusals change nothing.
	for _, tc := range []struct {
		who                        casework.Actor
		event, channel, id, fields string
		code                       errs.Code
	}{
		{p.head, "accepted", "subscribe", "x", "", errs.Forbidden},
		{p.admin, "lunch", "subscribe", "x", "", errs.NotFound},
		{p.admin, "accepted", "sms", "x", "", errs.Unprocessable},
		{p.admin, "accepted", "subscribe", "a b", "", errs.Unprocessable},
		{p.admin, "accepted", "subscribe", "x", "thing1=password", errs.Unprocessable},
	} {
		if err := ta.Set(e.ctx, tc.who, tc.event, tc.channel, tc.id, tc.fields); !errs.Is(err, tc.code) {
			t.Errorf("Set(%s %s %s %q %q) = %v, want %s", tc.who.Role, tc.event, tc.channel, tc.id, tc.fields, err, tc.code)
		}
	}
	if tpl, _ := e.n.Templates().Subscribe(notify.EventAccepted); tpl.ID != "sim-tmpl-progress" {
		t.Fatalf("a refused edit changed the template: %s", tpl.ID)
	}

	if err := ta.Set(e.ctx, p.admin, notify.EventAccepted, notify.TemplateSubscribe, "sim-tmpl-rating",
		"character_string1=number,thing2=project,thing3=status"); err != nil {
		t.Fatal(err)
	}
	e.grant("alice", 1)
	c := e.submit()
	e.act(e.viewer(p.clerk), c, casework.ActionAccept, map[string]any{"service_type": "agency", "promised_days": 10})
	e.clock.Advance(time.Minute)
	e.drain()
	got := e.sim.Messages("sim-openid-alice")
	if len(got) != 1 || got[0].Channel != wechat.ChannelSubscribe || got[0].TemplateID != "sim-tmpl-rating" || got[0].Data["thing3"] != "已受理" {
		t.Fatalf("accepted notice = %+v", got)
	}

	// The other instance sees it at its reload, not before.
	if tpl, _ := other.Subscribe(notify.EventAccepted); tpl.ID != "sim-tmpl-progress" {
		t.Fatalf("other instance before reload: %s", tpl.ID)
	}
	if err := ta2.Reload(e.ctx); err != nil {
		t.Fatal(err)
	}
	if tpl, _ := other.Subscribe(notify.EventAccepted); tpl.ID != "sim-tmpl-rating" || len(tpl.Fields) != 3 {
		t.Fatalf("other instance after reload: %+v", tpl)
	}
	list, err := ta2.List(e.ctx, p.admin)
	if err != nil || len(list) != 2*len(notify.TemplateEvents()) {
		t.Fatalf("list: %d items, %v", len(list), err)
	}
	for _, v := range list {
		if v.Event == notify.EventAccepted && v.Channel == notify.TemplateSubscribe &&
			(!v.Override || v.ID != "sim-tmpl-rating" || v.BaseID != "sim-tmpl-progress" || v.UpdatedBy != p.admin.Name) {
			t.Errorf("accepted/subscribe view = %+v", v)
		}
	}

	// An empty id turns the channel off; a reset brings the configuration back.
	if err := ta.Set(e.ctx, p.admin, notify.EventAccepted, notify.TemplateOfficial, "", ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.n.Templates().Official(notify.EventAccepted); ok {
		t.Fatal("official-account template still on")
	}
	for _, ch := range []string{notify.TemplateSubscribe, notify.TemplateOfficial} {
		if err := ta.Reset(e.ctx, p.admin, notify.EventAccepted, ch); err != nil {
			t.Fatal(err)
		}
	}
	sub, _ := e.n.Templates().Subscribe(notify.EventAccepted)
	oa, ok := e.n.Templates().Official(notify.EventAccepted)
	if sub.ID != "sim-tmpl-progress" || !ok || oa.ID != "sim-oa-progress" {
		t.Fatalf("after reset: %s %s %v", sub.ID, oa.ID, ok)
	}
	for action, want := range map[string]int{"template.set": 2, "template.reset": 2} {
		recs, err := e.db.Audit().Find(e.ctx, audit.Query{Action: action, Result: audit.OK})
		if err != nil || len(recs) != want {
			t.Errorf("%s audited %d, want %d (%v)", action, len(recs), want, err)
		}
	}
	if recs, _ := e.db.Audit().Find(e.ctx, audit.Query{Action: "template.set", Result: audit.Denied}); len(recs) != 1 {
		t.Errorf("denied edits audited %d, want 1", len(recs))
	}
}
