package staffapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/accounts"
	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/files/filestest"
	"sunshine/app/session"
	"sunshine/app/storage"
	"sunshine/app/system/systemtest"
	"sunshine/portal/staffapi"
)

// The fixture of the attachments, matters, hotline and print tests: the
// portal on a real database and Redis, with the files, matters and hotline
// services wired as cmd/sunshine does. Users get sessions straight from the
// session store (no login throttle shared with other packages on a real
// Redis), and random ids so that no other package's session cleanup can
// touch them.

const (
	fxHotlineSecret = "fixture-hotline-secret-0123456789"
	fxMaxUpload     = 1 << 20 // 1 MB, to test the limit cheaply
)

// fxMonday is 2026-03-02 09:00 China time, weeks from any holiday.
var fxMonday = time.Date(2026, 3, 2, 9, 0, 0, 0, casework.ChinaTime)

// fxClock is the injected clock of a fixture.
type fxClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fxClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fxClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fxEnv struct {
	t     *testing.T
	db    *storage.DB
	clk   *fxClock
	cases *cases.Service
	app   *fiber.App
	dir   string
	ip    string
	users map[string]*accounts.Staff
	tok   map[string]string
	sess  *session.Store
}

func newFxEnv(t *testing.T) *fxEnv {
	t.Helper()
	ctx := context.Background()
	e := &fxEnv{t: t, clk: &fxClock{t: fxMonday},
		ip:    fmt.Sprintf("10.%d.%d.%d", rand.IntN(250)+1, rand.IntN(250)+1, rand.IntN(250)+1),
		users: map[string]*accounts.Staff{}, tok: map[string]string{}}
	sys := systemtest.New(t, systemtest.Options{Now: e.clk.now, Env: map[string]string{
		"SUNSHINE_MAX_UPLOAD_MB": strconv.Itoa(fxMaxUpload >> 20), "SUNSHINE_HOTLINE_SECRET": fxHotlineSecret}})
	db := sys.DB
	e.db, e.cases, e.sess, e.dir = db, sys.Cases, sys.Sessions, sys.Config.FilesDir()
	d := staffapi.DepsOf(sys)
	d.BodyLimit = 4 << 20
	p := staffapi.New(d)
	root := fiber.New(fiber.Config{BodyLimit: 4 << 20})
	root.Use(func(c *fiber.Ctx) error {
		c.SetUserContext(audit.WithRequest(c.UserContext(), audit.Request{IP: e.ip, RequestID: "req-fx"}))
		return c.Next()
	})
	root.Mount("/", p)
	e.app = root
	id := rand.Int64N(1<<40) + 1<<30
	for _, u := range []struct {
		name string
		role casework.Role
		dept string
	}{
		{"clerk", casework.RoleClerk, ""}, {"head", casework.RoleHead, ""},
		{"specA", casework.RoleSpecialist, ""}, {"specB", casework.RoleSpecialist, ""},
		{"liaisonA", casework.RoleLiaison, "市自然资源局"}, {"liaisonB", casework.RoleLiaison, "市住房和城乡建设局"},
		{"supervisor", casework.RoleSupervisor, ""}, {"admin", casework.RoleAdmin, ""},
	} {
		id++
		s := &accounts.Staff{ID: id, Username: fmt.Sprintf("fx%d", id), PasswordHash: "-", Role: u.role,
			Name: u.role.Label() + u.name, Department: u.dept, CreatedAt: fxMonday, UpdatedAt: fxMonday}
		if err := db.Staff().CreateStaff(ctx, s); err != nil {
			t.Fatal(err)
		}
		e.users[u.name] = s
	}
	e.login()
	return e
}

// login gives every fixture user a fresh session (after the clock moved
// past the session timeouts).
func (e *fxEnv) login() {
	e.t.Helper()
	for name, u := range e.users {
		tok, _, err := e.sess.Create(context.Background(), session.Staff, u.ID, string(u.Role), nil)
		if err != nil {
			e.t.Fatal(err)
		}
		e.tok[name] = tok
	}
}

// viewer is a fixture user as the case service sees them.
func (e *fxEnv) viewer(name string) cases.Viewer { return cases.Viewer{Actor: e.users[name].Actor()} }

