package mpapi_test

import (
	"context"
	"testing"

	"sunshine/app/casework"
	"sunshine/app/notify"
)

// TestSubscriptionsFollowTheAdminsTemplates: a subscribe template id the
// admin sets at run time is accepted from the mini-program and credited.
func TestSubscriptionsFollowTheAdminsTemplates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	u := e.login("tmpl")
	must(t, e.call("POST", "/api/mp/v1/subscriptions", u.Token, map[string]any{"accepted": []string{"TPL-PROGRESS-2027"}}), 422)
	admin := casework.Actor{ID: 1, Role: casework.RoleAdmin, Name: "管理员"}
	ta := notify.NewTemplateAdmin(e.db.NotifyTemplates(), e.notify.Templates(), e.db.Audit(), e.clock.Now, nil)
	if err := ta.Set(ctx, admin, notify.EventAccepted, notify.TemplateSubscribe, "TPL-PROGRESS-2027", ""); err != nil {
		t.Fatal(err)
	}
	must(t, e.call("POST", "/api/mp/v1/subscriptions", u.Token, map[string]any{"accepted": []string{"TPL-PROGRESS-2027"}}), 200)
	if n, err := e.notify.Credits().Balance(ctx, u.OpenID, "TPL-PROGRESS-2027"); err != nil || n != 1 {
		t.Fatalf("credits for the new template: %d, %v", n, err)
	}
	// The configured id stays acceptable (an older mini-program build still reports it).
	must(t, e.call("POST", "/api/mp/v1/subscriptions", u.Token, map[string]any{"accepted": []string{"sim-tmpl-progress"}}), 200)
}
