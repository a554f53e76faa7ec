package main

// Many instances for real (issue 13): two services built exactly as serve
// builds them, on one database, one Redis and one object store — MariaDB,
// Redis and MinIO in CI (TEST_MYSQL_DSN, TEST_REDIS_URL, TEST_S3_*), else a
// shared SQLite file, an in-process Redis reached by URL (so the services
// treat it as real: the simulator keeps its state there) and a shared
// directory — and the backup/restore drill on a populated instance.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"sunshine/app/backup"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/files/filestest"
	"sunshine/app/kv/kvtest"
	"sunshine/app/storage"
	"sunshine/app/storage/storagetest"
	"sunshine/app/wechat"
	"sunshine/config"
)

// instanceConfig is the configuration of an instance on fresh stores: a
// database and an object store of its own (a bucket when TEST_S3_ENDPOINT
// is set) and the test Redis.
func instanceConfig(t *testing.T, redisURL string) *config.Config {
	t.Helper()
	env := map[string]string{"SUNSHINE_DATA_DIR": t.TempDir(), "SUNSHINE_METRICS_ADDR": "off",
		"SUNSHINE_MYSQL_DSN": storagetest.Fresh(t).MySQLDSN, "SUNSHINE_REDIS_URL": redisURL}
	if _, ok := filestest.S3FromEnv(); ok {
		s3 := filestest.S3Config(t)
		env["SUNSHINE_S3_ENDPOINT"], env["SUNSHINE_S3_BUCKET"] = s3.Endpoint, s3.Bucket
		env["SUNSHINE_S3_ACCESS_KEY"], env["SUNSHINE_S3_SECRET_KEY"] = s3.AccessKey, s3.SecretKey
		env["SUNSHINE_S3_REGION"], env["SUNSHINE_S3_TLS"] = s3.Region, map[bool]string{true: "true", false: "false"}[s3.TLS]
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// sharedRedisURL is TEST_REDIS_URL, or an in-process server reached by URL.
func sharedRedisURL(t *testing.T) string {
	if u := kvtest.URL(); u != "" {
		return u
	}
	return "redis://" + miniredis.RunT(t).Addr() + "/0"
}

var testPrefixes sync.Map // test name → Redis key prefix

func testPrefix(t *testing.T) string {
	p, _ := testPrefixes.LoadOrStore(t.Name(), "test:"+kvtest.RandomKey()+":")
	return p.(string)
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// startInstance builds a service as serve does; instances of one test share
// the test's Redis key prefix (a real Redis outlives the test).
func startInstance(t *testing.T, cfg *config.Config) *service {
	t.Helper()
	svc, err := buildWith(context.Background(), cfg, quiet(), testPrefix(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.stop)
	return svc
}

func staffViewer(t *testing.T, db *storage.DB, username string) cases.Viewer {
	t.Helper()
	s, err := db.Staff().StaffByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return cases.Viewer{Actor: casework.Actor{ID: s.ID, Role: s.Role, Name: s.Name}}
}

func caseIn(t *testing.T, svc *service, v cases.Viewer, st casework.Status) *casework.Case {
	t.Helper()
	list, err := svc.sys.Cases.List(context.Background(), v, cases.Filter{Statuses: []casework.Status{st}, Limit: 50})
	if err != nil || len(list) == 0 {
		t.Fatalf("no case in %s: %v", st, err)
	}
	return &list[0]
}

func mpLogin(t *testing.T, svc *service, code string) int {
	t.Helper()
	req := httptest.NewRequest("POST", "/api/mp/v1/login", strings.NewReader(`{"code":"`+code+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := svc.root.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestTwoInstancesShareEverything(t *testing.T) {
	ctx := context.Background()
	cfg := instanceConfig(t, sharedRedisURL(t))
	if err := demo(ctx, cfg, quiet(), io.Discard); err != nil {
		t.Fatal(err)
	}
	a, b := startInstance(t, cfg), startInstance(t, cfg)
	if !a.sys.KV.Embedded && (a.sys.WeChat.Simulator == nil || !a.sys.WeChat.Simulator.Shared()) {
		t.Fatal("the simulator is not shared on a real Redis")
	}

	// A material uploaded through a is downloaded through b and decrypts.
	clerk := staffViewer(t, a.sys.DB, "clerk1")
	c := caseIn(t, a, clerk, casework.Submitted)
	plain := bytes.Repeat(filestest.PDF(), 1500)
	m, err := a.sys.Files.Upload(ctx, clerk, c.ID, "", "营业执照.pdf", bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	if _, data, err := b.sys.Files.ReadAll(ctx, staffViewer(t, b.sys.DB, "clerk2"), m.ID); err != nil || !bytes.Equal(data, plain) {
		t.Fatalf("download through b: %v", err)
	}

	// A login code spent through a is spent for b, and for a's own simulator.
	code := "sim-ti" + kvtest.RandomKey()
	if status := mpLogin(t, a, code); status != http.StatusOK {
		t.Fatalf("login through a = %d", status)
	}
	if status := mpLogin(t, b, code); status < 400 || status >= 500 {
		t.Fatalf("the same code through b = %d, want a 4xx", status)
	}
	w := a.sys.WeChat.Simulator.Config()
	req, _ := http.NewRequest("GET", "https://"+wechat.APIHost+"/sns/jscode2session?grant_type=authorization_code&appid="+
		w.MiniProgram.AppID+"&secret="+w.MiniProgram.AppSecret+"&js_code="+code, nil)
	resp, err := a.sys.WeChat.Simulator.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var answer struct {
		ErrCode int `json:"errcode"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&answer)
	resp.Body.Close()
	if answer.ErrCode != wechat.CodeCodeUsed {
		t.Fatalf("a's simulator says errcode %d for the spent code, want %d", answer.ErrCode, wechat.CodeCodeUsed)
	}

	// A notice (the assignment, by Work WeChat to the specialist) appears
	// once in the log, read through either simulator, while both instances'
	// workers deliver.
	head := staffViewer(t, a.sys.DB, "head")
	spec := staffViewer(t, a.sys.DB, "specialist1")
	mr := caseIn(t, b, head, casework.MeetingReview)
	payload := map[string]json.RawMessage{"opinion": json.RawMessage(`"同意交办"`), "specialist_id": json.RawMessage(strconv.FormatInt(spec.ID, 10))}
	if _, err := b.sys.Cases.Act(ctx, head, mr.ID, casework.Request{Action: casework.ActionAssign, Version: mr.Version, Payload: payload}); err != nil {
		t.Fatal(err)
	}
	wantSent := func() bool {
		var pending int64
		a.sys.DB.R.Raw("SELECT COUNT(*) FROM notifications WHERE state IN ('pending', 'sending')").Scan(&pending)
		return pending == 0 && len(a.sys.WeChat.Simulator.Messages("huanglijuan")) > 0
	}
	for deadline := time.Now().Add(30 * time.Second); !wantSent(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the assignment notice was not delivered")
		}
	}
	for name, sim := range map[string]*wechat.Simulator{"a": a.sys.WeChat.Simulator, "b": b.sys.WeChat.Simulator} {
		var got []string
		for _, msg := range sim.Messages("huanglijuan") {
			s, _ := msg.Data["content"].(string)
			got = append(got, s)
		}
		if len(got) != 1 {
			t.Fatalf("messages to the specialist read through %s: %d %q, want 1", name, len(got), got)
		}
	}

	// The metrics listener shows the outbox, deliveries, reminders, WeChat
	// errors and sessions next to the request figures.
	rec := httptest.NewRecorder()
	b.metrics.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		"sunshine_outbox_figures_up 1",
		"sunshine_outbox_oldest_pending_age_seconds 0",
		`sunshine_outbox_rows{channel="work",state="sent"}`,
		`sunshine_notifications_delivered{channel="work"}`,
		`sunshine_reminders_fired{event="overdue"}`,
		`sunshine_wechat_call_errors_total{api="/sns/jscode2session",errcode="40163"} 1`, // the spent code, through b
		`sunshine_sessions_active{kind="member"}`,
		`sunshine_http_requests_total{method="POST",route="/api/mp/v1/login"`,
		"go_sql_open_connections",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestBackupRestoreDrill: a populated instance (demo data, notifications,
// audit records, materials) backed up and restored into a fresh database
// and object store has every row, and its materials decrypt.
func TestBackupRestoreDrill(t *testing.T) {
	ctx := context.Background()
	redisURL := sharedRedisURL(t)
	src := instanceConfig(t, redisURL)
	if err := demo(ctx, src, quiet(), io.Discard); err != nil {
		t.Fatal(err)
	}
	svc := startInstance(t, src)
	clerk := staffViewer(t, svc.sys.DB, "clerk1")
	c := caseIn(t, svc, clerk, casework.Submitted)
	want := map[int64][]byte{}
	for i := range 3 {
		plain := append(bytes.Repeat(filestest.PDF(), 700*(i+1)), byte(i))
		m, err := svc.sys.Files.Upload(ctx, clerk, c.ID, "", "材料.pdf", bytes.NewReader(plain))
		if err != nil {
			t.Fatal(err)
		}
		want[m.ID] = plain
	}
	head := staffViewer(t, svc.sys.DB, "head")
	mr := caseIn(t, svc, head, casework.MeetingReview)
	payload := map[string]json.RawMessage{"opinion": json.RawMessage(`"同意"`),
		"specialist_id": json.RawMessage(strconv.FormatInt(staffViewer(t, svc.sys.DB, "specialist2").ID, 10))}
	if _, err := svc.sys.Cases.Act(ctx, head, mr.ID, casework.Request{Action: casework.ActionAssign, Version: mr.Version, Payload: payload}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "backup")
	var out bytes.Buffer
	if err := backupCmd(ctx, src, quiet(), []string{dir}, &out); err != nil {
		t.Fatal(err)
	}
	if err := backupCmd(ctx, src, quiet(), []string{dir}, io.Discard); err == nil {
		t.Fatal("a backup into a non-empty directory was accepted")
	}
	m, err := backup.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"cases", "case_events", "audit_records", "notifications", "attachments", "staff_users"} {
		if tb, ok := m.Tables[table]; !ok || tb.Rows == 0 {
			t.Errorf("backup of %s: %+v", table, tb)
		}
	}
	if len(m.Materials) != len(want) {
		t.Fatalf("materials in the backup = %d", len(m.Materials))
	}

	dst := instanceConfig(t, redisURL)
	if err := restoreCmd(ctx, dst, quiet(), []string{dir}, &out); err != nil {
		t.Fatal(err)
	}
	restored := startInstance(t, dst)
	for table, tb := range m.Tables {
		var n int64
		if err := restored.sys.DB.R.Raw("SELECT COUNT(*) FROM " + table).Scan(&n).Error; err != nil || n != tb.Rows {
			t.Errorf("restored %s: %d rows (%v), backup %d", table, n, err, tb.Rows)
		}
		var before int64
		svc.sys.DB.R.Raw("SELECT COUNT(*) FROM " + table).Scan(&before)
		if table != "audit_records" && table != "notifications" && before != tb.Rows {
			t.Errorf("source %s: %d rows, backup %d", table, before, tb.Rows)
		}
	}
	for id, plain := range want {
		if _, data, err := restored.sys.Files.ReadAll(ctx, staffViewer(t, restored.sys.DB, "clerk2"), id); err != nil || !bytes.Equal(data, plain) {
			t.Fatalf("restored material %d: %v", id, err)
		}
	}
	// The tamper-evident audit chain holds across the restore.
	if v, err := restored.sys.Trail.Verify(ctx); err != nil || v.Break != nil || v.Checked < m.Tables["audit_records"].Rows {
		t.Fatalf("audit chain after restore: %+v, %v", v, err)
	}
	// The restored instance is usable: a new case gets a new id.
	var maxID int64
	restored.sys.DB.R.Raw("SELECT MAX(id) FROM cases").Scan(&maxID)
	nc, err := restored.sys.Cases.Submit(ctx, clerk, cases.SubmitInput{Form: sampleForm(), Channel: casework.ChannelWindow, Mode: casework.FormIntake})
	if err != nil || nc.ID <= maxID {
		t.Fatalf("submit after restore: %v (id %d, max %d)", err, nc.ID, maxID)
	}
	// A second restore into the now populated stores is refused.
	if err := restoreCmd(ctx, dst, quiet(), []string{dir}, io.Discard); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("restore over data = %v", err)
	}
}

func sampleForm() casework.Form {
	var f casework.Form
	f.Enterprise.Name, f.Entrustment.Matters = "恢复演练有限公司", "施工许可"
	return f
}
