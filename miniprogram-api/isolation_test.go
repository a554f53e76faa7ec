package mpapi_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"testing"

	"sunshine/app/casework"
	"sunshine/app/files/filestest"
)

// upload posts a file to a case as u.
func (e *env) upload(u *user, caseID int64, name string, data []byte) *resp {
	e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(data)
	w.Close()
	req := httptest.NewRequest("POST", fmt.Sprintf("/api/mp/v1/cases/%d/attachments", caseID), &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+u.Token)
	return e.send(req)
}

// deliverInPerson walks an in-service case to delivered.
func (e *env) deliverInPerson(id int64) {
	e.t.Helper()
	e.act(e.spec, id, casework.ActionProposeClose, map[string]any{"result": "completed", "explanation": "已取得许可证"})
	e.act(e.head, id, casework.ActionSignOff, map[string]any{"opinion": "同意办结"})
	e.act(e.spec, id, casework.ActionDeliver, map[string]any{"method": "in_person", "signed_by": "李四"})
}

// TestIsolation: two enterprises, and two users of one credit code where
// the second is not yet verified: nobody reads, lists, rates, downloads or
// acts on a case that is not theirs — the answer is 404, as for a case that
// does not exist. Runs on SQLite and, with TEST_MYSQL_DSN, on MariaDB.
func TestIsolation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	codeA, codeB := creditCode(11), creditCode(12)
	a1, a2, b := e.login("a1"), e.login("a2"), e.login("b")
	e.bindVerified(a1, codeA, "甲公司")
	e.bindVerified(b, codeB, "乙公司")
	must(t, e.bind(a2, codeA, "甲公司", ""), 200) // claims A, not verified

	cA1 := e.submit(a1, codeA, "甲公司项目")
	cB := e.submit(b, codeB, "乙公司项目")
	cA2 := e.submit(a2, codeA, "甲公司另一项目")
	attach := map[int64]int64{}
	for _, x := range []struct {
		u *user
		c caseOut
	}{{a1, cA1}, {b, cB}, {a2, cA2}} {
		var out struct{ ID int64 }
		must(t, e.upload(x.u, x.c.ID, "营业执照.pdf", filestest.PDF()), 201).decode(t, &out)
		attach[x.c.ID] = out.ID
	}
	for _, id := range []int64{cA1.ID, cB.ID} {
		e.toService(id)
		e.deliverInPerson(id)
	}

	forbidden := []struct {
		who  *user
		c    caseOut
		what string
	}{
		{a2, cA1, "unverified claimant → admin's case"},
		{b, cA1, "other enterprise → A's case"},
		{a1, cB, "A's admin → B's case"},
		{a1, cA2, "admin → unverified claimant's case"},
		{a2, cB, "claimant → B's case"},
	}
	for _, f := range forbidden {
		t.Run(f.what, func(t *testing.T) {
			id := f.c.ID
			base := fmt.Sprintf("/api/mp/v1/cases/%d", id)
			for _, r := range []*resp{
				e.call("GET", base, f.who.Token, nil),
				e.call("GET", base+"/attachments", f.who.Token, nil),
				e.call("GET", fmt.Sprintf("%s/attachments/%d", base, attach[id]), f.who.Token, nil),
				e.call("POST", base+"/rating", f.who.Token, map[string]any{"score": 1, "comment": "差"}),
				e.call("POST", base+"/urge", f.who.Token, nil),
				e.call("POST", base+"/withdraw", f.who.Token, map[string]any{}),
				e.call("POST", base+"/receipt", f.who.Token, nil),
				e.call("POST", base+"/supplement", f.who.Token, map[string]any{"note": "x"}),
			} {
				if r.Status != 404 {
					t.Fatalf("status %d, want 404: %s", r.Status, r.Body)
				}
			}
			if r := e.upload(f.who, id, "x.pdf", filestest.PDF()); r.Status != 404 {
				t.Fatalf("upload: %d %s", r.Status, r.Body)
			}
			if ids := e.listIDs(f.who); contains64(ids, id) {
				t.Fatalf("listed %d among %v", id, ids)
			}
		})
	}
	// Nothing was rated by the attempts above.
	for _, id := range []int64{cA1.ID, cB.ID} {
		if c, _ := e.cases.CanSee(ctx, e.clerk, id); c.Rating != nil {
			t.Fatalf("case %d rated by an outsider", id)
		}
	}
	// Each still sees their own.
	if ids := e.listIDs(a2); len(ids) != 1 || ids[0] != cA2.ID {
		t.Fatalf("claimant lists %v, want only %d", ids, cA2.ID)
	}
	if ids := e.listIDs(a1); len(ids) != 1 || ids[0] != cA1.ID {
		t.Fatalf("admin lists %v, want only %d", ids, cA1.ID)
	}
	must(t, e.call("GET", fmt.Sprintf("/api/mp/v1/cases/%d/attachments/%d", cA2.ID, attach[cA2.ID]), a2.Token, nil), 200)

	// Once a clerk verifies the claimant, both see the enterprise's cases,
	// the claimant's earlier one included.
	if _, err := e.members.Verify(ctx, e.clerk.Actor, a2.ID, "营业执照原件"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*user{a1, a2} {
		ids := e.listIDs(u)
		if len(ids) != 2 || !contains64(ids, cA1.ID) || !contains64(ids, cA2.ID) {
			t.Fatalf("after verification %s lists %v", u.Name, ids)
		}
	}
	must(t, e.call("GET", fmt.Sprintf("/api/mp/v1/cases/%d/attachments/%d", cA1.ID, attach[cA1.ID]), a2.Token, nil), 200)
	must(t, e.call("GET", fmt.Sprintf("/api/mp/v1/cases/%d", cB.ID), a2.Token, nil), 404)
	// An attachment of one case is not served under another case's path.
	must(t, e.call("GET", fmt.Sprintf("/api/mp/v1/cases/%d/attachments/%d", cA2.ID, attach[cA1.ID]), a2.Token, nil), 404)
}

func (e *env) listIDs(u *user) []int64 {
	e.t.Helper()
	var out struct{ Items []struct{ ID int64 } }
	must(e.t, e.call("GET", "/api/mp/v1/cases", u.Token, nil), 200).decode(e.t, &out)
	ids := []int64{}
	for _, c := range out.Items {
		ids = append(ids, c.ID)
	}
	return ids
}

func contains64(l []int64, x int64) bool {
	for _, y := range l {
		if y == x {
			return true
		}
	}
	return false
}
