package site

import (
	"context"
	"html/template"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"

	"sunshine/app/session"
)

// Authenticate resolves a session token to the signed-in principal and
// its session. Errors: unauthenticated (unknown, ended or timed out),
// unavailable (the store does not answer).
type Authenticate func(ctx context.Context, token string) (principal any, sess *session.Session, err error)

// NavItem is a link of the header.
type NavItem struct {
	Label  string
	Href   string
	Badge  int  // shown as a count when > 0 (unread notices …)
	Active bool // set by Render for the current path
}

// Options configure a Site.
type Options struct {
	Log *slog.Logger
	// Name is the product name in the header and titles.
	Name string
	// Home is the surface's root path ("/" or "/staff").
	Home string
	// LoginPath is where unauthenticated visitors are sent (with ?next=).
	LoginPath string
	// LogoutPath is where the header's sign-out button posts.
	LogoutPath string
	// StaticPrefix is where static files are served ("/static").
	StaticPrefix string
	// Secure sets the cookie's Secure attribute and the __Host- prefix;
	// false only in development over plain HTTP.
	Secure bool
	// CookieName is the cookie's base name ("sunshine"): "__Host-sunshine"
	// when Secure, "sunshine_dev" otherwise.
	CookieName string
	// Kind is the session kind of this surface (session.Member, session.Staff).
	Kind session.Kind
	// Authenticate and Logout use the shared session store.
	Authenticate Authenticate
	Logout       func(ctx context.Context, token string) error
	// Nav builds the header links for a visitor (nil visitor: signed out).
	Nav func(c *fiber.Ctx, v *Visitor) []NavItem
	// Pages are the surface's page templates (*.html at the root of the FS;
	// files named _*.html are partials shared by every page).
	Pages fs.FS
	// Static are the surface's static files, served next to the site's.
	Static fs.FS
	// JSONPrefixes are paths of other surfaces mounted next to this one: a
	// Fiber error there (unknown route …) is answered in SPEC's JSON error
	// format, not as a page, whichever app's error handler Fiber picks.
	JSONPrefixes []string
	// Funcs are extra template functions of the surface.
	Funcs template.FuncMap
}

// Site is one browser surface's foundation.
type Site struct {
	o      Options
	pages  map[string]*template.Template
	errorT *template.Template
	static *staticFiles
	routes []Route
}

// New builds a site: it parses every page and hashes every static file, so a
// broken template fails at start, not at the first visit.
func New(o Options) (*Site, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Name == "" {
		o.Name = "阳光代办"
	}
	if o.Home == "" {
		o.Home = "/"
	}
	if o.StaticPrefix == "" {
		o.StaticPrefix = strings.TrimSuffix(o.Home, "/") + "/static"
	}
	if o.CookieName == "" {
		o.CookieName = "sunshine"
	}
	s := &Site{o: o}
	var err error
	if s.static, err = newStaticFiles(o.StaticPrefix, ownStatic(), o.Static); err != nil {
		return nil, err
	}
	if err := s.parse(); err != nil {
		return nil, err
	}
	return s, nil
}

// CookieName is the session cookie's name.
func (s *Site) CookieName() string {
	if s.o.Secure {
		return "__Host-" + s.o.CookieName
	}
	return s.o.CookieName + "_dev"
}

// Access is who may use a route.
type Access int

// Access rules of a route.
const (
	Public   Access = iota // anyone; the visitor is known when signed in
	SignedIn               // a signed-in visitor; others go to the login page
	// Login is a public form posted before any session exists (a password
	// login): its CSRF token is a double-submit cookie (LoginToken) instead
	// of the session's, with the same Origin check.
	Login
)

// Route is one row of a surface's route table.
type Route struct {
	Method  string
	Path    string
	Access  Access
	Handler fiber.Handler
}

// Mount registers the routes on app behind the site's middleware: security
// headers, compression, the session, and — for every method but GET and
// HEAD — the CSRF check. It also serves the static files. Call it once.
func (s *Site) Mount(app *fiber.App, routes []Route) {
	s.routes = append(s.routes, routes...)
	gz := compress.New(compress.Config{Level: compress.LevelDefault})
	app.Get(s.o.StaticPrefix+"/*", s.headers, s.static.serve)
	for _, r := range routes {
		chain := []fiber.Handler{s.headers, gz, s.session(r.Access == SignedIn)}
		if r.Method != fiber.MethodGet && r.Method != fiber.MethodHead {
			if r.Access == Login {
				chain = append(chain, s.loginCSRF)
			} else {
				chain = append(chain, s.csrf)
			}
		}
		chain = append(chain, r.Handler)
		app.Add(r.Method, r.Path, chain...)
	}
}

// Routes returns the route table given to Mount.
func (s *Site) Routes() []Route { return append([]Route(nil), s.routes...) }

// SafeNext returns raw if it is a path on this site (so a login can come
// back to it), "" otherwise: no scheme, no host, no "//" or "/\" start, no
// control characters.
func SafeNext(raw string) string {
	if raw == "" || len(raw) > 1024 || raw[0] != '/' || strings.HasPrefix(raw, "//") || strings.HasPrefix(raw, "/\\") {
		return ""
	}
	if strings.ContainsFunc(raw, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return raw
}

// LoginURL is the login page that comes back to next.
func (s *Site) LoginURL(next string) string {
	if next = SafeNext(next); next == "" || next == s.o.LoginPath {
		return s.o.LoginPath
	}
	return s.o.LoginPath + "?next=" + url.QueryEscape(next)
}
