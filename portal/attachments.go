package portal

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/files"
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

// attachmentJSON is an attachment as the API shows it (never the stored
// name on disk).
type attachmentJSON struct {
	ID           int64     `json:"id"`
	CaseID       int64     `json:"case_id"`
	Step         string    `json:"step"`
	Name         string    `json:"name"`
	ContentType  string    `json:"content_type"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
	UploaderRole string    `json:"uploader_role"`
	CreatedAt    time.Time `json:"created_at"`
	URL          string    `json:"url"`
}

func toAttachmentJSON(m *files.Meta) attachmentJSON {
	return attachmentJSON{ID: m.ID, CaseID: m.CaseID, Step: m.Step, Name: m.Name, ContentType: m.ContentType,
		Size: m.Size, SHA256: m.SHA256, UploaderRole: string(m.UploaderRole), CreatedAt: m.CreatedAt,
		URL: "/api/staff/v1/attachments/" + strconv.FormatInt(m.ID, 10)}
}

// uploadAttachment takes a multipart/form-data body: the file in field
// "file" and optionally the step in field "step" (or ?step=).
func (h *handlers) uploadAttachment(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
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
	id, err := pathID(c, "id")
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
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	m, rc, err := h.d.Files.Open(c.UserContext(), viewerOf(c), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, m.ContentType)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(m.Name))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	c.Set("X-Content-SHA256", m.SHA256)
	// fasthttp closes rc once the body is written.
	return c.SendStream(rc, int(m.Size))
}

// contentDisposition builds an attachment header with an ASCII fallback
// name and the real name in RFC 5987 form (filename*=UTF-8”…).
func contentDisposition(name string) string {
	var ascii, ext strings.Builder
	for _, r := range name {
		if r >= 0x20 && r < 0x7f && r != '"' && r != '\\' {
			ascii.WriteRune(r)
		} else {
			ascii.WriteByte('_')
		}
	}
	const attrChar = "!#$&+-.^_`|~"
	for _, b := range []byte(name) {
		if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte(attrChar, b) >= 0 {
			ext.WriteByte(b)
		} else {
			ext.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(b)|0x100, 16)[1:]))
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + ext.String()
}
