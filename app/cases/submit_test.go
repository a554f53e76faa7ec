package cases_test

import (
	"encoding/json"
	"reflect"
	"regexp"
	"sync"
	"testing"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/storage"
	"sunshine/app/storage/storagetest"
)

var numberRe = regexp.MustCompile(`^YGDB-2026-\d{6}$`)

// fullForm fills every field of the 服务申请表, with decimals at the edge of
// their range and a four-byte character that needs utf8mb4 on MySQL.
func fullForm() casework.Form {
	f := validForm()
	f.Enterprise.Name = "阳江𠮷祥科技有限公司"
	f.Enterprise.Handler.Phone = "0662-3388123"
	f.Project.TotalInvestment, f.Project.FloorArea = "999999999999.99", "0.10"
	f.Project.FundSources, f.Project.FundSourceOther = []string{"government", "private", "hk_macao_taiwan", "foreign", "other"}, "专项债"
	f.Project.LandNature, f.Project.LandNatureOther = []string{"allocated", "transferred", "collective", "owned", "other"}, "租赁"
	f.Project.KeyProject, f.Project.KeyProjectOther = "other", "区级重点"
	f.Entrustment.Stages = []string{"initiation", "land", "planning", "construction", "completion", "other"}
	f.Entrustment.StagesOther, f.Entrustment.Remarks = "消防验收", "希望6月前开工"
	f.Entrustment.ServiceType = "agency"
	return f
}

