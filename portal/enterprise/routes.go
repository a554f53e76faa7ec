package enterprise

import (
	"github.com/gofiber/fiber/v2"

	"sunshine/portal/site"
)

// routes is the portal's one route table: every page and form with who may
// use it (TestEveryRouteNeedsLogin walks it without a session).
func (h *handlers) routes() []site.Route {
	const (
		get, post = fiber.MethodGet, fiber.MethodPost
		public    = site.Public
		signedIn  = site.SignedIn
	)
	return []site.Route{
		{Method: get, Path: "/", Access: public, Handler: h.home},
		{Method: get, Path: "/login", Access: public, Handler: h.login},
		{Method: get, Path: "/login/code", Access: public, Handler: h.loginCode},
		{Method: get, Path: "/login/wait", Access: public, Handler: h.loginWait},
		{Method: post, Path: "/logout", Access: signedIn, Handler: h.logout},

		{Method: get, Path: "/cases", Access: signedIn, Handler: h.cases},
		{Method: get, Path: "/cases/new", Access: signedIn, Handler: h.newCase},
		{Method: post, Path: "/cases/new", Access: signedIn, Handler: h.submitCase},
		{Method: get, Path: "/cases/:id", Access: signedIn, Handler: h.caseDetail},
		{Method: get, Path: "/cases/:id/print", Access: signedIn, Handler: h.printApplication},
		{Method: post, Path: "/cases/:id/supplement", Access: signedIn, Handler: h.supplement},
		{Method: post, Path: "/cases/:id/withdraw", Access: signedIn, Handler: h.withdraw},
		{Method: post, Path: "/cases/:id/urge", Access: signedIn, Handler: h.urge},
		{Method: post, Path: "/cases/:id/receipt", Access: signedIn, Handler: h.receipt},
		{Method: post, Path: "/cases/:id/rating", Access: signedIn, Handler: h.rate},
		{Method: post, Path: "/cases/:id/attachments", Access: signedIn, Handler: h.upload},
		{Method: get, Path: "/cases/:id/attachments/:aid", Access: signedIn, Handler: h.download},
		{Method: post, Path: "/cases/:id/reports", Access: signedIn, Handler: h.fileReport},

		{Method: get, Path: "/notices", Access: signedIn, Handler: h.notices},
		{Method: post, Path: "/notices/read", Access: signedIn, Handler: h.markRead},

		{Method: get, Path: "/enterprise", Access: signedIn, Handler: h.enterprise},
		{Method: post, Path: "/enterprise", Access: signedIn, Handler: h.bindEnterprise},
		{Method: post, Path: "/enterprise/invitations", Access: signedIn, Handler: h.invite},
		{Method: post, Path: "/enterprise/members/:id/remove", Access: signedIn, Handler: h.removeMember},
		{Method: post, Path: "/enterprise/admin", Access: signedIn, Handler: h.handOver},
		{Method: post, Path: "/enterprise/claim/documents", Access: signedIn, Handler: h.uploadClaimDocument},
		{Method: post, Path: "/enterprise/claim", Access: signedIn, Handler: h.submitClaim},
	}
}
