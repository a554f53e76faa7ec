package hotline_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"sunshine/app/calendar"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/hotline"
	"sunshine/app/kv"
	"sunshine/app/storage/storagetest"
)

var ctx = context.Background()

const secret = "hotline-test-secret-0123456789"

var now = time.Date(2026, 3, 2, 9, 0, 0, 0, casework.ChinaTime)

func newService(t *testing.T) *hotline.Service {
	t.Helper()
	db := storagetest.Open(t)
	cs := cases.New(db.Cases(), calendar.New(calendar.Seed(), nil), func() time.Time { return now }, nil)
	s, err := hotline.New(secret, cs, db.Cases(), db.Audit(), func() time.Time { return now }, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerify(t *testing.T) {
	s := newService(t)
	body := []byte(`{"order_no":"A1"}`)
	ts := strconv.FormatInt(now.Unix(), 10)
	good := hotline.Sign(secret, ts, body)
	if err := s.Verify(ctx, ts, good, body); err != nil {
		t.Fatalf("good signature refused: %v", err)
	}
	if err := s.Verify(ctx, ts, strings.ToUpper(good), body); err != nil {
		t.Fatalf("upper-case hex refused: %v", err)
	}
	old := strconv.FormatInt(now.Add(-5*time.Minute-time.Second).Unix(), 10)
	future := strconv.FormatInt(now.Add(5*time.Minute+time.Second).Unix(), 10)
	edge := strconv.FormatInt(now.Add(-5*time.Minute).Unix(), 10)
	if err := s.Verify(ctx, edge, hotline.Sign(secret, edge, body), body); err != nil {
		t.Fatalf("5 minutes old refused: %v", err)
	}
	for name, tc := range map[string][3]string{
		"tampered body":   {ts, good, `{"order_no":"A2"}`},
		"wrong secret":    {ts, hotline.Sign("another secret", ts, body), string(body)},
		"stale":           {old, hotline.Sign(secret, old, body), string(body)},
		"future":          {future, hotline.Sign(secret, future, body), string(body)},
		"missing":         {"", "", string(body)},
		"not a number":    {"yesterday", hotline.Sign(secret, "yesterday", body), string(body)},
		"not hex":         {ts, "zz" + good[2:], string(body)},
		"truncated":       {ts, good[:32], string(body)},
		"other timestamp": {strconv.FormatInt(now.Unix()+1, 10), good, string(body)},
	} {
		t.Run(name, func(t *testing.T) {
			if err := s.Verify(ctx, tc[0], tc[1], []byte(tc[2])); !errs.Is(err, errs.Unauthenticated) {
				t.Fatalf("Verify = %v, want unauthenticated", err)
			}
		})
	}
}

func TestIntake(t *testing.T) {
	s := newService(t)
	o := hotline.Order{OrderNo: "RX2026030200001", Title: "施工许可咨询", Content: "企业希望尽快办理施工许可证",
		Company: "阳光科技有限公司", CreditCode: "91350100m000100y43", Contact: "张三", Phone: "+86 138 0013 8000",
		ReceivedAt: "2026-03-02T08:30:00+08:00"}
	c, created, err := s.Intake(ctx, o)
	if err != nil || !created {
		t.Fatalf("Intake = %v, %v", created, err)
	}
	f := c.Form
	if c.Channel != casework.ChannelHotline || c.HotlineOrder != o.OrderNo || c.Status != casework.Submitted ||
		f.Enterprise.Name != o.Company || f.Enterprise.CreditCode != "91350100M000100Y43" ||
		f.Enterprise.Lead.Name != "张三" || f.Enterprise.Lead.Phone != "13800138000" ||
		!strings.Contains(f.Entrustment.Matters, "施工许可咨询") || !strings.Contains(f.Entrustment.Matters, o.Content) ||
		!strings.Contains(f.Entrustment.Matters, "2026-03-02 08:30") {
		t.Fatalf("case = %+v", c)
	}
	o.Content = "另一份内容"
	again, created, err := s.Intake(ctx, o)
	if err != nil || created || again.ID != c.ID || strings.Contains(again.Form.Entrustment.Matters, "另一份内容") {
		t.Fatalf("repeat = %v, created %v, %v", again, created, err)
	}

	bad := hotline.Order{OrderNo: "bad no!", Content: "", Company: "", Phone: "12", CreditCode: "123",
		ReceivedAt: "2026-03-03T09:00:00+08:00"}
	_, _, err = s.Intake(ctx, bad)
	fields := errs.FieldsOf(err)
	for _, k := range []string{"order_no", "content", "company", "received_at"} {
		if fields[k] == "" {
			t.Errorf("no message for %s in %v", k, fields)
		}
	}
	bad = hotline.Order{OrderNo: "B1", Content: "x", Company: "y", Phone: "12", CreditCode: "123", ReceivedAt: "2026-03-02 08:00:00"}
	_, _, err = s.Intake(ctx, bad)
	if fields = errs.FieldsOf(err); fields["phone"] == "" || fields["credit_code"] == "" {
		t.Errorf("form errors not keyed by order fields: %v", fields)
	}
}

func TestReplayGuard(t *testing.T) {
	conn, err := kv.Open(ctx, "") // in-process, so the test can stop it
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	s := newService(t).GuardReplays(conn, "")
	body := []byte(`{"order_no":"A2"}`)
	ts := strconv.FormatInt(now.Unix(), 10)
	sig := hotline.Sign(secret, ts, body)
	if err := s.Verify(ctx, ts, sig, body); err != nil {
		t.Fatalf("first delivery refused: %v", err)
	}
	// An exact repeat (a transport retry after a timeout) is accepted: the
	// intake answers the same case.
	if err := s.Verify(ctx, ts, strings.ToUpper(sig), body); err != nil {
		t.Fatalf("exact repeat (upper-case hex) = %v, want accepted", err)
	}
	// The same signature over an altered body is not.
	if err := s.Verify(ctx, ts, sig, []byte(`{"order_no":"A3"}`)); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("altered body = %v, want unauthenticated", err)
	}
	ts2 := strconv.FormatInt(now.Unix()-1, 10)
	if err := s.Verify(ctx, ts2, hotline.Sign(secret, ts2, body), body); err != nil {
		t.Fatalf("a retry signed anew refused: %v", err)
	}
	// Redis down: order_no keeps intake idempotent, so the hotline is not stopped.
	conn.Mini().Close()
	ts3 := strconv.FormatInt(now.Unix()-2, 10)
	if err := s.Verify(ctx, ts3, hotline.Sign(secret, ts3, body), body); err != nil {
		t.Fatalf("Redis down: %v", err)
	}
}
