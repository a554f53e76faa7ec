// Package workbench is the staff workbench at /staff: the pages window
// clerks, the center head, specialists and department liaisons open in a
// browser for their daily work — the login, a home per role with its
// queues, the case list, the case as the 工作登记表 with only the actions
// allowed now (forms generated from the workflow's table), new intake from
// the windows and the hotline, the 咨询 register and the department matters.
// The supervisor's, the administrator's and the auditor's pages live in
// portal/backoffice; their homes redirect there.
//
// It is HTTP only, built on portal/site (layout, cookie session, CSRF,
// security headers, error pages), and calls the same app services as the
// staff API (accounts, cases, files, matters, consult, followup), so the
// rules and messages are the same. One handler file per page, templates in
// pages/, behaviour in static/ (no inline script).
package workbench

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/accounts"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/consult"
	"sunshine/app/files"
	"sunshine/app/followup"
	"sunshine/app/matters"
	"sunshine/app/session"
	"sunshine/app/system"
	"sunshine/portal/site"
	"sunshine/portal/staffnav"
)

//go:embed pages/*.html
var pagesFS embed.FS

//go:embed static
var staticFS embed.FS

// Prefix is where the workbench lives.
const Prefix = "/staff"

// Deps is what the workbench needs: the services of the composition root.
type Deps struct {
	Log       *slog.Logger
	Accounts  *accounts.Service
	Cases     *cases.Service
	Files     *files.Service
	Matters   *matters.Service
	Consult   *consult.Service
	Followups *followup.Service
	// Days counts working days (the deadline colours of a specialist's list).
	Days casework.WorkingDays
	// Secure: the cookie is Secure and __Host- prefixed (false only in
	// development over plain HTTP).
	Secure bool
	// BodyLimit is the largest request. Default 21 MiB.
	BodyLimit int
}

// DepsOf takes every service the workbench uses from the composition root.
func DepsOf(s *system.System) Deps {
	return Deps{Log: s.Log, Accounts: s.Accounts, Cases: s.Cases, Files: s.Files, Matters: s.Matters,
		Consult: s.Consult, Followups: s.Followups, Days: s.Calendar, Secure: s.Config.Production(),
		BodyLimit: (s.Config.MaxUploadMB + 1) << 20}
}

// Surface is the workbench: its Fiber app (mount it at "/") and its site.
type Surface struct {
	App  *fiber.App
	Site *site.Site
}

// New builds the workbench.
func New(d Deps) (*Surface, error) {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.BodyLimit == 0 {
		d.BodyLimit = 21 << 20
	}
	h := &handlers{d: d}
	pages, _ := fs.Sub(pagesFS, "pages")
	static, _ := fs.Sub(staticFS, "static")
	s, err := site.New(site.Options{Log: d.Log, Name: "阳光代办 工作台", Home: Prefix, LoginPath: Prefix + "/login",
		LogoutPath: Prefix + "/logout", StaticPrefix: Prefix + "/static", Secure: d.Secure,
		// A cookie of its own: a browser may hold an enterprise session and
		// a staff session at once without one replacing the other.
		CookieName: "sunshine_staff", Kind: session.Staff,
		Authenticate: func(ctx context.Context, token string) (any, *session.Session, error) {
			u, sess, err := d.Accounts.AuthenticateSession(ctx, token)
			return u, sess, err
		},
		Logout: func(ctx context.Context, token string) error {
			u, err := d.Accounts.Authenticate(ctx, token)
			if err != nil {
				return nil // already ended
			}
			return d.Accounts.Logout(ctx, u, token)
		},
		Nav: staffnav.Nav, Pages: pages, Static: static, Funcs: funcs})
	if err != nil {
		return nil, err
	}
	h.site = s
	app := fiber.New(fiber.Config{DisableStartupMessage: true, BodyLimit: d.BodyLimit, ErrorHandler: s.ErrorHandler})
	s.Mount(app, h.routes())
	return &Surface{App: app, Site: s}, nil
}

// handlers holds the dependencies of every page.
type handlers struct {
	d    Deps
	site *site.Site
}

// staff returns the signed-in staff member of a SignedIn route.
func staff(c *fiber.Ctx) *accounts.Staff {
	v := site.VisitorOf(c)
	if v == nil {
		return nil
	}
	u, _ := v.Principal.(*accounts.Staff)
	return u
}

// viewer is the signed-in staff member as the case services see them.
func viewer(c *fiber.Ctx) cases.Viewer { return cases.Viewer{Actor: staff(c).Actor()} }
