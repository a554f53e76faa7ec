package mpapi

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
	"sunshine/app/files"
)

// attachmentJSON is a case material as the mini-program sees it (never the
// stored name on disk).
type attachmentJSON struct {
	ID          int64     `json:"id"`
	CaseID      int64     `json:"case_id"`
	Step        string    `json:"step"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	Mine        bool      `json:"mine"`
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url"`
}

func toAttachmentJSON(a *files.Meta, m *member) attachmentJSON {
	return attachmentJSON{ID: a.ID, CaseID: a.CaseID, Step: a.Step, Name: a.Name, ContentType: a.ContentType,
		Size: a.Size, Mine: a.UploaderRole == m.viewer.Role && a.UploaderID == m.ID, CreatedAt: a.CreatedAt.UTC(),
		URL: Prefix + "/cases/" + itoa(a.CaseID) + "/attachments/" + itoa(a.ID)}
}

func (h *handlers) files() (Files, error) {
	if h.d.Files == nil {
		return nil, errs.E(errs.Unavailable, "材料服务暂不可用")
	}
	return h.d.Files, nil
}

// upload is POST /cases/{id}/attachments: multipart/form-data with the file
// in field "file" and optionally the step in field "step" → 201.
func (h *handlers) upload(c *fiber.Ctx, m *member) error {
	fs, err := h.files()
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	part, err := files.ReadMultipart(c.Get(fiber.HeaderContentType), c.Body())
	if err != nil {
		return err
	}
	a, err := fs.Upload(c.UserContext(), m.viewer, id, part.Step, part.Filename, part.File)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAttachmentJSON(a, m))
}

// attachments is GET /cases/{id}/attachments: the materials of the case.
func (h *handlers) attachments(c *fiber.Ctx, m *member) error {
	fs, err := h.files()
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	list, err := fs.List(c.UserContext(), m.viewer, id)
	if err != nil {
		return err
	}
	out := listJSON[attachmentJSON]{Items: make([]attachmentJSON, len(list))}
	for i := range list {
		out.Items[i] = toAttachmentJSON(&list[i], m)
	}
	return c.JSON(out)
}

// download is GET /cases/{id}/attachments/{aid}: the file, only as a
// download, read whole and checked before the first byte is sent.
func (h *handlers) download(c *fiber.Ctx, m *member) error {
	fs, err := h.files()
	if err != nil {
		return err
	}
	caseID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	id, err := pathID(c, "aid")
	if err != nil {
		return err
	}
	a, data, err := fs.ReadAll(c.UserContext(), m.viewer, id)
	if err != nil {
		return err
	}
	if a.CaseID != caseID {
		return errs.E(errs.NotFound, "附件不存在")
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(a.Name))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	return c.Send(data)
}

// contentDisposition builds an attachment header with an ASCII fallback
// name and the real name in RFC 5987 form.
func contentDisposition(name string) string {
	var ascii strings.Builder
	for _, r := range name {
		if r >= 0x20 && r < 0x7f && r != '"' && r != '\\' {
			ascii.WriteRune(r)
		} else {
			ascii.WriteByte('_')
		}
	}
	var ext strings.Builder
	const attrChar = "!#$&+-.^_`|~"
	for _, b := range []byte(name) {
		if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte(attrChar, b) >= 0 {
			ext.WriteByte(b)
		} else {
			fmt.Fprintf(&ext, "%%%02X", b)
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + ext.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
