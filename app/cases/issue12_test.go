package cases_test

import (
	"sync"
	"testing"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/idem"
)

// Issue 12 (9): the Idempotency-Key lives in the database. A second
// instance on the same database (a restarted process, no Redis involved at
// all) answers a replay with the first case; another form with the same
// key is refused and creates nothing; concurrent replays create one case.
func TestSubmitOnceSurvivesWithoutRedis(t *testing.T) {
	f := newFixture(t)
	in := func(project string) cases.SubmitInput {
		form := validForm()
		form.Project.Name = project
		return cases.SubmitInput{Form: form, Channel: casework.ChannelWindow, Mode: casework.FormIntake,
			Key: &idem.Key{Owner: "staff:1", Key: "window-42"}}
	}
	first, replayed, err := f.svc.SubmitOnce(ctx, f.clerk, in("项目一"))
	if err != nil || replayed {
		t.Fatalf("first: %v replayed %v", err, replayed)
	}
	other := instance(t, f.db)
	again, replayed, err := other.svc.SubmitOnce(ctx, other.clerk, in("项目一"))
	if err != nil || !replayed || again.ID != first.ID {
		t.Fatalf("replay on another instance: case %v replayed %v err %v, want case %d", again, replayed, err, first.ID)
	}
	_, _, err = other.svc.SubmitOnce(ctx, other.clerk, in("另一个项目"))
	if errs.FieldsOf(err)[idem.Header] == "" {
		t.Fatalf("same key, other form: %v", err)
	}
	n := f.count("SELECT COUNT(*) FROM cases")
	var wg sync.WaitGroup
	ids := make([]int64, 8)
	for i := range ids {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			x := in("项目三")
			x.Key.Key = "window-43"
			if c, _, err := instance(t, f.db).svc.SubmitOnce(ctx, f.clerk, x); err == nil {
				ids[i] = c.ID
			} else {
				t.Errorf("concurrent submit: %v", err)
			}
		}(i)
	}
	wg.Wait()
	for _, id := range ids {
		if id == 0 || id != ids[0] {
			t.Fatalf("concurrent replays gave %v", ids)
		}
	}
	if got := f.count("SELECT COUNT(*) FROM cases"); got != n+1 {
		t.Fatalf("cases %d, want %d", got, n+1)
	}
	// Another owner's identical key is theirs.
	y := in("项目一")
	y.Key.Owner = "staff:2"
	mine, replayed, err := f.svc.SubmitOnce(ctx, f.clerk, y)
	if err != nil || replayed || mine.ID == first.ID {
		t.Fatalf("another owner's key: %v %v %v", mine, replayed, err)
	}
}

// Issue 12 (1): the head moves every case a specialist holds, in five
// different statuses, to another specialist; each move is one audited
// reassign, and each case then goes on to archived under the new holder.
func TestHandOverEveryHeldCase(t *testing.T) {
	f := newFixture(t)
	toService := func() *casework.Case { return f.inService(f.submit(f.ent), 10) }
	assigned := f.submit(f.ent)
	assigned = f.must(f.clerk, assigned, casework.ActionAccept, map[string]any{"service_type": "assist"})
	assigned = f.must(f.clerk, assigned, casework.ActionPassReview, map[string]any{"content": "齐全", "materials": []string{"执照"}})
	assigned = f.must(f.head, assigned, casework.ActionAssign, map[string]any{"opinion": "同意", "specialist_id": f.specA.ID})
	suspended := f.must(f.specA, toService(), casework.ActionSuspend, map[string]any{"reason": "等待"})
	closing := f.must(f.specA, toService(), casework.ActionProposeClose, map[string]any{"result": "completed", "explanation": "已办"})
	terminated := f.must(f.specA, toService(), casework.ActionProposeClose, map[string]any{"result": "terminated", "explanation": "放弃"})
	terminated = f.must(f.head, terminated, casework.ActionSignOff, map[string]any{"opinion": "同意"})
	delivering := f.must(f.specA, toService(), casework.ActionProposeClose, map[string]any{"result": "completed", "explanation": "已办"})
	delivering = f.must(f.head, delivering, casework.ActionSignOff, map[string]any{"opinion": "同意"})
	delivering = f.must(f.specA, delivering, casework.ActionDeliver, map[string]any{"method": "mail", "tracking_no": "SF1"})
	held := []*casework.Case{assigned, suspended, closing, terminated, delivering}

	if _, err := f.svc.HandOver(ctx, f.specB, f.specA.ID, f.specB.ID, "离岗"); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("a specialist handing over: %v", err)
	}
	_, err := f.svc.HandOver(ctx, f.head, f.specA.ID, f.specA.ID, "")
	if fs := errs.FieldsOf(err); fs["reassign_to"] == "" || fs["reason"] == "" {
		t.Fatalf("bad hand-over: %v %v", err, fs)
	}
	list, err := f.svc.HeldCases(ctx, f.head, f.specA.ID)
	if err != nil || len(list) != len(held) {
		t.Fatalf("held = %+v (%v), want %d cases", list, err, len(held))
	}
	moved, err := f.svc.HandOver(ctx, f.head, f.specA.ID, f.specB.ID, "专员调岗")
	if err != nil || len(moved) != len(held) {
		t.Fatalf("moved = %+v, %v", moved, err)
	}
	for _, m := range moved {
		if m.Err != nil {
			t.Errorf("case %d (%s) not moved: %v", m.ID, m.Status, m.Err)
		}
		if n := f.audits(m.ID, "case.reassign", "ok"); n != 1 {
			t.Errorf("case %d: %d reassign audit records", m.ID, n)
		}
	}
	if left, _ := f.svc.HeldCases(ctx, f.head, f.specA.ID); len(left) != 0 {
		t.Fatalf("specialist A still holds %+v", left)
	}
	for _, c := range held {
		c = f.get(c.ID).Case
		if c.SpecialistID != f.specB.ID {
			t.Fatalf("case %d held by %d", c.ID, c.SpecialistID)
		}
		for c.Status != casework.Archived {
			switch c.Status {
			case casework.Assigned:
				c = f.must(f.specB, c, casework.ActionStart, map[string]any{})
			case casework.Suspended:
				c = f.must(f.specB, c, casework.ActionResume, map[string]any{"reason": "恢复"})
			case casework.InService:
				c = f.must(f.specB, c, casework.ActionProposeClose, map[string]any{"result": "completed", "explanation": "已办"})
			case casework.Closing:
				c = f.must(f.head, c, casework.ActionSignOff, map[string]any{"opinion": "同意"})
			case casework.Completed:
				c = f.must(f.specB, c, casework.ActionDeliver, map[string]any{"method": "in_person", "signed_by": "李四"})
			case casework.Delivering:
				c = f.must(f.specB, c, casework.ActionConfirmReceipt, map[string]any{"proof": "已签收"})
			case casework.Delivered, casework.Terminated:
				c = f.must(f.specB, c, casework.ActionSubmitArchive, map[string]any{"materials": []string{"登记表"}})
			case casework.Archiving:
				c = f.must(f.clerk, c, casework.ActionArchive, map[string]any{})
			default:
				t.Fatalf("case %d stuck in %s", c.ID, c.Status)
			}
		}
	}
}
