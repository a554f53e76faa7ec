package storage_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/storage"
	"sunshine/app/storage/storagetest"
)

var china = casework.ChinaTime

// at is a China-time instant with microseconds, the precision both
// databases keep in their time columns.
func at(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 30, 15, 123456000, china) }

func ptr[T any](v T) *T { return &v }

// fullCase has every field of both paper forms filled, with decimals at the
// edge of their range and a four-byte character that needs utf8mb4.
func fullCase(number string) *casework.Case {
	return &casework.Case{
		Number: number, EnterpriseID: 11, SubmitterID: 21, Channel: casework.ChannelPortal,
		Status: casework.InService, Version: 7, ServiceType: "agency", Scope: "key_project", PromisedDays: 15,
		AcceptedAt: ptr(at(2, 9)), Deadline: "2026-03-23", RemainingDays: ptr(4), SpecialistID: 31,
		Specialist: "王专员", CreatedAt: at(2, 8), UpdatedAt: at(5, 16),
		Form: casework.Form{
			Enterprise: casework.EnterpriseInfo{
				Name: "阳江𠮷祥科技有限公司", Address: "江城区东风三路1号", Nature: "有限责任公司",
				Lead:    casework.Person{Name: "张三", Title: "总经理", Phone: "13800138000"},
				Handler: casework.Person{Name: "李四", Title: "行政主管", Phone: "0662-3388123"},
				Email:   "contact@example.cn", CreditCode: "91350100M000100Y43",
			},
			Project: casework.Project{
				Name: "智能制造产业园", Address: "高新区创业路2号", Code: "2026-441700-39-01-000123",
				TotalInvestment: "999999999999.99", FundSources: []string{"government", "private", "other"},
				FundSourceOther: "专项债", FloorArea: "0.10", LandNature: []string{"transferred", "other"},
				LandNatureOther: "租赁", KeyProject: "other", KeyProjectOther: "区级重点",
				PurposeScale: "厂房及配套用房，年产10万件", Progress: "已取得用地规划许可",
			},
			Entrustment: casework.Entrustment{
				Stages: []string{"land", "planning", "other"}, StagesOther: "消防验收",
				Matters: "建设工程规划许可证、施工许可证办理", Remarks: "希望6月前开工", ServiceType: "agency",
			},
		},
		Registration: casework.Registration{
			Consultation: &casework.Consultation{ID: 5, At: at(1, 10), Unit: "阳江𠮷祥科技有限公司", Person: "李四",
				Phone: "13900139000", Project: "智能制造产业园", Record: "咨询施工许可流程", Handler: "窗口甲"},
			Application: casework.Application{At: at(2, 8), Contact: "李四 13900139000", Record: "经网上办事提出申请", Handler: "窗口甲"},
			Review: casework.Review{At: ptr(at(2, 11)), Content: "材料齐全", Materials: []string{"营业执照", "用地证明"},
				Opinion: "同意提交例会", Handler: "窗口甲", MeetingAt: ptr(at(3, 9)), MeetingOpinion: "同意交办", Head: "中心负责人甲"},
			Assignment: casework.Assignment{At: ptr(at(3, 10)), By: "中心负责人甲", Materials: []string{"申请表"},
				Receiver: "王专员", Specialist: "王专员", Handover: []string{"原件两份"}, StartedAt: ptr(at(3, 14))},
			Coordination: []casework.Coordinate{
				{Level: "department", At: at(4, 9), Matter: "规划条件核实", Departments: []string{"自然资源局"}, Outcome: "已核实", By: "王专员"},
				{Level: "city", At: at(5, 15), Matter: "施工许可并联审批", Departments: []string{"住建局", "消防救援支队"},
					MeetingAt: ptr(at(6, 9)), Outcome: "约定并联办理", By: "王专员"},
			},
			Closure: casework.Closure{Result: "completed", Explanation: "已取得许可证", By: "王专员", At: ptr(at(9, 9)),
				Opinion: "同意办结", Head: "中心负责人甲", SignedAt: ptr(at(9, 11))},
			Delivery: casework.Delivery{Method: "mail", TrackingNo: "SF1234567890", At: ptr(at(10, 9)),
				ConfirmedAt: ptr(at(11, 10)), ConfirmedBy: "李四"},
			Archive: casework.ArchiveInfo{SubmittedAt: ptr(at(12, 9)), SubmittedBy: "王专员",
				Materials: []string{"申请表", "登记表", "许可证复印件"}, At: ptr(at(12, 10)), By: "档案员"},
		},
	}
}

