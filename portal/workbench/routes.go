package workbench

import (
	"github.com/gofiber/fiber/v2"

	"sunshine/portal/site"
)

// routes is the workbench's one route table: every page and form with who
// may use it (cmd/sunshine's route walk visits it without a session).
func (h *handlers) routes() []site.Route {
	const (
		get, post = fiber.MethodGet, fiber.MethodPost
		public    = site.Public
		signedIn  = site.SignedIn
	)
	p := Prefix
	return []site.Route{
		{Method: get, Path: p + "/login", Access: public, Handler: h.loginPage},
		{Method: post, Path: p + "/login", Access: site.Login, Handler: h.login},
		{Method: post, Path: p + "/login/step", Access: site.Login, Handler: h.loginStep},
		{Method: post, Path: p + "/logout", Access: signedIn, Handler: h.logout},

		{Method: get, Path: p, Access: signedIn, Handler: h.home},
		{Method: get, Path: p + "/cases", Access: signedIn, Handler: h.cases},
		{Method: get, Path: p + "/cases/export.xlsx", Access: signedIn, Handler: h.export},
		{Method: get, Path: p + "/cases/:id", Access: signedIn, Handler: h.caseDetail},
		{Method: get, Path: p + "/cases/:id/version", Access: signedIn, Handler: h.caseVersion},
		{Method: get, Path: p + "/cases/:id/print/:form", Access: signedIn, Handler: h.print},
		{Method: get, Path: p + "/cases/:id/attachments/:aid", Access: signedIn, Handler: h.download},
		// A form posted after the session ended comes back here after the
		// login (the login returns to the address that was posted to).
		{Method: get, Path: p + "/cases/:id/actions/:action", Access: signedIn, Handler: h.backToCase},
		{Method: post, Path: p + "/cases/:id/actions/:action", Access: signedIn, Handler: h.act},
		{Method: get, Path: p + "/cases/:id/rating", Access: signedIn, Handler: h.backToCase},
		{Method: post, Path: p + "/cases/:id/rating", Access: signedIn, Handler: h.paperRating},
		{Method: post, Path: p + "/followups/:fid", Access: signedIn, Handler: h.followupDone},
		{Method: get, Path: p + "/cases/:id/matters", Access: signedIn, Handler: h.backToCase},
		{Method: post, Path: p + "/cases/:id/matters", Access: signedIn, Handler: h.addMatter},

		{Method: get, Path: p + "/intake", Access: signedIn, Handler: h.intakePage},
		{Method: post, Path: p + "/intake", Access: signedIn, Handler: h.intake},
		{Method: get, Path: p + "/consultations", Access: signedIn, Handler: h.consultations},
		{Method: post, Path: p + "/consultations", Access: signedIn, Handler: h.addConsultation},
		{Method: get, Path: p + "/matters", Access: signedIn, Handler: h.matters},
		{Method: get, Path: p + "/matters/:mid/progress", Access: signedIn, Handler: h.backToMatters},
		{Method: post, Path: p + "/matters/:mid/progress", Access: signedIn, Handler: h.progress},
	}
}
