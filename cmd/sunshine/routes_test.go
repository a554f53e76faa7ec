package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"sunshine/config"
)

// publicRoutes are the routes that answer without credentials, with the
// status an empty, unsigned request gets. Every other route of every
// surface must refuse such a request (401/403) or send a browser to its
// login page; a new route lands here only on purpose.
var publicRoutes = map[string][]int{
	"GET /healthz": {200},
	"GET /readyz":  {200},
	// /metrics is not here: it is served on SUNSHINE_METRICS_ADDR, off the
	// public port (TestMetricsOffThePublicPort).
	// Logins read their credentials from a JSON body: an empty one is refused.
	"POST /api/staff/v1/login": {400, 415, 422},
	"POST /api/mp/v1/login":    {400, 415, 422},
	// The staff login's later steps carry the challenge of POST /login in
	// their JSON body (docs/security.md).
	"POST /api/staff/v1/login/totp":          {400, 401, 415, 422},
	"POST /api/staff/v1/login/enrol":         {400, 401, 415, 422},
	"POST /api/staff/v1/login/enrol/qr.png":  {400, 401, 415, 422},
	"POST /api/staff/v1/login/enrol/confirm": {400, 401, 415, 422},
	"POST /api/staff/v1/login/password":      {400, 401, 415, 422},
	// The description of the mini-program API.
	"GET /api/mp/v1/openapi.json": {200},
	// Signed by the hotline system / WeChat: unsigned requests are refused.
	"POST /api/hotline/v1/orders": {401},
	"GET /wechat/push":            {400, 401, 403},
	"POST /wechat/push":           {400, 401, 403},
	// The enterprise portal's public pages: home, the scan-to-login page,
	// its code image (only for the browser holding the ticket: 404 here)
	// and its poll (no ticket: the 410 page), and the static files.
	"GET /":           {200},
	"GET /login":      {200},
	"GET /login/code": {404},
	"GET /login/wait": {410},
	"GET /static/*":   {404},
	// The workbench's login page, its static files, and its login forms
	// (refused without their CSRF token).
	"GET /staff/login":       {200},
	"GET /staff/static/*":    {404},
	"POST /staff/login":      {403},
	"POST /staff/login/step": {403},
	// The back office's static files (portal/backoffice: ECharts, the
	// dashboard's script, its styles).
	"GET /staff/assets/*": {404},
}

// devRoute are the WeChat simulator's pages and controls: they exist only
// in simulator mode, which production refuses to start with.
var devRoute = regexp.MustCompile(`^/dev/wechat(/|$)`)

// TestEveryRouteRefusesAnonymousRequests walks every route the service
// registers, on every surface, without credentials.
func TestEveryRouteRefusesAnonymousRequests(t *testing.T) {
	env := map[string]string{"SUNSHINE_ENV": "development", "SUNSHINE_DATA_DIR": t.TempDir(), "SUNSHINE_WECHAT_MODE": "simulator"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	svc, err := build(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer svc.stop()
	root := svc.root
	if _, err := root.Test(httptest.NewRequest("GET", "/healthz", nil), -1); err != nil { // mounts the surfaces
		t.Fatal(err)
	}
	param := regexp.MustCompile(`:[a-zA-Z_]+\??|\*`)
	seen := map[string]bool{}
	var keys []string
	for _, r := range root.GetRoutes(true) {
		if r.Method == "HEAD" || r.Method == "USE" || r.Method == "CONNECT" || r.Method == "TRACE" || r.Method == "OPTIONS" {
			continue
		}
		path := param.ReplaceAllStringFunc(r.Path, func(p string) string {
			switch strings.TrimSuffix(p, "?") {
			case ":action":
				return "accept"
			case ":year":
				return "2027"
			case "*":
				return "x"
			}
			return "1"
		})
		key := r.Method + " " + r.Path
		if seen[key] {
			continue
		}
		seen[key] = true
		keys = append(keys, key)
		t.Run(key, func(t *testing.T) {
			req := httptest.NewRequest(r.Method, path, nil)
			resp, err := root.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			got := resp.StatusCode
			if want, ok := publicRoutes[key]; ok {
				for _, w := range want {
					if got == w {
						return
					}
				}
				t.Fatalf("public route: got %d %s, want one of %v", got, body, want)
			}
			if devRoute.MatchString(r.Path) {
				return // simulator only; refused to exist in production (config tests)
			}
			switch {
			case got == 401 || got == 403:
			case got >= 300 && got < 400 && strings.Contains(resp.Header.Get("Location"), "login"):
			default:
				t.Fatalf("without credentials: got %d %s (Location %q), want 401, 403 or a redirect to a login page",
					got, body, resp.Header.Get("Location"))
			}
		})
	}
	sort.Strings(keys)
	if len(keys) < 40 {
		t.Fatalf("only %d routes found: the walk does not see the mounted surfaces: %v", len(keys), keys)
	}
	for k := range publicRoutes {
		if !seen[k] {
			t.Errorf("public route %s is not registered any more: update the table", k)
		}
	}
}
