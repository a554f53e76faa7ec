package staffapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"sunshine/app/casework"
)

// TestLeastPrivilege is issue 10 hole 6: a liaison with one matter routed
// to their department read the whole case (full phones, internal notes);
// every specialist read every never-assigned rejected case whole; staff
// case detail showed full phone numbers and the reading was not audited.
func TestLeastPrivilege(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t)
	c := f.caseAt(casework.InService) // assigned to specA
	c = f.act("specA", c, casework.ActionRecord, map[string]any{"note": "内部记录：企业法人手机13800138000", "public": false})
	f.addMatter(c.ID, "市自然资源局")

	raw := func(user string, id int64) string {
		status, body := f.do("GET", casePath(id, ""), f.token(user), nil)
		if status != 200 {
			t.Fatalf("%s reads case %d: %d %s", user, id, status, body)
		}
		return string(body)
	}
	t.Run("liaison_reads_the_matter", func(t *testing.T) {
		body := raw("liaison", c.ID)
		var got struct {
			View    string
			Form    struct{ Enterprise, Project map[string]any }
			Matters []struct{ Name, Department string }
		}
		_ = json.Unmarshal([]byte(body), &got)
		if got.View != "matter" || len(got.Matters) != 1 || got.Matters[0].Name != "建设用地规划许可" || got.Form.Project["name"] == "" {
			t.Fatalf("liaison view %s", body)
		}
		for _, secret := range []string{"13800138000", "138****8000", "内部记录", "13900139000", "contact@example.cn"} {
			if strings.Contains(body, secret) {
				t.Errorf("the liaison reads %q: %s", secret, body)
			}
		}
		f.fail("GET", casePath(c.ID, "/print/application"), f.token("liaison"), nil, 403)
	})
	t.Run("archive_pool_shows_what_archiving_needs", func(t *testing.T) {
		r := f.caseAt(casework.Rejected) // never assigned
		body := raw("specB", r.ID)
		if !strings.Contains(body, `"view":"archive_pool"`) || !strings.Contains(body, r.Number) {
			t.Fatalf("pool view %s", body)
		}
		for _, secret := range []string{"13800138000", "138****8000", "13900139000", "contact@example.cn", "江城区"} {
			if strings.Contains(body, secret) {
				t.Errorf("the archiving pool shows %q: %s", secret, body)
			}
		}
		f.fail("POST", casePath(r.ID, "/reveal"), f.token("specB"), map[string]any{"field": "lead.phone"}, 403)
	})
	t.Run("staff_detail_masks_phones_and_is_audited", func(t *testing.T) {
		var before int64
		f.db.R.Raw("SELECT COUNT(*) FROM audit_records WHERE action = 'case.read' AND object_id = ? AND actor_id = ?",
			fmt.Sprint(c.ID), f.users["clerk"].ID).Scan(&before)
		body := raw("clerk", c.ID)
		if strings.Contains(body, "13800138000") || strings.Contains(body, "13900139000") || !strings.Contains(body, "138****8000") {
			t.Fatalf("clerk detail shows full numbers: %s", body)
		}
		var after int64
		f.db.R.Raw("SELECT COUNT(*) FROM audit_records WHERE action = 'case.read' AND object_id = ? AND actor_id = ?",
			fmt.Sprint(c.ID), f.users["clerk"].ID).Scan(&after)
		if after != before+1 {
			t.Fatalf("case reads audited %d → %d, want one more", before, after)
		}
	})
	t.Run("reveal_is_audited_and_limited", func(t *testing.T) {
		var out struct{ Field, Value string }
		f.call("POST", casePath(c.ID, "/reveal"), f.token("clerk"), map[string]any{"field": "lead.phone"}, 200, &out)
		if out.Value != "13800138000" {
			t.Fatalf("reveal %+v", out)
		}
		f.call("POST", casePath(c.ID, "/reveal"), f.token("specA"), map[string]any{"field": "handler.phone"}, 200, &out)
		if out.Value != "13900139000" {
			t.Fatalf("reveal by the case's specialist %+v", out)
		}
		for _, who := range []string{"liaison", "supervisor", "admin"} {
			f.fail("POST", casePath(c.ID, "/reveal"), f.token(who), map[string]any{"field": "lead.phone"}, 403)
		}
		f.fail("POST", casePath(c.ID, "/reveal"), f.token("specB"), map[string]any{"field": "lead.phone"}, 404)
		f.fail("POST", casePath(c.ID, "/reveal"), f.token("clerk"), map[string]any{"field": "email"}, 422)
		var n int64
		f.db.R.Raw("SELECT COUNT(*) FROM audit_records WHERE action = 'case.reveal' AND result = 'ok' AND object_id = ?", fmt.Sprint(c.ID)).Scan(&n)
		if n != 2 {
			t.Fatalf("%d audited reveals, want 2", n)
		}
	})
}
