// Package mpapi is the HTTP surface of the WeChat mini-program: the JSON API
// under /api/mp/v1 (login, enterprise binding, cases, urging, attachments,
// receipts, ratings, subscriptions and the inbox), WeChat's message push
// endpoint /wechat/push, the OpenAPI description of the API, and — only in
// simulator mode — the simulator's /dev/wechat pages.
//
// It is HTTP only: every decision is made by the app packages it calls
// (members, cases, files, notify); request and response types live here with
// their converters, so no domain type is ever bound from a request body.
package mpapi

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"

	"sunshine/app/accounts"
	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/files"
	"sunshine/app/members"
	"sunshine/app/notify"
	"sunshine/app/supervision"
	"sunshine/app/system"
	"sunshine/app/wechat"
)

// Credits records the subscribe-message credits a user granted (app/notify).
type Credits interface {
	// Grant adds one credit per template id for the mini-program openid.
	Grant(ctx context.Context, openid string, templateIDs []string) error
}

// Inbox reads a member's in-app inbox (notify.Service).
type Inbox interface {
	// Inbox returns a page of the recipient's entries, newest first.
	Inbox(ctx context.Context, recipient string, before int64, limit int) (*notify.InboxPage, error)
	// MarkRead marks one entry (id > 0) or all (id 0) read. Returns
	// not_found for someone else's entry.
	MarkRead(ctx context.Context, recipient string, id int64) error
}

// Files stores and serves case materials (files.Service).
type Files interface {
	Upload(ctx context.Context, v cases.Viewer, caseID int64, step, filename string, r io.Reader) (*files.Meta, error)
	List(ctx context.Context, v cases.Viewer, caseID int64) ([]files.Meta, error)
	ReadAll(ctx context.Context, v cases.Viewer, id int64) (*files.Meta, []byte, error)
}

// StaffDirectory finds the specialist of a case (their name and phone).
type StaffDirectory interface {
	// StaffByID returns a staff account. Returns not_found.
	StaffByID(ctx context.Context, id int64) (*accounts.Staff, error)
}

// Deps is what the surface needs. Optional parts leave their routes answering
// 503 (Files, Credits, Inbox) or out entirely (Push, Simulator).
type Deps struct {
	Log     *slog.Logger
	Members *members.Service
	Cases   *cases.Service
	Staff   StaffDirectory
	Files   Files
	Credits Credits
	Inbox   Inbox
	// Templates are the subscribe template ids the mini-program may report
	// as accepted; empty accepts any.
	Templates []string
	// TemplateIDs, when set, also accepts the subscribe template ids the
	// notifier uses now (the admin may change them at run time).
	TemplateIDs func() []string
	// Push verifies WeChat's pushes to /wechat/push; Recorder keeps the
	// subscription change and delivery reports it carries.
	Push     *wechat.PushVerifier
	Recorder audit.Store
	// KV remembers handled pushes by content (optional).
	KV redis.UniversalClient
	// ScanLogin confirms the portal's scan-to-login tickets (optional: 503).
	ScanLogin ScanLogin
	// Simulator is set only in simulator mode: it mounts /dev/wechat.
	Simulator *wechat.Simulator
	// Reports files the enterprise's misconduct reports (监督); nil: no routes.
	Reports *supervision.Service
	// BodyLimit is the largest request (uploads); JSON bodies are limited to
	// JSONLimit. Defaults: 21 MiB and 256 KiB.
	BodyLimit int
	JSONLimit int
}

// DepsOf takes every service the surface uses from the composition root.
func DepsOf(s *system.System) Deps {
	return Deps{Log: s.Log, Members: s.Members, Cases: s.Cases, Staff: s.DB.Staff(), Files: s.Files,
		Credits: s.Notify.Credits(), Inbox: s.Notify, Templates: s.WeChat.Config.SubscribeTemplates,
		TemplateIDs: s.Notify.Templates().SubscribeIDs,
		Push:        s.Push, Recorder: s.DB.Audit(), KV: s.KV, Simulator: s.WeChat.Simulator, ScanLogin: s.ScanLogin,
		Reports:   s.Reports,
		BodyLimit: (s.Config.MaxUploadMB + 1) << 20}
}

// Prefix is where the mini-program API lives.
const Prefix = "/api/mp/v1"

// New builds the mini-program surface. Mount it at "/".
func New(d Deps) *fiber.App {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.BodyLimit == 0 {
		d.BodyLimit = 21 << 20
	}
	if d.JSONLimit == 0 {
		d.JSONLimit = 256 << 10
	}
	app := fiber.New(fiber.Config{
		DisableStartupMessage: true,
		BodyLimit:             d.BodyLimit,
		ErrorHandler:          errorHandler(d.Log),
	})
	h := &handlers{d: d}
	if d.Push != nil {
		h.push = &pushService{verifier: d.Push, credits: d.Credits, recorder: d.Recorder, now: time.Now, log: d.Log}
		if d.Cases != nil {
			h.push.now = d.Cases.Now
		}
		if d.KV != nil {
			h.push.seen = wechat.NewNonceGuard(d.KV, "sunshine:mpapi:push:", pushMemory)
		}
	}
	h.routes(app)
	return app
}

// handlers holds the dependencies of every handler.
type handlers struct {
	d    Deps
	push *pushService
}

// member is the context of an authenticated request: the member and the
// viewer the case service sees.
type member struct {
	*members.Member
	viewer cases.Viewer
}

// now is used for overdue flags.
func (h *handlers) now() time.Time { return h.d.Cases.Now() }
