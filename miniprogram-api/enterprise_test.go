package mpapi_test

import (
	"fmt"
	"testing"

	"sunshine/app/errs"
)

type meOut struct {
	ID         int64
	Name       string
	MemberRole string `json:"member_role"`
	Verified   bool
	Membership string
	Via        string `json:"verified_via"`
	Enterprise *struct {
		ID         int64
		Name       string
		CreditCode string `json:"credit_code"`
		Address    string
	}
}

func (e *env) me(u *user) meOut {
	e.t.Helper()
	var m meOut
	must(e.t, e.call("GET", "/api/mp/v1/me", u.Token, nil), 200).decode(e.t, &m)
	return m
}

func TestEnterpriseMembership(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	code := creditCode(1)
	admin, second, invited := e.login("admin"), e.login("second"), e.login("invited")

	t.Run("first_registrant_is_a_claimant_until_a_clerk_verifies", func(t *testing.T) {
		var m meOut
		must(t, e.bind(admin, code, "阳光科技有限公司", ""), 200).decode(t, &m)
		if m.MemberRole != "member" || m.Verified || m.Membership != "claimant" || m.Enterprise == nil || m.Enterprise.Name != "阳光科技有限公司" {
			t.Fatalf("first registrant: %+v", m)
		}
		must(t, e.call("POST", "/api/mp/v1/enterprise/invitations", admin.Token, nil), 403)
		e.verify(admin)
		if m := e.me(admin); m.MemberRole != "admin" || !m.Verified || m.Via != "window" {
			t.Fatalf("verified claimant: %+v", m)
		}
	})
	t.Run("second_user_joins_unverified_and_cannot_rename", func(t *testing.T) {
		var m meOut
		must(t, e.bind(second, code, "冒名公司", ""), 200).decode(t, &m)
		if m.Verified || m.Membership != "pending" || m.MemberRole != "member" || m.Enterprise.Name != "阳光科技有限公司" {
			t.Fatalf("second user: %+v", m)
		}
		if m.Enterprise.Address != "" {
			t.Fatalf("an unverified claimant sees the enterprise's details: %+v", m.Enterprise)
		}
	})
	t.Run("bad_credit_code_is_422_and_changes_nothing", func(t *testing.T) {
		bad := code[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(indexOf(code[17])+1)%31])
		r := must(t, e.bind(admin, bad, "别的公司", ""), 422)
		if r.errCode() != "unprocessable" {
			t.Fatalf("code %q", r.errCode())
		}
		if m := e.me(admin); m.Enterprise.CreditCode != code || !m.Verified {
			t.Fatalf("a refused change moved the user: %+v", m)
		}
	})
	t.Run("invitation_verifies_once", func(t *testing.T) {
		must(t, e.call("POST", "/api/mp/v1/enterprise/invitations", second.Token, nil), 403)
		var inv struct{ Code string }
		must(t, e.call("POST", "/api/mp/v1/enterprise/invitations", admin.Token, nil), 201).decode(t, &inv)
		if len(inv.Code) != 8 {
			t.Fatalf("invitation %+v", inv)
		}
		must(t, e.bind(invited, code, "", "ZZZZZZZZ"), 422)
		if m := e.me(invited); m.Enterprise != nil {
			t.Fatalf("a refused invitation bound the user: %+v", m)
		}
		var m meOut
		must(t, e.bind(invited, code, "", inv.Code), 200).decode(t, &m)
		if !m.Verified || m.Via != "invite" || m.MemberRole != "member" {
			t.Fatalf("invited user: %+v", m)
		}
		// Single use: another user cannot reuse it.
		late := e.login("late")
		r := must(t, e.bind(late, code, "", inv.Code), 422)
		if _, ok := errFields(r)["invite_code"]; !ok {
			t.Fatalf("no invite_code message: %s", r.Body)
		}
	})
	t.Run("only_the_admin_edits_the_profile", func(t *testing.T) {
		r := e.call("PUT", "/api/mp/v1/enterprise", invited.Token, map[string]string{"credit_code": code, "address": "别处"})
		must(t, r, 403)
		var m meOut
		must(t, e.call("PUT", "/api/mp/v1/enterprise", admin.Token,
			map[string]string{"credit_code": code, "address": "江城区新地址8号"}), 200).decode(t, &m)
		if m.Enterprise.Address != "江城区新地址8号" {
			t.Fatalf("admin edit: %+v", m.Enterprise)
		}
	})
	t.Run("admin_with_members_cannot_leave", func(t *testing.T) {
		must(t, e.bind(admin, creditCode(2), "另一家公司", ""), 409)
	})
	t.Run("clerk_verifies_at_the_window", func(t *testing.T) {
		if _, err := e.members.Verify(ctx, e.spec.Actor, second.ID, "营业执照原件"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a specialist verified a member: %v", err)
		}
		if _, err := e.members.Verify(ctx, e.clerk.Actor, second.ID, " "); !errs.Is(err, errs.Unprocessable) {
			t.Fatalf("verified without a note: %v", err)
		}
		p, err := e.members.Verify(ctx, e.clerk.Actor, second.ID, "营业执照原件、授权委托书")
		if err != nil || !p.Member.Verified || p.Member.VerifiedVia != "window" {
			t.Fatalf("verify: %+v, %v", p, err)
		}
		if m := e.me(second); !m.Verified || m.Membership != "verified" {
			t.Fatalf("after verification: %+v", m)
		}
		nobody := e.login("nobody")
		if _, err := e.members.Verify(ctx, e.clerk.Actor, nobody.ID, "营业执照原件"); !errs.Is(err, errs.Conflict) {
			t.Fatalf("verified a user without enterprise: %v", err)
		}
	})
}

