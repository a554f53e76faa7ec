package mpapi

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// routes registers every route. The /api/mp/v1 routes must stay equal to
// the paths of openapi.json (TestOpenAPIMatchesRoutes).
func (h *handlers) routes(app *fiber.App) {
	app.Get(Prefix+"/openapi.json", h.api(h.openapi))
	app.Post(Prefix+"/login", h.api(h.login))
	app.Post(Prefix+"/logout", h.authed(h.logout))
	app.Get(Prefix+"/me", h.authed(h.me))
	app.Post(Prefix+"/phone", h.authed(h.phone))
	app.Put(Prefix+"/enterprise", h.authed(h.enterprise))
	app.Post(Prefix+"/enterprise/invitations", h.authed(h.invite))
	app.Get(Prefix+"/enterprise/claim", h.authed(h.claimStatus))
	app.Post(Prefix+"/enterprise/claim", h.authed(h.submitClaim))
	app.Post(Prefix+"/enterprise/claim/documents", h.authed(h.uploadClaimDocument))
	app.Get(Prefix+"/enterprise/members", h.authed(h.roster))
	app.Delete(Prefix+"/enterprise/members/:id", h.authed(h.removeMember))
	app.Post(Prefix+"/enterprise/admin", h.authed(h.handOver))

	app.Post(Prefix+"/cases", h.authed(h.createCase))
	app.Get(Prefix+"/cases", h.authed(h.listCases))
	app.Get(Prefix+"/cases/:id", h.authed(h.getCase))
	app.Post(Prefix+"/cases/:id/supplement", h.authed(h.supplement))
	app.Post(Prefix+"/cases/:id/withdraw", h.authed(h.withdraw))
	app.Post(Prefix+"/cases/:id/urge", h.authed(h.urge))
	app.Post(Prefix+"/cases/:id/receipt", h.authed(h.receipt))
	app.Post(Prefix+"/cases/:id/rating", h.authed(h.rate))
	app.Post(Prefix+"/cases/:id/attachments", h.authed(h.upload))
	app.Get(Prefix+"/cases/:id/attachments", h.authed(h.attachments))
	app.Get(Prefix+"/cases/:id/attachments/:aid", h.authed(h.download))
	if h.d.Reports != nil {
		app.Post(Prefix+"/cases/:id/reports", h.authed(h.fileReport))
		app.Get(Prefix+"/cases/:id/reports", h.authed(h.myReports))
	}

	app.Post(Prefix+"/scan-login/:ticket/confirm", h.authed(h.scanConfirm))

	app.Post(Prefix+"/subscriptions", h.authed(h.subscriptions))
	app.Get(Prefix+"/notifications", h.authed(h.notifications))
	app.Post(Prefix+"/notifications/read", h.authed(h.markRead))

	if h.push != nil {
		app.Get("/wechat/push", h.api(h.pushEcho))
		app.Post("/wechat/push", h.api(h.pushReceive))
	}
	if h.d.Simulator != nil {
		app.Post("/dev/wechat/subscribe", h.api(h.devSubscribe))
		app.Get("/dev/wechat/messages", h.api(h.devMessages))
		app.Get("/dev/wechat", h.api(h.devPage))
		app.Get("/dev/wechat/scan", h.api(h.devScanPage))
		app.Post("/dev/wechat/scan", h.api(h.devScan))
	}
}

// openAPIDoc describes /api/mp/v1 for the mini-program's front-end
// developers; TestOpenAPIMatchesRoutes keeps its paths and methods equal to
// the routes registered here.
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the OpenAPI 3 description of the API.
func OpenAPI() []byte { return openAPIDoc }

// openapi is GET /openapi.json.
func (h *handlers) openapi(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(openAPIDoc)
}
