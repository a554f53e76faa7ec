package staffapi_test

import (
	"testing"

	"sunshine/app/notify"
)

type templateList struct {
	Items []struct {
		Event        string `json:"event"`
		Channel      string `json:"channel"`
		TemplateID   string `json:"template_id"`
		Fields       string `json:"fields"`
		ConfiguredID string `json:"configured_id"`
		Override     bool   `json:"override"`
	} `json:"items"`
}

func TestTemplatesAdmin(t *testing.T) {
	f := newStaffFixture(t)
	var l templateList
	f.call("GET", "/api/staff/v1/templates", f.token("admin"), nil, 200, &l)
	if len(l.Items) != 2*len(notify.TemplateEvents()) {
		t.Fatalf("%d templates, want every event × 2 channels", len(l.Items))
	}
	f.call("PUT", "/api/staff/v1/templates/delivered/subscribe", f.token("admin"),
		map[string]any{"template_id": "TPL-DELIVERY-2027", "fields": "thing1=project,phrase2=result"}, 200, &l)
	found := false
	for _, it := range l.Items {
		if it.Event == "delivered" && it.Channel == "subscribe" {
			found = it.TemplateID == "TPL-DELIVERY-2027" && it.Override && it.ConfiguredID == "sim-tmpl-delivery" &&
				it.Fields == "thing1=project,phrase2=result"
		}
	}
	if !found {
		t.Fatalf("after the edit: %+v", l.Items)
	}
	f.fail("PUT", "/api/staff/v1/templates/delivered/subscribe", f.token("admin"), map[string]any{"fields": "x"}, 422)
	f.fail("PUT", "/api/staff/v1/templates/delivered/sms", f.token("admin"), map[string]any{"template_id": "x"}, 422)
	f.fail("PUT", "/api/staff/v1/templates/lunch/subscribe", f.token("admin"), map[string]any{"template_id": "x"}, 404)
	for _, who := range []string{"head", "clerk", "supervisor", "specA"} {
		f.fail("GET", "/api/staff/v1/templates", f.token(who), nil, 403)
		f.fail("PUT", "/api/staff/v1/templates/delivered/subscribe", f.token(who), map[string]any{"template_id": "x"}, 403)
		f.fail("DELETE", "/api/staff/v1/templates/delivered/subscribe", f.token(who), nil, 403)
	}
	f.call("DELETE", "/api/staff/v1/templates/delivered/subscribe", f.token("admin"), nil, 200, &l)
	for _, it := range l.Items {
		if it.Event == "delivered" && it.Channel == "subscribe" && (it.Override || it.TemplateID != "sim-tmpl-delivery") {
			t.Fatalf("after the reset: %+v", it)
		}
	}
}
