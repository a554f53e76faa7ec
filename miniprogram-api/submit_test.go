package mpapi_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
)

func TestSubmitValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login("form")
	bad := form(creditCode(31)[:17]+"0", "项目")
	ent := bad["enterprise"].(map[string]any)
	ent["lead"] = map[string]string{"name": "张三", "phone": "12345"}
	ent["email"] = "not-an-email"
	bad["project"].(map[string]any)["total_investment"] = "-3.141"
	bad["project"].(map[string]any)["fund_sources"] = []string{"bank"}
	bad["entrustment"].(map[string]any)["service_type"] = "both"
	r := must(t, e.call("POST", "/api/mp/v1/cases", u.Token, bad), 422)
	fields := errFields(r)
	for _, k := range []string{"enterprise.credit_code", "enterprise.lead.phone", "enterprise.email",
		"project.total_investment", "project.fund_sources", "entrustment.service_type"} {
		if fields[k] == "" {
			t.Errorf("no message for %s: %v", k, fields)
		}
	}
	must(t, e.call("POST", "/api/mp/v1/cases", u.Token, map[string]any{"form": form(creditCode(31), "x")}), 422)
	must(t, e.call("POST", "/api/mp/v1/cases", u.Token, []byte(`{"enterprise":`)), 400)
	raw, _ := json.Marshal(form(creditCode(31), "x"))
	must(t, e.call("POST", "/api/mp/v1/cases", u.Token, append(raw, []byte(`{}`)...)), 400)
	must(t, e.call("POST", "/api/mp/v1/cases", u.Token, map[string]any{"status": "completed"}), 422)
	if ids := e.listIDs(u); len(ids) != 0 {
		t.Fatalf("refused submissions created cases %v", ids)
	}
}

func TestIdempotentSubmit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login("idem")
	code := creditCode(32)
	post := func(key string, project string) *resp {
		return e.call("POST", "/api/mp/v1/cases", u.Token, form(code, project), "Idempotency-Key", key)
	}
	var first, again caseOut
	r := must(t, post("key-1", "项目一"), 201)
	r.decode(t, &first)
	r = must(t, post("key-1", "项目一"), 201)
	r.decode(t, &again)
	if again.ID != first.ID || r.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay gave case %d (replayed=%q), want %d", again.ID, r.Header.Get("Idempotent-Replayed"), first.ID)
	}
	r = must(t, post("key-1", "另一个项目"), 422)
	if _, ok := errFields(r)["Idempotency-Key"]; !ok {
		t.Fatalf("no Idempotency-Key message: %s", r.Body)
	}
	must(t, post("bad key!", "项目一"), 400)

	// A refused form frees its key for the corrected one.
	bad := form(code, "项目二")
	bad["entrustment"].(map[string]any)["matters"] = ""
	must(t, e.call("POST", "/api/mp/v1/cases", u.Token, bad, "Idempotency-Key", "key-2"), 422)
	must(t, post("key-2", "项目二"), 201)

	// The key is kept in the database, not in Redis: see
	// TestSubmitOnceSurvivesWithoutRedis in app/cases.

	// Concurrent replays create one case.
	var wg sync.WaitGroup
	ids := make([]int64, 12)
	for i := range ids {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := post("key-3", "项目三")
			var c caseOut
			if r.Status == 201 {
				_ = json.Unmarshal(r.Body, &c)
			}
			ids[i] = c.ID
		}(i)
	}
	wg.Wait()
	for _, id := range ids {
		if id == 0 || id != ids[0] {
			t.Fatalf("concurrent replays gave %v", ids)
		}
	}
	want := 3
	if got := e.listIDs(u); len(got) != want {
		t.Fatalf("cases %v, want %d", got, want)
	}
	// Another user's identical key is their own.
	v := e.login("idem2")
	var other caseOut
	must(t, e.call("POST", "/api/mp/v1/cases", v.Token, form(code, "项目一"), "Idempotency-Key", "key-1"), 201).decode(t, &other)
	if other.ID == first.ID {
		t.Fatalf("another user's replay returned %s's case", fmt.Sprint(u.Name))
	}
}
