package staffapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/accounts"
	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/members"
	"sunshine/app/session"
	"sunshine/app/system/systemtest"
	"sunshine/portal/staffapi"
)

// TestMemberVerification: the window lists the users waiting for
// verification and verifies one; only a clerk or the head may; the user
// then sees the enterprise's cases.
func TestMemberVerification(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := func() time.Time { return fxMonday }
	sys := systemtest.New(t, systemtest.Options{Now: now})
	db, caseSvc, sess, mem := sys.DB, sys.Cases, sys.Sessions, sys.Members
	p := staffapi.New(staffapi.DepsOf(sys))
	root := fiber.New()
	root.Use(func(c *fiber.Ctx) error {
		c.SetUserContext(audit.WithRequest(c.UserContext(), audit.Request{IP: "10.9.8.7", RequestID: "req-members"}))
		return c.Next()
	})
	root.Mount("/", p)

	token := map[string]string{}
	base := rand.Int64N(1<<40) + 1<<30
	for i, r := range []casework.Role{casework.RoleClerk, casework.RoleSpecialist} {
		s := &accounts.Staff{ID: base + int64(i), Username: fmt.Sprintf("m%d", base+int64(i)), PasswordHash: "-",
			Role: r, Name: r.Label(), CreatedAt: fxMonday, UpdatedAt: fxMonday}
		if err := db.Staff().CreateStaff(ctx, s); err != nil {
			t.Fatal(err)
		}
		tok, _, err := sess.Create(ctx, session.Staff, s.ID, string(r), nil)
		if err != nil {
			t.Fatal(err)
		}
		token[string(r)] = tok
	}
	callBody := func(method, path, who, body string) (int, []byte) {
		var r io.Reader
		if body != "" {
			r = strings.NewReader(body)
		}
		req := httptest.NewRequest(method, path, r)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if who != "" {
			req.Header.Set("Authorization", "Bearer "+token[who])
		}
		res, err := root.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	call := func(method, path, who string) (int, []byte) { return callBody(method, path, who, "") }

	code := casework.CreditCodeWithCheck("91441700MA0000771")
	admin, _ := db.Members().UpsertMember(ctx, "openid-admin-"+fmt.Sprint(base), "", fxMonday)
	claimant, _ := db.Members().UpsertMember(ctx, "openid-claim-"+fmt.Sprint(base), "", fxMonday)
	if err := db.Members().SetPhone(ctx, claimant.ID, "13912345678", fxMonday); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*members.Member{admin, claimant} {
		if _, err := mem.Bind(ctx, m, members.BindInput{CreditCode: code, Name: "窗口核验公司"}); err != nil {
			t.Fatal(err)
		}
	}
	clerkActor := casework.Actor{ID: 1, Role: casework.RoleClerk, Name: "窗口"}
	if _, err := mem.Verify(ctx, clerkActor, admin.ID, "营业执照原件"); err != nil {
		t.Fatal(err)
	}
	admin, _ = db.Members().Member(ctx, admin.ID)
	form := fxForm()
	form.Enterprise.CreditCode = code
	adminCase, err := caseSvc.Submit(ctx, admin.Viewer(), cases.SubmitInput{Form: form, Channel: casework.ChannelMiniProgram, Mode: casework.FormIntake})
	if err != nil {
		t.Fatal(err)
	}
	claimant, _ = db.Members().Member(ctx, claimant.ID)
	if _, err := caseSvc.CanSee(ctx, claimant.Viewer(), adminCase.ID); err == nil {
		t.Fatalf("an unverified claimant sees the admin's case")
	}

	status, body := call("GET", "/api/staff/v1/members?pending=1", "clerk")
	var list struct {
		Items []struct {
			ID       int64
			Phone    string
			Verified bool
		}
	}
	_ = json.Unmarshal(body, &list)
	if status != 200 || len(list.Items) != 1 || list.Items[0].ID != claimant.ID || list.Items[0].Phone != "139****5678" {
		t.Fatalf("pending list %d %s", status, body)
	}
	if strings.Contains(string(body), "openid") {
		t.Fatalf("the list shows WeChat identifiers: %s", body)
	}
	verify := fmt.Sprintf("/api/staff/v1/members/%d/verify", claimant.ID)
	if status, _ := call("POST", verify, ""); status != 401 {
		t.Fatalf("anonymous verify: %d", status)
	}
	note := `{"note":"营业执照原件"}`
	if status, _ := callBody("POST", verify, "specialist", note); status != 403 {
		t.Fatalf("specialist verify: %d", status)
	}
	if status, _ := callBody("POST", "/api/staff/v1/members/999999999/verify", "clerk", note); status != 404 {
		t.Fatalf("unknown member: %d", status)
	}
	if status, body := callBody("POST", verify, "clerk", `{}`); status != 422 || !strings.Contains(string(body), `"note"`) {
		t.Fatalf("verify without a note: %d %s", status, body)
	}
	status, body = callBody("POST", verify, "clerk", `{"note":"营业执照原件、授权委托书"}`)
	if status != 200 || !strings.Contains(string(body), `"verified":true`) || !strings.Contains(string(body), `"verified_via":"window"`) {
		t.Fatalf("verify: %d %s", status, body)
	}
	claimant, _ = db.Members().Member(ctx, claimant.ID)
	if _, err := caseSvc.CanSee(ctx, claimant.Viewer(), adminCase.ID); err != nil {
		t.Fatalf("the verified member does not see the enterprise's case: %v", err)
	}
	if status, body = call("GET", "/api/staff/v1/members?pending=1", "clerk"); status != 200 || strings.Contains(string(body), fmt.Sprintf(`"id":%d`, claimant.ID)) {
		t.Fatalf("still pending: %s", body)
	}
}
