package staffapi_test

import (
	"context"
	"fmt"
	"strings"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/casework/caseworktest"
	"sunshine/app/files"
)

// caseJSON is the part of the case answer the tests look at.
type caseJSON struct {
	ID          int64   `json:"id"`
	Number      string  `json:"number"`
	Status      string  `json:"status"`
	Stage       string  `json:"stage"`
	Version     int     `json:"version"`
	Channel     string  `json:"channel"`
	ServiceType string  `json:"service_type"`
	Deadline    *string `json:"deadline"`
	Overdue     bool    `json:"overdue"`
	Specialist  *struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"specialist"`
	Form struct {
		Enterprise struct {
			Name string `json:"name"`
			Lead struct {
				Phone string `json:"phone"`
			} `json:"lead"`
		} `json:"enterprise"`
	} `json:"form"`
	Registration struct {
		Consultation *struct {
			Unit  string `json:"unit"`
			Phone string `json:"phone"`
		} `json:"consultation"`
	} `json:"registration"`
	Timeline []struct {
		Action string         `json:"action"`
		Status string         `json:"status"`
		Public bool           `json:"public"`
		Actor  map[string]any `json:"actor"`
	} `json:"timeline"`
	Rating *struct {
		Score  int    `json:"score"`
		Source string `json:"source"`
	} `json:"rating"`
	Actions []struct {
		Action string `json:"action"`
	} `json:"actions"`
}

// validForm is a complete application form as JSON (the shared kit).
func validForm() map[string]any { return caseworktest.FormJSON() }

// step is one action on the way to a status, taken by a fixture user.
type step struct {
	user    string
	action  casework.Action
	payload map[string]any // nil: validPayload
}

// userFor names the fixture user who takes an action on the kit's paths.
var userFor = map[casework.Role]string{casework.RoleClerk: "clerk", casework.RoleHead: "head", casework.RoleSpecialist: "specA"}

// pathTo says how a case reaches each status through the staff API: the
// shared kit's paths, each step taken by the first staff role of its row
// (the specialist records the receipt, with the tracking proof). The
// enterprise-only withdrawal is not reachable here.
var pathTo = func() map[casework.Status][]step {
	out := map[casework.Status][]step{}
	for _, s := range casework.Statuses {
		path, _ := caseworktest.PathTo(s)
		ok := true
		var steps []step
		for _, st := range path {
			r, _ := casework.Lookup(st.Action)
			var user string
			for _, role := range r.Roles {
				if u, found := userFor[role]; found {
					user = u
					break
				}
			}
			if user == "" {
				ok = false
				break
			}
			p := st.Payload
			if st.Action == casework.ActionConfirmReceipt {
				p = map[string]any{"proof": "EMS 查询：企业已签收"}
			}
			steps = append(steps, step{user, st.Action, p})
		}
		if ok {
			out[s] = steps
		}
	}
	return out
}()

// validPayload fills every field of the action's row with a valid value
// (the shared kit); ids name specialist A, or B when A already serves the
// case; flags are false (internal records).
func (f *staffFixture) validPayload(a casework.Action, c caseJSON) map[string]any {
	t, _ := casework.Lookup(a)
	var current int64
	if c.Specialist != nil {
		current = c.Specialist.ID
	}
	p := caseworktest.Payload(t, current, caseworktest.IDs{SpecialistA: f.users["specA"].ID, SpecialistB: f.users["specB"].ID})
	for _, fl := range t.Fields {
		if fl.Kind == casework.KBool {
			p[fl.Name] = false
		}
	}
	return p
}

// scan stores a scanned paper form as an attachment of the case and
// returns its id.
func (f *staffFixture) scan(caseID int64) int64 {
	f.t.Helper()
	m := &files.Meta{CaseID: caseID, Name: "评价表.pdf", StoredName: fmt.Sprintf("scan-%d", caseID), ContentType: "application/pdf",
		Size: 1, SHA256: strings.Repeat("0", 64), UploaderRole: casework.RoleClerk, UploaderID: f.users["clerk"].ID, CreatedAt: f.clk.now()}
	if err := f.db.Attachments().InsertAttachment(context.Background(), m,
		&audit.Record{At: f.clk.now(), ActorRole: "clerk", Action: "attachment.upload", ObjectType: "attachment", Result: audit.OK}); err != nil {
		f.t.Fatal(err)
	}
	return m.ID
}

// submit types in a window case as the clerk.
func (f *staffFixture) submit() caseJSON {
	f.t.Helper()
	var c caseJSON
	f.call("POST", "/api/staff/v1/cases", f.token("clerk"), map[string]any{"channel": "window", "form": validForm()}, 201, &c)
	return c
}

// act takes an action as a fixture user and expects 200.
func (f *staffFixture) act(user string, c caseJSON, a casework.Action, payload map[string]any) caseJSON {
	f.t.Helper()
	if payload == nil {
		payload = f.validPayload(a, c)
	}
	body := map[string]any{"version": c.Version}
	for k, v := range payload {
		body[k] = v
	}
	var out caseJSON
	f.call("POST", fmt.Sprintf("/api/staff/v1/cases/%d/actions/%s", c.ID, a), f.token(user), body, 200, &out)
	return out
}

// caseAt submits a case and drives it to status s through the API.
func (f *staffFixture) caseAt(s casework.Status) caseJSON {
	f.t.Helper()
	path, ok := pathTo[s]
	if !ok {
		f.t.Fatalf("no path to %s", s)
	}
	c := f.submit()
	for _, st := range path {
		c = f.act(st.user, c, st.action, st.payload)
	}
	if c.Status != string(s) {
		f.t.Fatalf("path to %s ended in %s", s, c.Status)
	}
	return c
}

// get reads a case as a fixture user.
func (f *staffFixture) get(user string, id int64) caseJSON {
	f.t.Helper()
	var c caseJSON
	f.call("GET", fmt.Sprintf("/api/staff/v1/cases/%d", id), f.token(user), nil, 200, &c)
	return c
}

// addMatter routes a case to a department (the matters API is another
// file's; the row is all visibility needs).
func (f *staffFixture) addMatter(caseID int64, dept string) {
	f.t.Helper()
	now := f.clk.now().UTC()
	err := f.db.W.WithContext(context.Background()).Exec(
		"INSERT INTO department_matters (case_id, department, name, deadline, status, created_by, created_at, updated_at) VALUES (?, ?, ?, '', 'open', 0, ?, ?)",
		caseID, dept, "建设用地规划许可", now, now).Error
	if err != nil {
		f.t.Fatalf("add matter: %v", err)
	}
}

func casePath(id int64, rest string) string { return fmt.Sprintf("/api/staff/v1/cases/%d%s", id, rest) }
