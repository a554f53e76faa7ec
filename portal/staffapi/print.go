package staffapi

import (
	"bytes"
	"embed"
	"html/template"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/errs"
	"sunshine/app/web"
)

//go:embed templates/print_*.html
var printFS embed.FS

// printTemplates are the two paper forms of the guideline, as HTML pages
// laid out for A4.
var printTemplates = template.Must(template.New("print").
	Funcs(template.FuncMap{"add": func(a, b int) int { return a + b }}).
	ParseFS(printFS, "templates/print_*.html"))

// printRoutes registers the printable forms of a case under the staff API:
// GET /cases/{id}/print/registration (工作登记表) and
// GET /cases/{id}/print/application (服务申请表). Uses Deps.Cases and
// Deps.Audit; behind requireStaff (routes() calls it after staffRoutes).
func (h *handlers) printRoutes(app *fiber.App) {
	if h.d.Cases == nil || h.d.Audit == nil {
		return
	}
	r := app.Group("/api/staff/v1")
	r.Get("/cases/:id/print/registration", h.printRegistration)
	r.Get("/cases/:id/print/application", h.printApplication)
	r.Get("/cases/:id/print/receipt", h.printReceipt)
}

// printReceipt is GET /cases/{id}/print/receipt: the 送达回证 with its
// signature lines, once the case has been delivered (or is being).
func (h *handlers) printReceipt(c *fiber.Ctx) error { return h.printForm(c, "receipt") }

func (h *handlers) printRegistration(c *fiber.Ctx) error { return h.printForm(c, "registration") }

func (h *handlers) printApplication(c *fiber.Ctx) error { return h.printForm(c, "application") }

// printForm reads the case as the viewer may (same rule as reading it),
// audits the print as a view of the case, and renders the page. The page
// is rendered completely before anything is sent.
func (h *handlers) printForm(c *fiber.Ctx, form string) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	ctx, v := c.UserContext(), viewerOf(c)
	d, err := h.d.Cases.Get(ctx, v, id)
	if err != nil {
		return err
	}
	if d.View != cases.ViewFull {
		return errs.E(errs.Forbidden, "当前角色只能查看与本职工作相关的案件信息，不能打印整张表单")
	}
	now := h.d.Now()
	var data any
	switch form {
	case "registration":
		data = newRegistrationView(d, now)
	case "receipt":
		if d.Case.Registration.Delivery.At == nil {
			return errs.Ef(errs.Conflict, "案件当前状态为「%s」，尚未送达，不能打印送达回证", d.Case.Status.Label())
		}
		data = newReceiptView(d, now)
	default:
		data = newApplicationView(d, now)
	}
	var buf bytes.Buffer
	if err := printTemplates.ExecuteTemplate(&buf, "print_"+form+".html", data); err != nil {
		return errs.Wrap(errs.Internal, "生成打印页面失败", err)
	}
	rec := &audit.Record{ActorID: v.ID, ActorRole: string(v.Role), ActorName: v.Name, Action: "case.print",
		ObjectType: "case", ObjectID: strconv.FormatInt(id, 10), Detail: form}
	audit.Fill(ctx, rec, now)
	if err := h.d.Audit.Append(ctx, rec); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'")
	c.Type("html", "utf-8")
	return c.Send(buf.Bytes())
}
