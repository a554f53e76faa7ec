package staffapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func userPath(id int64, rest string) string { return fmt.Sprintf("/api/staff/v1/users/%d%s", id, rest) }

type userList struct {
	Items []struct {
		ID       int64  `json:"id"`
		Username string `json:"username"`
		Role     string `json:"role"`
		Phone    string `json:"phone"`
		Disabled bool   `json:"disabled"`
	} `json:"items"`
	Next *string `json:"next"`
}

func TestAdminCreatesAndListsUsers(t *testing.T) {
	f := newStaffFixture(t)
	admin := f.token("admin")
	body := map[string]any{"username": "newspec." + f.suffix, "password": "Start12345", "role": "specialist",
		"name": "新专员", "phone": "13700001111", "wecom_userid": "newspec"}
	var u struct {
		ID    int64  `json:"id"`
		Role  string `json:"role"`
		Phone string `json:"phone"`
	}
	_, raw := f.do("POST", "/api/staff/v1/users", admin, body)
	if err := json.Unmarshal(raw, &u); err != nil || u.ID == 0 || u.Role != "specialist" || u.Phone != "137****1111" {
		t.Fatalf("create answer %s", raw)
	}
	if strings.Contains(string(raw), "13700001111") || strings.Contains(string(raw), "$2a$") {
		t.Errorf("create answer leaks phone or hash: %s", raw)
	}
	// The new user can log in.
	if status, e := f.login("newspec."+f.suffix, "Start12345"); status != 200 {
		t.Fatalf("new user login: %d %+v", status, e)
	}
	// A duplicate username is a conflict naming the field.
	e := f.fail("POST", "/api/staff/v1/users", admin, body, 409)
	if e.Error.Fields["username"] == "" {
		t.Errorf("duplicate: %+v", e)
	}
	// Bad input: per-field messages, nothing stored.
	e = f.fail("POST", "/api/staff/v1/users", admin, map[string]any{"username": "x", "password": "short", "role": "boss", "name": ""}, 422)
	for _, k := range []string{"username", "password", "role", "name"} {
		if e.Error.Fields[k] == "" {
			t.Errorf("no message for %s: %v", k, e.Error.Fields)
		}
	}
	e = f.fail("POST", "/api/staff/v1/users", admin, map[string]any{"username": "liaison2." + f.suffix, "password": "Start12345", "role": "liaison", "name": "联络员"}, 422)
	if e.Error.Fields["department"] == "" {
		t.Errorf("liaison without department: %+v", e)
	}

	var all userList
	f.call("GET", "/api/staff/v1/users", admin, nil, 200, &all)
	if len(all.Items) != len(f.users)+1 || all.Next != nil {
		t.Errorf("admin lists %d users, want %d", len(all.Items), len(f.users)+1)
	}
	var specs userList
	f.call("GET", "/api/staff/v1/users?role=specialist", f.token("head"), nil, 200, &specs)
	if len(specs.Items) != 3 {
		t.Errorf("head lists %d specialists, want 3", len(specs.Items))
	}
	for _, it := range specs.Items {
		if it.Role != "specialist" || !strings.Contains(it.Phone, "****") {
			t.Errorf("listed %+v", it)
		}
	}
	f.fail("GET", "/api/staff/v1/users?role=king", admin, nil, 400)
}

func TestOnlyAdminManagesUsers(t *testing.T) {
	f := newStaffFixture(t)
	target := f.users["specB"].ID
	for _, who := range []string{"clerk", "head", "specA", "liaison", "supervisor"} {
		tok := f.token(who)
		f.fail("POST", "/api/staff/v1/users", tok, map[string]any{"username": "evil." + f.suffix, "password": "Start12345", "role": "admin", "name": "x"}, 403)
		f.fail("POST", userPath(target, "/disable"), tok, nil, 403)
		f.fail("PUT", userPath(target, "/role"), tok, map[string]any{"role": "admin"}, 403)
		f.fail("POST", userPath(target, "/password"), tok, map[string]any{"password": "Hacked12345"}, 403)
		f.fail("GET", userPath(target, ""), tok, nil, 403)
	}
	for _, who := range []string{"clerk", "specA", "liaison", "supervisor"} {
		f.fail("GET", "/api/staff/v1/users", f.token(who), nil, 403)
	}
	// Nothing changed: specB still logs in with the old password and role.
	var me struct {
		Role string `json:"role"`
	}
	f.call("GET", "/api/staff/v1/me", f.token("specB"), nil, 200, &me)
	if me.Role != "specialist" {
		t.Errorf("specB role = %s", me.Role)
	}
	if status, _ := f.login(f.username("specB"), staffPassword); status != 200 {
		t.Errorf("specB login: %d", status)
	}
}

func TestAdminCannotLockThemselvesOut(t *testing.T) {
	f := newStaffFixture(t)
	me := f.users["admin"].ID
	f.fail("POST", userPath(me, "/disable"), f.token("admin"), nil, 409)
	f.fail("PUT", userPath(me, "/role"), f.token("admin"), map[string]any{"role": "clerk"}, 409)
	f.fail("POST", userPath(999999999999, "/disable"), f.token("admin"), nil, 404)
	e := f.fail("PUT", userPath(f.users["clerk"].ID, "/role"), f.token("admin"), map[string]any{"role": "liaison"}, 422)
	if e.Error.Fields["department"] == "" {
		t.Errorf("liaison without department: %+v", e)
	}
	e = f.fail("POST", userPath(f.users["clerk"].ID, "/password"), f.token("admin"), map[string]any{"password": "abc"}, 422)
	if e.Error.Fields["password"] == "" {
		t.Errorf("weak password: %+v", e)
	}
}
