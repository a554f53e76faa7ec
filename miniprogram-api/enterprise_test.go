package mpapi_test

import (
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

	t.Run("first_registrant_is_verified_admin", func(t *testing.T) {
		var m meOut
		must(t, e.bind(admin, code, "阳光科技有限公司", ""), 200).decode(t, &m)
		if m.MemberRole != "admin" || !m.Verified || m.Via != "first" || m.Enterprise == nil || m.Enterprise.Name != "阳光科技有限公司" {
			t.Fatalf("first registrant: %+v", m)
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
		if _, err := e.members.Verify(ctx, e.spec.Actor, second.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a specialist verified a member: %v", err)
		}
		p, err := e.members.Verify(ctx, e.clerk.Actor, second.ID)
		if err != nil || !p.Member.Verified || p.Member.VerifiedVia != "window" {
			t.Fatalf("verify: %+v, %v", p, err)
		}
		if m := e.me(second); !m.Verified || m.Membership != "verified" {
			t.Fatalf("after verification: %+v", m)
		}
		nobody := e.login("nobody")
		if _, err := e.members.Verify(ctx, e.clerk.Actor, nobody.ID); !errs.Is(err, errs.Conflict) {
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
