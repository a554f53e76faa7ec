package mpapi_test

import (
	"fmt"
	"testing"
	"time"

	"sunshine/app/casework"
	"sunshine/app/followup"
	"sunshine/app/notify"
)

func TestUrge(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login("urge")
	code := creditCode(41)
	must(t, e.bind(u, code, "催办测试公司", ""), 200)
	c := e.submit(u, code, "项目")
	urge := func(id int64) *resp { return e.call("POST", fmt.Sprintf("/api/mp/v1/cases/%d/urge", id), u.Token, nil) }

	e.toService(c.ID)
	var out struct {
		Urged        bool
		HeadNotified bool `json:"head_notified"`
	}
	must(t, urge(c.ID), 200).decode(t, &out)
	if !out.Urged || out.HeadNotified {
		t.Fatalf("urge of a case on time: %+v", out)
	}
	r := must(t, urge(c.ID), 429)
	if r.errCode() != "too_many" {
		t.Fatalf("code %q", r.errCode())
	}
	e.clock.Add(23 * time.Hour)
	must(t, urge(c.ID), 429)

	// Past the deadline the head is reminded too.
	e.clock.Add(30 * 24 * time.Hour)
	must(t, urge(c.ID), 200).decode(t, &out)
	if !out.HeadNotified {
		t.Fatalf("overdue urge did not remind the head: %+v", out)
	}
	for who, v := range map[string]int64{"specialist": e.spec.ID, "head": e.head.ID} {
		p, err := e.notify.Inbox(ctx, notify.StaffRecipient(v), 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, it := range p.Items {
			if it.Event == notify.EventUrged && it.CaseID == c.ID {
				n++
			}
		}
		if want := map[string]int{"specialist": 2, "head": 1}[who]; n != want {
			t.Fatalf("%s has %d urge reminders, want %d", who, n, want)
		}
	}

	// Waiting for the enterprise's own materials, or finished: nothing to urge.
	d := e.submit(u, code, "项目二")
	e.act(e.clerk, d.ID, casework.ActionRequestInfo, map[string]any{"reason": "缺材料"})
	must(t, urge(d.ID), 409)
	e.act(e.clerk, d.ID, casework.ActionReject, map[string]any{"reason": "不属于服务范围"})
	must(t, urge(d.ID), 409)
}

func TestRatingRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login("rate")
	code := creditCode(42)
	must(t, e.bind(u, code, "评价测试公司", ""), 200)
	rate := func(id int64, score int) *resp {
		return e.call("POST", fmt.Sprintf("/api/mp/v1/cases/%d/rating", id), u.Token, map[string]any{"score": score, "comment": "评价"})
	}
	c := e.submit(u, code, "项目")
	must(t, rate(c.ID, 4), 409) // submitted
	e.toService(c.ID)
	must(t, rate(c.ID, 4), 409) // in service
	e.act(e.spec, c.ID, casework.ActionProposeClose, map[string]any{"result": "terminated", "explanation": "企业决定暂缓"})
	e.act(e.head, c.ID, casework.ActionSignOff, map[string]any{"opinion": "同意终止"})
	for _, bad := range []int{0, 6, -1} {
		r := must(t, rate(c.ID, bad), 422)
		if errFields(r)["score"] == "" {
			t.Fatalf("score %d: no field message: %s", bad, r.Body)
		}
	}
	must(t, e.call("POST", fmt.Sprintf("/api/mp/v1/cases/%d/rating", c.ID), u.Token, map[string]any{"score": "5"}), 422)
	must(t, rate(c.ID, 2), 200) // terminated may be rated; ≤ 2 opens a follow-up
	must(t, rate(c.ID, 5), 409) // once
	tasks, err := e.db.Followups().ListFollowups(ctx, followup.Filter{Status: followup.Open, Limit: 10})
	if err != nil || len(tasks) != 1 || tasks[0].CaseID != c.ID || tasks[0].Score != 2 {
		t.Fatalf("follow-ups %+v, %v", tasks, err)
	}
	var got caseOut
	must(t, e.call("GET", fmt.Sprintf("/api/mp/v1/cases/%d", c.ID), u.Token, nil), 200).decode(t, &got)
	if got.Rating == nil || got.Rating.Score != 2 {
		t.Fatalf("rating %+v", got.Rating)
	}
}

// TestUrgeBeforeAssignmentNamesTheHead: while no specialist is assigned the
// urge reminds the head, and the answer says so.
func TestUrgeBeforeAssignmentNamesTheHead(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login("urge0")
	code := creditCode(43)
	must(t, e.bind(u, code, "催办受理公司", ""), 200)
	c := e.submit(u, code, "项目")
	var out struct {
		HeadNotified bool `json:"head_notified"`
		Message      string
	}
	must(t, e.call("POST", fmt.Sprintf("/api/mp/v1/cases/%d/urge", c.ID), u.Token, nil), 200).decode(t, &out)
	p, err := e.notify.Inbox(ctx, notify.StaffRecipient(e.head.ID), 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	reminded := false
	for _, it := range p.Items {
		reminded = reminded || it.Event == notify.EventUrged && it.CaseID == c.ID
	}
	if !reminded || !out.HeadNotified || out.Message != "已提醒中心负责人尽快安排办理" {
		t.Fatalf("head reminded %v, answer %+v", reminded, out)
	}
}