func indexOf(c byte) int {
	for i, x := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if byte(x) == c {
			return i
		}
	}
	return 0
}

func errFields(r *resp) map[string]string {
	var b struct {
		Error struct{ Fields map[string]string } `json:"error"`
	}
	_ = jsonUnmarshal(r.Body, &b)
	return b.Error.Fields
}

// TestAdminlessEnterpriseIsNotClaimedByTheNextComer: once the administrator
// has left an enterprise, its credit code is registered already, so whoever
// enters it next — a newcomer or a claimant who was waiting — joins
// unverified and does not see the cases filed under the enterprise
// (SPEC §2: claiming a credit code never reveals another user's cases);
// a clerk at the window can still verify them, and the first one verified
// becomes the administrator.
func TestAdminlessEnterpriseIsNotClaimedByTheNextComer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	code := creditCode(81)
	founder, waiting, newcomer := e.login("founder"), e.login("waiting"), e.login("newcomer")
	e.bindVerified(founder, code, "先登记公司")
	must(t, e.bind(waiting, code, "", ""), 200) // pending
	c := e.submit(founder, code, "创始人的项目")
	// The administrator moves to another enterprise: allowed, nobody else is verified.
	must(t, e.bind(founder, creditCode(82), "新公司", ""), 200)

	for _, u := range []*user{newcomer, waiting} {
		var m meOut
		must(t, e.bind(u, code, "", ""), 200).decode(t, &m)
		if m.Verified || m.MemberRole == "admin" || m.Membership != "claimant" {
			t.Fatalf("%s took over an enterprise whose administrator left: %+v", u.Name, m)
		}
		must(t, e.call("GET", "/api/mp/v1/cases/"+itoa(c.ID), u.Token, nil), 404)
		if ids := e.listIDs(u); contains64(ids, c.ID) {
			t.Fatalf("%s lists the founder's case %d", u.Name, c.ID)
		}
	}
	// The founder still sees the case they submitted.
	must(t, e.call("GET", "/api/mp/v1/cases/"+itoa(c.ID), founder.Token, nil), 200)

	// A clerk checks the papers: the verified member becomes administrator.
	p, err := e.members.Verify(ctx, e.clerk.Actor, waiting.ID, "营业执照原件、授权委托书")
	if err != nil || p.Member.Role != "admin" || !p.Member.Verified {
		t.Fatalf("window verification: %+v, %v", p, err)
	}
	must(t, e.call("GET", "/api/mp/v1/cases/"+itoa(c.ID), waiting.Token, nil), 200)
}

func itoa(n int64) string { return fmt.Sprint(n) }

// TestInvitationDiesWithItsAdministrator: an invitation is the
// administrator's word for a newcomer; once they have left the enterprise,
// their unused codes no longer verify anyone.
func TestInvitationDiesWithItsAdministrator(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	code := creditCode(83)
	founder, newcomer := e.login("founder"), e.login("newcomer")
	e.bindVerified(founder, code, "先登记公司")
	c := e.submit(founder, code, "创始人的项目")
	var inv struct{ Code string }
	must(t, e.call("POST", "/api/mp/v1/enterprise/invitations", founder.Token, nil), 201).decode(t, &inv)
	must(t, e.bind(founder, creditCode(84), "新公司", ""), 200)

	r := must(t, e.bind(newcomer, code, "", inv.Code), 422)
	if _, ok := errFields(r)["invite_code"]; !ok {
		t.Fatalf("no invite_code message: %s", r.Body)
	}
	if m := e.me(newcomer); m.Verified || m.Enterprise != nil {
		t.Fatalf("a departed administrator's invitation verified %+v", m)
	}
	must(t, e.call("GET", "/api/mp/v1/cases/"+itoa(c.ID), newcomer.Token, nil), 404)
}