func jsonOf(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSubmitAndReadBack files a complete application, takes it through every
// section of the 工作登记表 and reads it back: nothing is lost or rounded in
// the JSON columns.
func TestSubmitAndReadBack(t *testing.T) {
	f := newFixture(t)
	form := fullForm()
	c, err := f.svc.Submit(ctx, f.ent, cases.SubmitInput{Form: form, Channel: casework.ChannelPortal, Mode: casework.FormFull})
	if err != nil {
		t.Fatalf("submit: %v (%v)", err, errs.FieldsOf(err))
	}
	if !numberRe.MatchString(c.Number) || c.Status != casework.Submitted || c.Version != 1 {
		t.Fatalf("new case: number %q status %s version %d", c.Number, c.Status, c.Version)
	}
	d, err := f.svc.Get(ctx, f.ent, c.ID) // the submitter reads their own form unmasked
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.Case.Form, form) {
		t.Fatalf("form changed in storage:\n got %+v\nwant %+v", d.Case.Form, form)
	}
	if d.Case.Form.Project.TotalInvestment != "999999999999.99" || d.Case.Form.Project.FloorArea != "0.10" {
		t.Fatalf("decimals = %q, %q", d.Case.Form.Project.TotalInvestment, d.Case.Form.Project.FloorArea)
	}
	if d.Case.EnterpriseID != 11 || d.Case.SubmitterID != f.ent.ID || d.Case.Channel != casework.ChannelPortal {
		t.Fatalf("owner: enterprise %d submitter %d channel %s", d.Case.EnterpriseID, d.Case.SubmitterID, d.Case.Channel)
	}

	// Every section: 审核, 交办 (代办 with hand-over), two 协调 lines, 办结,
	// 送达 by mail with the enterprise's receipt, 评价 and 归档.
	c = f.must(f.clerk, c, casework.ActionAccept, map[string]any{"service_type": "agency", "scope": "key_project", "promised_days": 15})
	c = f.must(f.clerk, c, casework.ActionPassReview, map[string]any{"content": "材料齐全", "materials": []string{"营业执照", "用地证明"}, "opinion": "同意提交例会"})
	c = f.must(f.head, c, casework.ActionAssign, map[string]any{"opinion": "同意交办", "meeting_at": "2026-03-03 09:30",
		"specialist_id": f.specA.ID, "materials": []string{"申请表"}})
	c = f.must(f.specA, c, casework.ActionStart, map[string]any{"handover": []string{"原件两份", "授权委托书"}})
	c = f.must(f.specA, c, casework.ActionCoordinate, map[string]any{"level": "department", "matter": "规划条件核实",
		"departments": []string{"自然资源局"}, "outcome": "已核实"})
	c = f.must(f.specA, c, casework.ActionCoordinate, map[string]any{"level": "city", "matter": "施工许可并联审批",
		"departments": []string{"住建局", "消防救援支队"}, "meeting_at": "2026-03-05T10:00:00+08:00", "outcome": "约定并联办理"})
	c = f.must(f.specA, c, casework.ActionRecord, map[string]any{"note": "内部：等待消防意见", "public": false})
	c = f.must(f.specA, c, casework.ActionProposeClose, map[string]any{"result": "completed", "explanation": "已取得许可证"})
	c = f.must(f.head, c, casework.ActionSignOff, map[string]any{"opinion": "同意办结"})
	c = f.must(f.specA, c, casework.ActionDeliver, map[string]any{"method": "mail", "tracking_no": "SF1234567890"})
	c = f.must(f.ent, c, casework.ActionConfirmReceipt, map[string]any{})
	c = f.must(f.specA, c, casework.ActionSubmitArchive, map[string]any{"materials": []string{"申请表", "登记表"}})
	c = f.must(f.head, c, casework.ActionArchive, map[string]any{"archived_by": "档案员"})
	if _, err := f.svc.Rate(ctx, f.ent, c.ID, 5, "非常专业", 0); err != nil {
		t.Fatalf("rate: %v", err)
	}

	if d, err = f.svc.Get(ctx, f.ent, c.ID); err != nil {
		t.Fatal(err)
	}
	got := d.Case
	if g, w := jsonOf(t, got.Registration), jsonOf(t, c.Registration); g != w {
		t.Errorf("registration changed in storage:\n got %s\nwant %s", g, w)
	}
	r := got.Registration
	if r.Review.MeetingAt == nil || len(r.Coordination) != 2 || r.Coordination[1].MeetingAt == nil ||
		len(r.Assignment.Handover) != 2 || r.Delivery.ConfirmedAt == nil || r.Archive.By != "档案员" {
		t.Errorf("a section is missing after read-back: %s", jsonOf(t, r))
	}
	if got.Status != casework.Archived || got.Version != c.Version || got.Deadline != c.Deadline || got.Deadline == "" ||
		got.ServiceType != "agency" || got.Scope != "key_project" || got.PromisedDays != 15 ||
		got.SpecialistID != f.specA.ID || got.Specialist != "王专员" || got.AcceptedAt == nil {
		t.Errorf("case fields after read-back: %+v", *got)
	}
	if got.Rating == nil || got.Rating.Score != 5 || got.Rating.Comment != "非常专业" || got.Rating.Source != "enterprise" {
		t.Errorf("rating = %+v", got.Rating)
	}
	if !reflect.DeepEqual(got.Form, form) {
		t.Errorf("form changed by the workflow:\n got %+v\nwant %+v", got.Form, form)
	}

	want := []casework.Action{casework.ActionSubmit, casework.ActionAccept, casework.ActionPassReview, casework.ActionAssign,
		casework.ActionStart, casework.ActionCoordinate, casework.ActionCoordinate, casework.ActionRecord,
		casework.ActionProposeClose, casework.ActionSignOff, casework.ActionDeliver, casework.ActionConfirmReceipt,
		casework.ActionSubmitArchive, casework.ActionArchive, casework.ActionRate}
	if len(d.Timeline) != len(want) {
		t.Fatalf("timeline has %d events, want %d", len(d.Timeline), len(want))
	}
	for i, ev := range d.Timeline {
		if ev.Action != want[i] || ev.CaseID != c.ID || ev.At.IsZero() {
			t.Errorf("event %d = %s (case %d), want %s", i, ev.Action, ev.CaseID, want[i])
		}
	}
	if rec := d.Timeline[7]; rec.Public || rec.Payload["note"] != "内部：等待消防意见" || rec.ActorID != f.specA.ID {
		t.Errorf("internal record event = %+v", rec)
	}
	if acc := d.Timeline[1]; !acc.Public || acc.Payload["deadline"] != c.Deadline || acc.FromStatus != casework.Submitted {
		t.Errorf("accept event = %+v", acc)
	}
}

