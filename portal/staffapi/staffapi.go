// Package staffapi is the staff JSON API of 阳光代办 (/api/staff/v1), the
// 2135 hotline intake (/api/hotline/v1) and the printable forms. It is HTTP
// only: every decision is made by the app packages it calls.
package staffapi

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"

	"sunshine/app/accounts"
	"sunshine/app/admin"
	"sunshine/app/audit"
	"sunshine/app/calendar"
	"sunshine/app/cases"
	"sunshine/app/consult"
	"sunshine/app/files"
	"sunshine/app/followup"
	"sunshine/app/hotline"
	"sunshine/app/matters"
	"sunshine/app/members"
	"sunshine/app/notify"
	"sunshine/app/session"
	"sunshine/app/stats"
)

// Deps is what the portal needs. Each group of routes documents the fields
// it uses; nil optional services leave their routes out.
type Deps struct {
	Log      *slog.Logger
	Now      func() time.Time
	Cases    *cases.Service
	Staff    accounts.StaffStore
	Sessions *session.Store
	Audit    audit.Store
	KV       redis.UniversalClient
	// Calendar is the in-memory working-day calendar, reloaded after the
	// admin edits a year in Holidays; Consultations and Followups keep the
	// 咨询 records and the head's 回访 tasks (staff API).
	Calendar *calendar.Calendar
	Holidays admin.HolidayStore
	// Departments is the admin's departments table (departments.go);
	// nil leaves its routes out.
	Departments   admin.DepartmentStore
	Consultations consult.Store
	Followups     followup.Store
	// BodyLimit is the largest accepted request body in bytes.
	BodyLimit int

	// HotlineSecret is the HMAC key of hotline intake.
	HotlineSecret string
	// Files, Matters and Hotline serve the materials of cases, the
	// department matters and the 2135 hotline intake (README.md).
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
	h := &handlers{d: d, staff: newStaffServices(d)}
	h.routes(app)
	return app
}

// handlers holds the dependencies of every handler of the staff API.
type handlers struct {
	d     Deps
	staff *staffServices // the app services behind /api/staff/v1
}