// newCase submits an application at the window (as the clerk).
func (e *fxEnv) newCase(form casework.Form) *casework.Case {
	e.t.Helper()
	c, err := e.cases.Submit(context.Background(), e.viewer("clerk"),
		cases.SubmitInput{Form: form, Channel: casework.ChannelWindow, Mode: casework.FormIntake})
	if err != nil {
		e.t.Fatalf("submit: %v (%v)", err, errs.FieldsOf(err))
	}
	return c
}

func fxForm() casework.Form {
	var f casework.Form
	f.Enterprise.Name, f.Project.Name, f.Entrustment.Matters = "阳光科技有限公司", "智能制造产业园", "施工许可证办理"
	return f
}

// act applies an action at the case's version, failing the test on error.
func (e *fxEnv) act(who string, c *casework.Case, a casework.Action, p map[string]any) *casework.Case {
	e.t.Helper()
	raw := map[string]json.RawMessage{}
	for k, v := range p {
		raw[k], _ = json.Marshal(v)
	}
	got, err := e.cases.Act(context.Background(), e.viewer(who), c.ID, casework.Request{Action: a, Version: c.Version, Payload: raw})
	if err != nil {
		e.t.Fatalf("%s by %s: %v (%v)", a, who, err, errs.FieldsOf(err))
	}
	return got
}

// assigned takes a new case to in_service with specA.
func (e *fxEnv) assigned() *casework.Case {
	e.t.Helper()
	c := e.newCase(fxForm())
	c = e.act("clerk", c, casework.ActionAccept, map[string]any{"service_type": "assist"})
	c = e.act("clerk", c, casework.ActionPassReview, map[string]any{"content": "材料齐全", "materials": []string{"营业执照"}})
	c = e.act("head", c, casework.ActionAssign, map[string]any{"opinion": "同意", "specialist_id": e.users["specA"].ID})
	return e.act("specA", c, casework.ActionStart, map[string]any{})
}

// send runs a request through the app; who names the fixture user ("" for none).
func (e *fxEnv) send(req *http.Request, who string) (*http.Response, []byte) {
	e.t.Helper()
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+e.tok[who])
	}
	resp, err := e.app.Test(req, -1)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// json sends a JSON request (body nil: none) and returns the status and body.
func (e *fxEnv) json(method, path, who string, body any) (int, []byte) {
	e.t.Helper()
	var r io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			r = strings.NewReader(s)
		} else {
			b, _ := json.Marshal(body)
			r = bytes.NewReader(b)
		}
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, out := e.send(req, who)
	return resp.StatusCode, out
}

// expect checks the status of a JSON request and decodes the answer.
func (e *fxEnv) expect(method, path, who string, body any, want int, out any) []byte {
	e.t.Helper()
	got, raw := e.json(method, path, who, body)
	if got != want {
		e.t.Fatalf("%s %s as %q = %d %s, want %d", method, path, who, got, raw, want)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("decode %s: %v", raw, err)
		}
	}
	return raw
}

// upload posts a multipart upload of data named name to a case.
func (e *fxEnv) upload(caseID int64, who, name string, data []byte, step string) (*http.Response, []byte) {
	e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if step != "" {
		_ = w.WriteField("step", step)
	}
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = w.Close()
	req := httptest.NewRequest("POST", "/api/staff/v1/cases/"+strconv.FormatInt(caseID, 10)+"/attachments", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return e.send(req, who)
}

// count runs a COUNT(*) query.
func (e *fxEnv) count(q string, args ...any) int64 {
	e.t.Helper()
	var n int64
	if err := e.db.R.Raw(q, args...).Scan(&n).Error; err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// advance moves the clock and logs everyone in again.
func (e *fxEnv) advance(d time.Duration) { e.clk.add(d); e.login() }

func fxItoa(id int64) string { return strconv.FormatInt(id, 10) }

// attach uploads a scan to the case as who and returns its attachment id.
func (e *fxEnv) attach(caseID int64, who string) int64 {
	e.t.Helper()
	resp, body := e.upload(caseID, who, "scan.png", filestest.PNG(), "")
	if resp.StatusCode != 201 {
		e.t.Fatalf("upload = %d %s", resp.StatusCode, body)
	}
	var out struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.ID == 0 {
		e.t.Fatalf("upload answer %s: %v", body, err)
	}
	return out.ID
}
