// Package enterprise is the enterprise self-service portal at "/": the
// pages an enterprise user opens in a browser — the home page, scan-to-login,
// my cases, the 服务申请表 on screen, a case with what the enterprise may do
// now, the inbox, the enterprise profile and membership, and the print of
// the enterprise's own application form.
//
// It is HTTP only, built on portal/site (layout, cookie session, CSRF,
// security headers, error pages), and calls the same app services as the
// mini-program API (members, cases, files, notify, scanlogin), so the rules
// and messages are the same. One handler file per page, templates in
// pages/, behaviour in static/ (no inline script).
package enterprise

import (
	"context"
	"embed"
	"io"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/accounts"
	"sunshine/app/cases"
	"sunshine/app/files"
	"sunshine/app/members"
	"sunshine/app/notify"
	"sunshine/app/scanlogin"
	"sunshine/app/session"
	"sunshine/app/supervision"
	"sunshine/app/system"
	"sunshine/portal/site"
)

//go:embed pages/*.html
var pagesFS embed.FS

//go:embed static
var staticFS embed.FS

// Files stores and serves case materials (files.Service).
type Files interface {
	// Upload stores a material of a case the viewer may act on. Errors:
	// too_large, unsupported, unprocessable, not_found, forbidden.
	Upload(ctx context.Context, v cases.Viewer, caseID int64, step, filename string, r io.Reader) (*files.Meta, error)
	// List lists a case's materials. Errors: not_found.
	List(ctx context.Context, v cases.Viewer, caseID int64) ([]files.Meta, error)
	// ReadAll returns one material. Errors: not_found.
	ReadAll(ctx context.Context, v cases.Viewer, id int64) (*files.Meta, []byte, error)
}

// Inbox reads a member's in-app inbox (notify.Service).
type Inbox interface {
	Inbox(ctx context.Context, recipient string, before int64, limit int) (*notify.InboxPage, error)
	// MarkRead marks one entry (id > 0) or all (0) read. Errors: not_found.
	MarkRead(ctx context.Context, recipient string, id int64) error
}

// StaffDirectory finds the specialist of a case (name and phone).
type StaffDirectory interface {
	// StaffByID returns a staff account. Returns not_found.
	StaffByID(ctx context.Context, id int64) (*accounts.Staff, error)
}

// ScanLogin makes and takes scan-to-login tickets (scanlogin.Service).
type ScanLogin interface {
	// Create makes a ticket. Errors: unavailable.
	Create(ctx context.Context) (*scanlogin.Ticket, error)
	// Take polls a ticket with its browser secret. Errors: unavailable.
	Take(ctx context.Context, id, secret string) (scanlogin.State, int64, error)
}

// CodeImages draws the mini-program code of a ticket (wechat.Client).
type CodeImages interface {
	// MiniProgramCode returns a JPEG mini-program code opening page with scene.
	MiniProgramCode(ctx context.Context, scene, page string) ([]byte, error)
}

// Deps is what the portal needs.
type Deps struct {
	Log       *slog.Logger
	Members   *members.Service
	Cases     *cases.Service
	Files     Files
	Inbox     Inbox
	Staff     StaffDirectory
	ScanLogin ScanLogin
	Codes     CodeImages
	// Reports files the enterprise's 监督 reports (supervision.Service); nil:
	// the case page has no report form.
	Reports *supervision.Service
	// Simulator shows the link that plays the scan in the WeChat simulator.
	Simulator bool
	// Secure: the cookie is Secure and __Host- prefixed (false only in
	// development over plain HTTP).
	Secure bool
	// ScanPage is the mini-program page a login code opens (its scene is the ticket).
	ScanPage string
	// BodyLimit is the largest request (uploads). Default 21 MiB.
	BodyLimit int
}

// DepsOf takes the portal's services from the composition root.
func DepsOf(s *system.System) Deps {
	return Deps{Log: s.Log, Members: s.Members, Cases: s.Cases, Files: s.Files, Inbox: s.Notify, Staff: s.DB.Staff(),
		ScanLogin: s.ScanLogin, Codes: s.WeChat.Client, Reports: s.Reports, Simulator: s.WeChat.Simulator != nil,
		Secure: s.Config.CookieSecure, BodyLimit: (s.Config.MaxUploadMB + 1) << 20}
}

// Surface is the portal: its Fiber app (mount it at "/") and its site.
type Surface struct {
	App  *fiber.App
	Site *site.Site
}

// New builds the portal.
func New(d Deps) (*Surface, error) {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.BodyLimit == 0 {
		d.BodyLimit = 21 << 20
	}
	if d.ScanPage == "" {
		d.ScanPage = "pages/scan/confirm"
	}
	h := &handlers{d: d}
	pages, _ := fs.Sub(pagesFS, "pages")
	static, _ := fs.Sub(staticFS, "static")
	s, err := site.New(site.Options{Log: d.Log, Name: "阳光代办", Home: "/", LoginPath: "/login", LogoutPath: "/logout",
		StaticPrefix: "/static", Secure: d.Secure, CookieName: "sunshine", Kind: session.Member,
		Authenticate: func(ctx context.Context, token string) (any, *session.Session, error) {
			m, sess, err := d.Members.AuthenticateSession(ctx, token)
			return m, sess, err
		},
		Logout: d.Members.Logout, Nav: h.nav, Pages: pages, Static: static, Funcs: funcs,
		JSONPrefixes: apiPrefixes})
	if err != nil {
		return nil, err
	}
	h.site = s
	app := fiber.New(fiber.Config{DisableStartupMessage: true, BodyLimit: d.BodyLimit, ErrorHandler: s.ErrorHandler})
	s.Mount(app, h.routes())
	// Last: a browser's unknown address under "/" gets the 404 page; the
	// other surfaces' prefixes keep their JSON answers.
	app.Use(h.notFound)
	return &Surface{App: app, Site: s}, nil
}

// handlers holds the dependencies of every page.
type handlers struct {
	d    Deps
	site *site.Site
}

// member returns the signed-in member of a SignedIn route.
func member(c *fiber.Ctx) *members.Member {
	v := site.VisitorOf(c)
	if v == nil {
		return nil
	}
	m, _ := v.Principal.(*members.Member)
	return m
}

// nav is the header: the unread count of the inbox next to 消息.
func (h *handlers) nav(c *fiber.Ctx, v *site.Visitor) []site.NavItem {
	if v == nil {
		return []site.NavItem{{Label: "首页", Href: "/"}, {Label: "扫码登录", Href: "/login"}}
	}
	unread := 0
	if m := member(c); m != nil && h.d.Inbox != nil {
		if p, err := h.d.Inbox.Inbox(c.UserContext(), notify.MemberRecipient(m.ID), 0, 1); err == nil {
			unread = p.Unread
		}
	}
	return []site.NavItem{{Label: "首页", Href: "/"}, {Label: "我的案件", Href: "/cases"},
		{Label: "申请帮办代办", Href: "/cases/new"}, {Label: "消息", Href: "/notices", Badge: unread},
		{Label: "企业信息", Href: "/enterprise"}}
}

// apiPrefixes are the other surfaces mounted next to the portal: their
// unknown addresses keep the root's JSON 404.
var apiPrefixes = []string{"/api/", "/wechat/", "/dev/", "/healthz", "/readyz", "/metrics", "/staff"}

func (h *handlers) notFound(c *fiber.Ctx) error {
	p := c.Path()
	for _, pre := range apiPrefixes {
		if strings.HasPrefix(p, pre) {
			return c.Next()
		}
	}
	return h.site.NotFound(c)
}
