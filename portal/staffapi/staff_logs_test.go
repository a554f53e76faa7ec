package staffapi_test

import (
	"strings"
	"testing"
	"time"

	"sunshine/app/casework"
)

// TestLogsHoldNoSecrets runs a full staff scenario — logins that succeed,
// fail and lock, user administration, intake with phone numbers, the whole
// workflow, a consultation, logout — and then reads every log line: no
// token, password or full phone number may appear.
func TestLogsHoldNoSecrets(t *testing.T) {
	f := newStaffFixture(t)
	secrets := []string{staffPassword, "wrong-password1", "Start12345", "NewPassw0rd9",
		"13800138000", "13900139000", "13912345678", "13700001111", "13655556666"}

	f.login(f.username("specB"), "wrong-password1")
	for i := 0; i < 5; i++ {
		f.login(f.username("liaisonB"), "wrong-password1")
	}
	f.login("unknown."+f.suffix, "wrong-password1")
	admin := f.token("admin")
	var created struct {
		ID int64 `json:"id"`
	}
	f.call("POST", "/api/staff/v1/users", admin, map[string]any{"username": "logtest." + f.suffix, "password": "Start12345",
		"role": "clerk", "name": "日志测试", "phone": "13700001111"}, 201, &created)
	f.call("POST", userPath(created.ID, "/password"), admin, map[string]any{"password": "NewPassw0rd9"}, 204, nil)
	f.call("POST", userPath(created.ID, "/disable"), admin, nil, 200, nil)

	c := f.caseAt(casework.Delivered)
	f.call("POST", casePath(c.ID, "/rating"), f.token("clerk"), map[string]any{"score": 1, "comment": "不满意", "attachment_id": f.scan(c.ID)}, 200, nil)
	f.call("POST", "/api/staff/v1/consultations", f.token("clerk"), map[string]any{"unit": "某公司", "record": "咨询",
		"phone": "13655556666", "case_id": c.ID}, 201, nil)
	f.fail("POST", casePath(c.ID, "/actions/accept"), f.token("clerk"), map[string]any{"version": 1, "service_type": "assist"}, 409)
	f.fail("GET", casePath(c.ID, ""), f.token("specB"), nil, 404)
	f.clk.add(31 * time.Minute)
	f.fail("GET", "/api/staff/v1/me", f.tokens["clerk"], nil, 401)
	delete(f.tokens, "clerk")
	tok := f.token("clerk")
	f.call("POST", "/api/staff/v1/logout", tok, nil, 204, nil)

	logs := f.logs.String()
	if !strings.Contains(logs, "staff login") || !strings.Contains(logs, "account locked") {
		t.Fatalf("the scenario logged nothing to check:\n%s", logs)
	}
	for _, tok := range f.tokens {
		secrets = append(secrets, tok)
	}
	secrets = append(secrets, tok)
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("log output contains a secret %q", s[:4]+"…")
		}
	}
	// Usernames typed at the login box are not logged either (people type
	// passwords there).
	if strings.Contains(logs, "unknown."+f.suffix) {
		t.Error("log output contains a typed unknown username")
	}
}
