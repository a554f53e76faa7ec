package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"log/slog"

	"sunshine/app/audit"
	"sunshine/app/storage"
)

func TestUserAddPrintsJSON(t *testing.T) {
	t.Setenv("SUNSHINE_DATA_DIR", t.TempDir())
	var out, errOut bytes.Buffer
	code := runWith([]string{"user", "add", "--username", "zhang.san", "--role", "liaison",
		"--name", "张三", "--department", "市自然资源局", "--wecom-userid", "zhangsan"}, strings.NewReader("Passw0rd12\n"), &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var u struct {
		ID          int64  `json:"id"`
		Username    string `json:"username"`
		Role        string `json:"role"`
		WecomUserID string `json:"wecom_userid"`
	}
	if err := json.Unmarshal(out.Bytes(), &u); err != nil {
		t.Fatalf("not JSON: %q", out.String())
	}
	if u.ID <= 0 || u.Username != "zhang.san" || u.Role != "liaison" || u.WecomUserID != "zhangsan" {
		t.Fatalf("got %+v", u)
	}
	if strings.Contains(out.String(), "Passw0rd12") || strings.Contains(out.String(), "$2a$") {
		t.Fatal("password or hash printed")
	}
	// The same username again is refused, and so is a bad role.
	out.Reset()
	errOut.Reset()
	if code := runWith([]string{"user", "add", "--username", "zhang.san", "--role", "clerk", "--name", "x"}, strings.NewReader("Passw0rd12\n"), &out, &errOut); code == 0 {
		t.Fatal("duplicate username accepted")
	}
	if code := runWith([]string{"user", "add", "--username", "li.si", "--role", "boss", "--name", "李四"}, strings.NewReader("Passw0rd12\n"), &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "role") {
		t.Fatalf("bad role: exit %d, %s", code, errOut.String())
	}
}

// TestUserAddPasswordNeverAFlag: hole 10 — the password comes from standard
// input or SUNSHINE_USER_PASSWORD; --password is refused, so it never shows
// in the process list or the shell history.
func TestUserAddPasswordNeverAFlag(t *testing.T) {
	t.Setenv("SUNSHINE_DATA_DIR", t.TempDir())
	var out, errOut bytes.Buffer
	if code := runWith([]string{"user", "add", "--username", "wang.wu", "--password", "Passw0rd12", "--role", "clerk",
		"--name", "王五"}, strings.NewReader(""), &out, &errOut); code == 0 {
		t.Fatal("--password accepted")
	}
	if code := runWith([]string{"user", "add", "--username", "wang.wu", "--role", "clerk", "--name", "王五"},
		strings.NewReader(""), &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "no password") {
		t.Fatalf("no password given: exit %d, %s", code, errOut.String())
	}
	t.Setenv("SUNSHINE_USER_PASSWORD", "Env-Passw0rd-1")
	out.Reset()
	if code := runWith([]string{"user", "add", "--username", "audit.one", "--role", "auditor", "--name", "审计员"},
		strings.NewReader(""), &out, &errOut); code != 0 || !strings.Contains(out.String(), `"role":"auditor"`) {
		t.Fatalf("auditor from SUNSHINE_USER_PASSWORD: exit %d, %s %s", code, out.String(), errOut.String())
	}
	// A common or short password is refused.
	t.Setenv("SUNSHINE_USER_PASSWORD", "")
	if code := runWith([]string{"user", "add", "--username", "weak.one", "--role", "clerk", "--name", "弱"},
		strings.NewReader("password123\n"), &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "常见") {
		t.Fatalf("common password: exit %d, %s", code, errOut.String())
	}
}

func TestDemoLoadsEveryStatusOnce(t *testing.T) {
	t.Setenv("SUNSHINE_DATA_DIR", t.TempDir())
	var out, errOut bytes.Buffer
	if code := run([]string{"demo"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{"23 个案件", "specialist1", "sim-haibin", "Sunshine2026"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if code := run([]string{"demo"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "已存在") {
		t.Fatalf("second demo run: exit %d, %s", code, out.String())
	}
}

func TestDemoCoversEveryStatus(t *testing.T) {
	seen := map[string]bool{}
	for _, sc := range demoScenarios {
		seen[string(sc.target)] = true
	}
	for _, s := range []string{"submitted", "needs_info", "reviewing", "meeting_review", "rejected", "withdrawn", "assigned",
		"in_service", "suspended", "closing", "completed", "terminated", "delivering", "delivered", "archived"} {
		if !seen[s] {
			t.Errorf("no demo case ends in %s", s)
		}
	}
}

func TestProductionRefusesEmbeddedDefaults(t *testing.T) {
	t.Setenv("SUNSHINE_ENV", "production")
	var out, errOut bytes.Buffer
	if code := run([]string{"serve"}, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "SUNSHINE_MYSQL_DSN") {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
}

func TestShutdownLetsInFlightRequestsFinish(t *testing.T) {
	app := newRoot(rootOptions{Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), BodyMB: 1})
	started := make(chan struct{})
	app.Get("/slow", func(c *fiber.Ctx) error {
		close(started)
		time.Sleep(300 * time.Millisecond)
		return c.SendString("done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	type result struct {
		status int
		err    error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			res <- result{err: err}
			return
		}
		resp.Body.Close()
		res <- result{status: resp.StatusCode}
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := app.ShutdownWithContext(ctx); err != nil {
		t.Fatal(err)
	}
	if r := <-res; r.err != nil || r.status != 200 {
		t.Fatalf("in-flight request: %+v", r)
	}
}

// TestAuditVerifyCommand: `sunshine audit verify` passes on an intact chain
// and, after a record is edited in the database, exits non-zero naming it.
func TestAuditVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SUNSHINE_DATA_DIR", dir)
	var out, errOut bytes.Buffer
	for _, name := range []string{"audit.a", "audit.b", "audit.c"} {
		if code := runWith([]string{"user", "add", "--username", name, "--role", "clerk", "--name", "甲"},
			strings.NewReader("Passw0rd12\n"), &out, &errOut); code != 0 {
			t.Fatalf("user add: %s", errOut.String())
		}
	}
	db, err := storage.Open(context.Background(), storage.Options{SQLitePath: filepath.Join(dir, "sunshine.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	appendN := func(n int) {
		for i := 0; i < n; i++ {
			if err := db.Audit().Append(context.Background(), &audit.Record{Action: "case.read", ObjectType: "case",
				ObjectID: fmt.Sprint(i), Result: audit.OK}); err != nil {
				t.Fatal(err)
			}
		}
	}
	appendN(4)
	out.Reset()
	if code := runWith([]string{"audit", "verify"}, strings.NewReader(""), &out, &errOut); code != 0 ||
		!strings.Contains(out.String(), "intact: 4 records") {
		t.Fatalf("intact chain: exit %d, %s %s", code, out.String(), errOut.String())
	}
	if err := db.W.Exec("UPDATE audit_records SET object_id = '999' WHERE seq = 2").Error; err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := runWith([]string{"audit", "verify"}, strings.NewReader(""), &out, &errOut); code == 0 ||
		!strings.Contains(out.String(), "BROKEN at seq 2") {
		t.Fatalf("edited record: exit %d, %s", code, out.String())
	}
	// A purge that would cut younger than 180 days is refused.
	if code := runWith([]string{"audit", "purge", "--before", time.Now().AddDate(0, 0, -30).Format("2006-01-02")},
		strings.NewReader(""), &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "180") {
		t.Fatalf("young purge: exit %d, %s", code, errOut.String())
	}
}
