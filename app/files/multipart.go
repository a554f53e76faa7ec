package files

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"strings"

	"sunshine/app/errs"
)

// Part is the upload found in a multipart/form-data body: the part named
// "file" and the optional "step" (case materials) or "kind" (enterprise
// documents) field.
type Part struct {
	Filename string
	Step     string
	Kind     string
	File     io.Reader // reads from the body; valid as long as the body is
}

// ReadMultipart finds the upload in a multipart/form-data body that is
// already in memory. Unlike a parsed form it never spools the file to a
// temporary file on disk (which would hold the plaintext). Errors:
// unsupported (not multipart), invalid (malformed), unprocessable (no file).
func ReadMultipart(contentType string, body []byte) (*Part, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, errs.E(errs.Unsupported, "请以 multipart/form-data 上传文件（文件字段名为 file）")
	}
	boundary := params["boundary"]
	// First pass: the small fields, wherever they are in the body.
	p := &Part{}
	found := false
	err = eachPart(body, boundary, func(part *multipart.Part) (bool, error) {
		switch name := part.FormName(); name {
		case "step", "kind":
			b, err := io.ReadAll(io.LimitReader(part, 65))
			if err != nil {
				return false, err
			}
			if len(b) > 64 {
				return false, errs.FieldErrors(map[string]string{name: "字段内容过长"})
			}
			if name == "step" {
				p.Step = strings.TrimSpace(string(b))
			} else {
				p.Kind = strings.TrimSpace(string(b))
			}
		case "file":
			found = true
			p.Filename = part.FileName()
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errs.FieldErrors(map[string]string{"file": "请选择要上传的文件（字段名 file）"})
	}
	// Second pass: stop at the file part and hand out its reader.
	err = eachPart(body, boundary, func(part *multipart.Part) (bool, error) {
		if part.FormName() == "file" {
			p.File = part
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// eachPart calls fn for every part until fn returns false or an error.
func eachPart(body []byte, boundary string, fn func(*multipart.Part) (bool, error)) error {
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return errs.Wrap(errs.Invalid, "上传内容格式不正确", err)
		}
		more, err := fn(part)
		if err != nil || !more {
			return err
		}
	}
}
