package enterprise_test

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"sunshine/portal/enterprise"
	"sunshine/portal/site"
)

// TestEveryRouteNeedsLogin walks the portal's route table without a
// session: every page and form that is not public sends the browser to the
// login page (and back: ?next=), a form post without a session changes
// nothing, and the public pages stay public.
func TestEveryRouteNeedsLogin(t *testing.T) {
	s, err := enterprise.New(enterprise.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`:(\w+)`)
	routes := s.Site.Routes()
	if len(routes) < 20 {
		t.Fatalf("only %d routes in the table", len(routes))
	}
	public := 0
	for _, r := range routes {
		path := param.ReplaceAllString(r.Path, "7")
		req := httptest.NewRequest(r.Method, path, nil)
		resp, err := s.App.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if r.Access == site.Public {
			public++
			if resp.StatusCode == 303 && strings.HasPrefix(resp.Header.Get("Location"), "/login") {
				t.Errorf("%s %s is public but redirects to login", r.Method, r.Path)
			}
			continue
		}
		loc := resp.Header.Get("Location")
		if resp.StatusCode != 303 || !strings.HasPrefix(loc, "/login") {
			t.Errorf("%s %s without a session: %d %q, want 303 to /login", r.Method, r.Path, resp.StatusCode, loc)
		}
		if r.Method == "GET" && loc != "/login?next="+strings.ReplaceAll(path, "/", "%2F") {
			t.Errorf("%s %s: login does not come back: %q", r.Method, r.Path, loc)
		}
		// htmx requests are told where to go instead of following a redirect.
		req = httptest.NewRequest(r.Method, path, nil)
		req.Header.Set("HX-Request", "true")
		resp, _ = s.App.Test(req, -1)
		if resp.StatusCode != 401 || !strings.HasPrefix(resp.Header.Get("HX-Redirect"), "/login") {
			t.Errorf("%s %s htmx: %d %q, want 401 with HX-Redirect", r.Method, r.Path, resp.StatusCode, resp.Header.Get("HX-Redirect"))
		}
	}
	if public != 4 {
		t.Errorf("%d public routes, want 4 (home, login, its code image and its poll)", public)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/cases/7":             "/cases/7",
		"/cases?status=open":   "/cases?status=open",
		"":                     "",
		"cases":                "",
		"//evil.example/x":     "",
		"/\\evil.example":      "",
		"https://evil.example": "",
		"/a\nb":                "",
		"/%2F%2Fevil":          "/%2F%2Fevil",
	} {
		if got := site.SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPagesCarrySecurityHeaders: the public pages, the 404 page and the
// static files all carry the CSP and the other headers.
func TestPagesCarrySecurityHeaders(t *testing.T) {
	s, err := enterprise.New(enterprise.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/no/such/page", "/static/site.css"} {
		resp, _ := s.App.Test(httptest.NewRequest("GET", path, nil), -1)
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" ||
			resp.Header.Get("Permissions-Policy") == "" {
			t.Errorf("%s: headers %v", path, resp.Header)
		}
	}
	resp, _ := s.App.Test(httptest.NewRequest("GET", "/no/such/page", nil), -1)
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("unknown page: %d %s, want the 404 page", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, _ = s.App.Test(httptest.NewRequest("GET", "/api/mp/v1/nothing", nil), -1)
	if resp.StatusCode == 200 || strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("an API address got a page: %d", resp.StatusCode)
	}
}
