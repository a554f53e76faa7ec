// Package staffapi is the staff JSON API of 阳光代办 (/api/staff/v1), the
// 2135 hotline intake (/api/hotline/v1) and the printable forms. It is HTTP
// only: every decision is made by the app packages it calls.
package staffapi

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/accounts"
	"sunshine/app/admin"
	"sunshine/app/audit"
	"sunshine/app/bulletin"
	"sunshine/app/cases"
	"sunshine/app/consult"
	"sunshine/app/files"
	"sunshine/app/followup"
	"sunshine/app/hotline"
	"sunshine/app/matters"
	"sunshine/app/members"
	"sunshine/app/notify"
	"sunshine/app/stats"
	"sunshine/app/supervision"
	"sunshine/app/system"
)

// Deps is what the staff API needs: the services of the composition root
// (app/system; DepsOf fills them in). A nil optional service leaves its
// routes out.
type Deps struct {
	Log *slog.Logger
	Now func() time.Time

	Cases    *cases.Service
	Accounts *accounts.Service
	// Reports are the enterprises' misconduct reports, for the supervisor
	// only (nil: no routes).
	Reports   *supervision.Service
	Consult   *consult.Service
	Followups *followup.Service
	// Admin is the holiday calendar; Trail the auditor's audit log.
	Admin *admin.Service
	Trail *audit.Service
	// Audit records the printing of forms.
	Audit audit.Store
	// BodyLimit is the largest accepted request body in bytes.
	BodyLimit int
	// Files, Matters and Hotline serve the materials of cases, the
	// department matters and the 2135 hotline intake (docs/staff-api.md).
	Files   *files.Service
	Matters *matters.Service
	Hotline *hotline.Service
	// Members is the enterprise users' service: the window lists and
	// verifies them (members.go).
	Members *members.Service
	// Notify is the notification service: the admin's outbox view and the
	// staff inbox (notifications.go).
	Notify *notify.Service
	// Stats serves the statistics, the overdue list and the Excel export of
	// the head and the supervising bureau (stats.go).
	Stats *stats.Service
	// Bulletins keeps the 通报 of the supervising bureau (bulletins.go).
	Bulletins *bulletin.Service
	// Templates is the admin's edit of the WeChat template ids (templates.go).
	Templates *notify.TemplateAdmin
}

// DepsOf takes every service the staff API uses from the composition root.
func DepsOf(s *system.System) Deps {
	return Deps{Log: s.Log, Now: s.Now, Cases: s.Cases, Accounts: s.Accounts, Consult: s.Consult, Reports: s.Reports,
		Followups: s.Followups, Admin: s.Admin, Trail: s.Trail, Audit: s.DB.Audit(),
		BodyLimit: (s.Config.MaxUploadMB + 1) << 20, Files: s.Files, Matters: s.Matters, Hotline: s.Hotline,
		Members: s.Members, Notify: s.Notify, Stats: s.Stats, Bulletins: s.Bulletins, Templates: s.Templates}
}

// New builds the staff API app. Mount it at "/".
func New(d Deps) *fiber.App {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.BodyLimit == 0 {
		d.BodyLimit = 21 << 20
	}
	app := fiber.New(fiber.Config{
		DisableStartupMessage: true,
		BodyLimit:             d.BodyLimit,
		ErrorHandler:          errorHandler(d.Log),
	})
	if d.Audit == nil {
		d.Audit = discardAudit{}
	}
	h := &handlers{d: d}
	h.routes(app)
	return app
}

// handlers holds the dependencies of every handler of the staff API.
type handlers struct {
	d Deps
}
