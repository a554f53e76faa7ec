package web

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/files"
)

// Attachment is what every surface shows of a case material, never the
// name it is stored under on disk. A surface embeds it as the first field
// of its own attachment type and adds what its audience sees after it, so
// the JSON keeps these fields first.
type Attachment struct {
	ID          int64  `json:"id"`
	CaseID      int64  `json:"case_id"`
	Step        string `json:"step"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// AttachmentOf is the shared part of the answer for an attachment.
func AttachmentOf(m *files.Meta) Attachment {
	return Attachment{ID: m.ID, CaseID: m.CaseID, Step: m.Step, Name: m.Name, ContentType: m.ContentType, Size: m.Size}
}

// SetDownloadHeaders makes the answer a file that is only ever downloaded:
// never rendered or sniffed by the browser, never cached, with contentType
// as detected at upload and name as the file name offered.
func SetDownloadHeaders(c *fiber.Ctx, contentType, name string) {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, ContentDisposition(name))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
}

// ContentDisposition builds an attachment header with an ASCII fallback
// name and the real name in RFC 5987 form (the filename* parameter), for
// browsers that read only one of them.
func ContentDisposition(name string) string {
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