func insert(t *testing.T, s *storage.Cases, c *casework.Case) error {
	t.Helper()
	return s.InTx(context.Background(), func(tx cases.Tx) error { return tx.InsertCase(c) })
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCaseRoundTrip(t *testing.T) {
	db := storagetest.Open(t)
	s := db.Cases()
	want := fullCase("YGDB-2026-000001")
	if err := insert(t, s, want); err != nil {
		t.Fatalf("insert: %v", err)
	}
	if want.ID == 0 {
		t.Fatal("InsertCase did not set the id")
	}
	got, err := s.Case(context.Background(), want.ID)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	if !reflect.DeepEqual(got.Form, want.Form) {
		t.Errorf("form changed in storage:\n got %+v\nwant %+v", got.Form, want.Form)
	}
	// Times come back in another *time.Location; their JSON (with the
	// offset) must be identical, and so must every section.
	if g, w := jsonOf(t, got.Registration), jsonOf(t, want.Registration); g != w {
		t.Errorf("registration changed in storage:\n got %s\nwant %s", g, w)
	}
	for name, pair := range map[string][2]any{
		"number": {got.Number, want.Number}, "enterprise_id": {got.EnterpriseID, want.EnterpriseID},
		"submitter_id": {got.SubmitterID, want.SubmitterID}, "channel": {got.Channel, want.Channel},
		"status": {got.Status, want.Status}, "version": {got.Version, want.Version},
		"service_type": {got.ServiceType, want.ServiceType}, "scope": {got.Scope, want.Scope},
		"promised_days": {got.PromisedDays, want.PromisedDays}, "deadline": {got.Deadline, want.Deadline},
		"remaining_days": {*got.RemainingDays, *want.RemainingDays}, "specialist_id": {got.SpecialistID, want.SpecialistID},
		"specialist": {got.Specialist, want.Specialist}, "hotline_order": {got.HotlineOrder, ""},
	} {
		if pair[0] != pair[1] {
			t.Errorf("%s = %v, want %v", name, pair[0], pair[1])
		}
	}
	for name, pair := range map[string][2]time.Time{
		"accepted_at": {*got.AcceptedAt, *want.AcceptedAt}, "created_at": {got.CreatedAt, want.CreatedAt},
		"updated_at": {got.UpdatedAt, want.UpdatedAt},
	} {
		if !pair[0].Equal(pair[1]) {
			t.Errorf("%s = %v, want %v", name, pair[0], pair[1])
		}
	}
	// The decimals are kept as their literal text, never as a float.
	var raw string
	if err := db.R.Raw("SELECT form FROM cases WHERE id = ?", want.ID).Scan(&raw).Error; err != nil {
		t.Fatal(err)
	}
	for _, lit := range []string{`"total_investment":"999999999999.99"`, `"floor_area":"0.10"`} {
		if !strings.Contains(raw, lit) {
			t.Errorf("stored form lacks %s: %s", lit, raw)
		}
	}
}

func TestInsertCaseConflicts(t *testing.T) {
	s := storagetest.Open(t).Cases()
	a := fullCase("YGDB-2026-000001")
	a.HotlineOrder = "RX-1"
	if err := insert(t, s, a); err != nil {
		t.Fatal(err)
	}
	dupNumber := fullCase("YGDB-2026-000001")
	if err := insert(t, s, dupNumber); !errs.Is(err, errs.Conflict) {
		t.Errorf("duplicate number: err = %v, want conflict", err)
	}
	dupOrder := fullCase("YGDB-2026-000002")
	dupOrder.HotlineOrder = "RX-1"
	if err := insert(t, s, dupOrder); !errs.Is(err, errs.Conflict) {
		t.Errorf("duplicate hotline order: err = %v, want conflict", err)
	}
	// Cases without a hotline order store NULL, which is never a duplicate.
	for _, n := range []string{"YGDB-2026-000003", "YGDB-2026-000004"} {
		if err := insert(t, s, fullCase(n)); err != nil {
			t.Errorf("case %s without hotline order: %v", n, err)
		}
	}
	if _, err := s.Case(context.Background(), 999999); !errs.Is(err, errs.NotFound) || errs.MessageOf(err) != "案件不存在" {
		t.Errorf("missing case: err = %v, want not_found 案件不存在", err)
	}
}

func TestUpdateCaseChecksVersion(t *testing.T) {
	ctx := context.Background()
	s := storagetest.Open(t).Cases()
	c := fullCase("YGDB-2026-000001")
	if err := insert(t, s, c); err != nil {
		t.Fatal(err)
	}
	moved := *c
	moved.Version, moved.Status = 8, casework.Suspended
	err := s.InTx(ctx, func(tx cases.Tx) error { return tx.UpdateCase(&moved, 6) })
	if !errs.Is(err, errs.Conflict) {
		t.Fatalf("stale version: err = %v, want conflict", err)
	}
	if got, _ := s.Case(ctx, c.ID); got.Version != 7 || got.Status != casework.InService {
		t.Fatalf("stale update changed the row: version %d status %s", got.Version, got.Status)
	}
	if err := s.InTx(ctx, func(tx cases.Tx) error { return tx.UpdateCase(&moved, 7) }); err != nil {
		t.Fatalf("current version: %v", err)
	}
	got, _ := s.Case(ctx, c.ID)
	if got.Version != 8 || got.Status != casework.Suspended || got.Number != c.Number {
		t.Fatalf("after update: version %d status %s number %s", got.Version, got.Status, got.Number)
	}
}

func TestAddRatingOnce(t *testing.T) {
	ctx := context.Background()
	db := storagetest.Open(t)
	s := db.Cases()
	c := fullCase("YGDB-2026-000001")
	if err := insert(t, s, c); err != nil {
		t.Fatal(err)
	}
	c.Rating = &casework.Rating{Score: 2, Comment: "太慢", Source: "enterprise", At: at(13, 9), RatedByID: 21}
	if err := s.InTx(ctx, func(tx cases.Tx) error { return tx.AddRating(c, true) }); err != nil {
		t.Fatal(err)
	}
	err := s.InTx(ctx, func(tx cases.Tx) error { return tx.AddRating(c, false) })
	if !errs.Is(err, errs.Conflict) {
		t.Fatalf("second rating: err = %v, want conflict", err)
	}
	got, err := s.Case(ctx, c.ID)
	if err != nil || got.Rating == nil || got.Rating.Score != 2 || got.Rating.Comment != "太慢" ||
		got.Rating.Source != "enterprise" || got.Rating.RatedByID != 21 || !got.Rating.At.Equal(at(13, 9)) {
		t.Fatalf("rating read back = %+v, %v", got.Rating, err)
	}
	if n := countRows(t, db, "SELECT COUNT(*) FROM followups WHERE case_id = ?", c.ID); n != 1 {
		t.Fatalf("follow-up tasks = %d, want 1 (score 2)", n)
	}
}

// TestNextCaseNumber races two handles on one database (two instances) for
// numbers: every number is handed out once, per year.
func TestNextCaseNumber(t *testing.T) {
	ctx := context.Background()
	opts := storagetest.Fresh(t)
	var stores []*storage.Cases
	for range 2 {
		db, err := storage.Open(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		stores = append(stores, db.Cases())
	}
	const n = 50
	got := make(chan int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			seq, err := stores[i%2].NextCaseNumber(ctx, 2026)
			if err != nil {
				t.Errorf("NextCaseNumber: %v", err)
			}
			got <- seq
		})
	}
	wg.Wait()
	close(got)
	seen := map[int64]bool{}
	for seq := range got {
		if seen[seq] {
			t.Errorf("number %d handed out twice", seq)
		}
		seen[seq] = true
	}
	for i := int64(1); i <= n; i++ {
		if !seen[i] {
			t.Errorf("number %d never handed out (got %d numbers)", i, len(seen))
		}
	}
	if seq, err := stores[0].NextCaseNumber(ctx, 2027); err != nil || seq != 1 {
		t.Errorf("first number of 2027 = %d, %v; want 1", seq, err)
	}
}

func countRows(t *testing.T, db *storage.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.R.Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
