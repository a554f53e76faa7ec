package staffapi

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/files"
	"sunshine/app/web"
)

// attachmentRoutes registers the materials of a case under the staff API
// (behind requireStaff: routes() calls it after staffRoutes). Uses
// Deps.Files; left out when it is nil.
func (h *handlers) attachmentRoutes(app *fiber.App) {
	if h.d.Files == nil {
		return
	}
	r := app.Group("/api/staff/v1")
	r.Post("/cases/:id/attachments", h.uploadAttachment)
	r.Get("/cases/:id/attachments", h.listAttachments)
	r.Get("/attachments/:id", h.downloadAttachment)
}

// attachmentJSON is an attachment as the staff API shows it: with its
// checksum and the role of who uploaded it.
type attachmentJSON struct {
	web.Attachment
	SHA256       string    `json:"sha256"`
	UploaderRole string    `json:"uploader_role"`
	CreatedAt    time.Time `json:"created_at"`
	URL          string    `json:"url"`
}

func toAttachmentJSON(m *files.Meta) attachmentJSON {
	return attachmentJSON{Attachment: web.AttachmentOf(m), SHA256: m.SHA256, UploaderRole: string(m.UploaderRole),
		CreatedAt: m.CreatedAt, URL: "/api/staff/v1/attachments/" + strconv.FormatInt(m.ID, 10)}
}

// uploadAttachment takes a multipart/form-data body: the file in field
// "file" and optionally the step in field "step" (or ?step=).
func (h *handlers) uploadAttachment(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	part, err := files.ReadMultipart(c.Get(fiber.HeaderContentType), c.Body())
	if err != nil {
		return err
	}
	if part.Step == "" {
		part.Step = c.Query("step")
	}
	m, err := h.d.Files.Upload(c.UserContext(), viewerOf(c), id, part.Step, part.Filename, part.File)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAttachmentJSON(m))
}

func (h *handlers) listAttachments(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	list, err := h.d.Files.List(c.UserContext(), viewerOf(c), id)
	if err != nil {
		return err
	}
	items := make([]attachmentJSON, len(list))
	for i := range list {
		items[i] = toAttachmentJSON(&list[i])
	}
	return c.JSON(fiber.Map{"items": items, "next": nil})
}

// downloadAttachment serves a file only as a download: never rendered by
// the browser, never cached, with the type detected at upload.
func (h *handlers) downloadAttachment(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	m, rc, err := h.d.Files.Open(c.UserContext(), viewerOf(c), id)
	if err != nil {
		return err
	}
	web.SetDownloadHeaders(c, m.ContentType, m.Name)
	c.Set("X-Content-SHA256", m.SHA256)
	// fasthttp closes rc once the body is written.
	return c.SendStream(rc, int(m.Size))
}