func TestSubmitRefusesBadInput(t *testing.T) {
	f := newFixture(t)
	bad := validForm()
	bad.Project.TotalInvestment = "12.345"
	bad.Enterprise.CreditCode = "91350100M000100Y44"
	_, err := f.svc.Submit(ctx, f.ent, cases.SubmitInput{Form: bad, Channel: casework.ChannelMiniProgram})
	wantCode(t, err, errs.Unprocessable)
	for _, k := range []string{"project.total_investment", "enterprise.credit_code"} {
		if errs.FieldsOf(err)[k] == "" {
			t.Errorf("no message for %s: %v", k, errs.FieldsOf(err))
		}
	}
	_, err = f.svc.Submit(ctx, f.specA, cases.SubmitInput{Form: validForm(), Channel: casework.ChannelWindow})
	wantCode(t, err, errs.Forbidden)
	if n := f.count("SELECT COUNT(*) FROM cases"); n != 0 {
		t.Fatalf("refused submits stored %d cases", n)
	}
	if n := f.count("SELECT COUNT(*) FROM case_events"); n != 0 {
		t.Fatalf("refused submits stored %d events", n)
	}
}

// TestCaseNumbersUnderRace submits 50 applications at once, on one instance
// and spread over two instances (two database handles): 50 distinct numbers.
func TestCaseNumbersUnderRace(t *testing.T) {
	for _, instances := range []int{1, 2} {
		t.Run(map[int]string{1: "one_instance", 2: "two_instances"}[instances], func(t *testing.T) {
			opts := storagetest.Fresh(t)
			var fs []*fixture
			for i := range instances {
				db, err := storage.Open(ctx, opts)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					seed(t, db)
				}
				fs = append(fs, instance(t, db))
			}
			const n = 50
			numbers := make(chan string, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					f := fs[i%instances]
					c, err := f.svc.Submit(ctx, member(int64(100+i), 0, false),
						cases.SubmitInput{Form: validForm(), Channel: casework.ChannelMiniProgram})
					if err != nil {
						t.Errorf("submit %d: %v", i, err)
						return
					}
					numbers <- c.Number
				})
			}
			wg.Wait()
			close(numbers)
			seen := map[string]bool{}
			for num := range numbers {
				if !numberRe.MatchString(num) {
					t.Errorf("number %q is not YGDB-2026-NNNNNN", num)
				}
				if seen[num] {
					t.Errorf("number %s given twice", num)
				}
				seen[num] = true
			}
			if len(seen) != n {
				t.Fatalf("%d distinct numbers, want %d", len(seen), n)
			}
			if got := fs[0].count("SELECT COUNT(DISTINCT number) FROM cases"); got != n {
				t.Fatalf("%d distinct numbers stored, want %d", got, n)
			}
		})
	}
}

// TestVerifiedMemberSubmitsForOwnEnterprise: a verified member's own
// submission must carry their enterprise's credit code (SPEC §2); an
// unverified user may submit any, and sees only their own.
func TestVerifiedMemberSubmitsForOwnEnterprise(t *testing.T) {
	f := newFixture(t)
	for _, code := range []string{otherCreditCode, windowCreditCode} {
		_, err := f.svc.Submit(ctx, f.ent, cases.SubmitInput{Form: formOf(code), Channel: casework.ChannelMiniProgram, Mode: casework.FormFull})
		if !errs.Is(err, errs.Unprocessable) || errs.FieldsOf(err)["enterprise.credit_code"] == "" {
			t.Fatalf("verified member submitted for %s: %v", code, err)
		}
	}
	if n := f.count("SELECT COUNT(*) FROM cases"); n != 0 {
		t.Fatalf("%d cases stored by refused submissions", n)
	}
	c := f.submitForm(member(51, 0, false), formOf(otherCreditCode))
	if c.EnterpriseID != 0 {
		t.Fatalf("an unverified user's case was filed under enterprise %d", c.EnterpriseID)
	}
	f.submit(f.ent)
}
