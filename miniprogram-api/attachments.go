package mpapi

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/errs"
	"sunshine/app/files"
	"sunshine/app/web"
)

// attachmentJSON is a case material as the mini-program sees it: whether
// the user uploaded it, not who did or its checksum.
type attachmentJSON struct {
	web.Attachment
	Mine      bool      `json:"mine"`
	CreatedAt time.Time `json:"created_at"`
	URL       string    `json:"url"`
}

func toAttachmentJSON(a *files.Meta, m *member) attachmentJSON {
	return attachmentJSON{Attachment: web.AttachmentOf(a), Mine: a.UploaderRole == m.viewer.Role && a.UploaderID == m.ID,
		CreatedAt: a.CreatedAt.UTC(), URL: Prefix + "/cases/" + itoa(a.CaseID) + "/attachments/" + itoa(a.ID)}
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
	id, err := web.PathID(c, "id")
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
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	list, err := fs.List(c.UserContext(), m.viewer, id)
	if err != nil {
		return err
	}
	out := web.List[attachmentJSON]{Items: make([]attachmentJSON, len(list))}
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
	caseID, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	id, err := web.PathID(c, "aid")
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
	web.SetDownloadHeaders(c, a.ContentType, a.Name)
	return c.Send(data)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
