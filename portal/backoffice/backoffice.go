// Package backoffice is the staff workbench's back office at /staff: the
// dashboards of the center head and the supervising bureau (drawn with
// Apache ECharts, each chart with its table), the 通报 (bulletins), the
// administrator's pages (users, departments, the holiday calendar,
// notification template ids, failed notifications), the auditor's audit
// log, and every staff member's account page (password, second factor).
//
// It is HTTP only, built on portal/site, and shares the staff session with
// portal/workbench: the same cookie, the same login page (/staff/login),
// the same menu (portal/staffnav). It calls the same app services as the
// staff JSON API (stats, bulletin, admin, accounts, notify, audit), so the
// rules, role checks, audit records and messages are the same. One handler
// file per page, templates in pages/, behaviour in static/ (no inline
// script: the CSP forbids it). ECharts is loaded on the dashboard only.
package backoffice

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"slices"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/accounts"
	"sunshine/app/admin"
	"sunshine/app/audit"
	"sunshine/app/bulletin"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/notify"
	"sunshine/app/session"
	"sunshine/app/stats"
	"sunshine/app/system"
	"sunshine/app/web"
	"sunshine/portal/site"
	"sunshine/portal/staffnav"
)

//go:embed pages/*.html
var pagesFS embed.FS

//go:embed static
var staticFS embed.FS

// Prefix is where the staff pages live.
const Prefix = staffnav.Prefix

// StaticPrefix is where the back office's static files are served: not the
// workbench's /staff/static, so the two surfaces' files never shadow each
// other.
const StaticPrefix = Prefix + "/assets"

// Deps is what the back office needs: the services of the composition root.
type Deps struct {
	Log       *slog.Logger
	Accounts  *accounts.Service
	Stats     *stats.Service
	Bulletins *bulletin.Service
	Admin     *admin.Service
	Templates *notify.TemplateAdmin
	Notify    *notify.Service
	Trail     *audit.Service
	// Secure: the cookie is Secure and __Host- prefixed (false only in
	// development over plain HTTP).
	Secure bool
}

// DepsOf takes every service the back office uses from the composition root.
func DepsOf(s *system.System) Deps {
	return Deps{Log: s.Log, Accounts: s.Accounts, Stats: s.Stats, Bulletins: s.Bulletins, Admin: s.Admin,
		Templates: s.Templates, Notify: s.Notify, Trail: s.Trail, Secure: s.Config.Production()}
}

// Surface is the back office: its Fiber app (mount it at "/") and its site.
type Surface struct {
	App  *fiber.App
	Site *site.Site
}

// New builds the back office.
func New(d Deps) (*Surface, error) {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	h := &handlers{d: d}
	pages, _ := fs.Sub(pagesFS, "pages")
	static, _ := fs.Sub(staticFS, "static")
	s, err := site.New(site.Options{Log: d.Log, Name: "阳光代办 工作台", Home: Prefix, LoginPath: Prefix + "/login",
		LogoutPath: Prefix + "/logout", StaticPrefix: StaticPrefix, Secure: d.Secure,
		// The workbench's cookie: one staff session for both surfaces.
		CookieName: "sunshine_staff", Kind: session.Staff,
		Authenticate: func(ctx context.Context, token string) (any, *session.Session, error) {
			u, sess, err := d.Accounts.AuthenticateSession(ctx, token)
			return u, sess, err
		},
		Nav: staffnav.Nav, Pages: pages, Static: static, Funcs: funcs})
	if err != nil {
		return nil, err
	}
	h.site = s
	app := fiber.New(fiber.Config{DisableStartupMessage: true, BodyLimit: 1 << 20, ErrorHandler: s.ErrorHandler})
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

// actor is the signed-in staff member as the services see them.
func actor(c *fiber.Ctx) casework.Actor { return staff(c).Actor() }

// only lets the given roles through to the page; the others get the 403
// page. The services check again (and audit the refusal); this keeps a
// page from being drawn half before its first service call refuses.
func (h *handlers) only(next fiber.Handler, roles ...casework.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if u := staff(c); u == nil || !slices.Contains(roles, u.Role) {
			return h.site.Fail(c, errs.E(errs.Forbidden, "您的角色不能使用此页面"))
		}
		return next(c)
	}
}

// page starts a page's view; a refused form's messages (400/422/409) go
// next to its fields and above it.
func (h *handlers) page(c *fiber.Ctx, title string, data any, formErr error) *site.Page {
	p := h.site.NewPage(c, title, data)
	if formErr != nil {
		p.Fields, p.Error = site.Fields(formErr), site.Message(formErr)
	}
	return p
}

// failForm redraws the form's page with err's messages when err is a form
// error (400/409/422 …), otherwise it answers the error page.
func (h *handlers) failForm(c *fiber.Ctx, err error, redraw func() error) error {
	if site.IsFormError(err) {
		return redraw()
	}
	return h.site.Fail(c, err)
}

// flatten turns a form error's field messages into its message: for row
// forms, whose fields the page's other form does not have.
func flatten(err error) error {
	fields := site.Fields(err)
	if len(fields) == 0 {
		return err
	}
	msgs := make([]string, 0, len(fields))
	for _, m := range fields {
		msgs = append(msgs, m)
	}
	sort.Strings(msgs)
	return errs.E(errs.CodeOf(err), strings.Join(msgs, "；"))
}

// status is the HTTP status of a page drawn after err (200 without one).
func status(err error) int {
	if err == nil {
		return fiber.StatusOK
	}
	return web.ProblemOf(err).Status
}

// done answers a successful form: a flash and back to the page (PRG).
func (h *handlers) done(c *fiber.Ctx, msg, to string) error {
	h.site.SetFlash(c, msg)
	return c.Redirect(to, fiber.StatusSeeOther)
}
