package staffapi_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sunshine/app/casework"
	"sunshine/app/files/filestest"
)

type fxAttachment struct {
	ID          int64  `json:"id"`
	CaseID      int64  `json:"case_id"`
	Step        string `json:"step"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	URL         string `json:"url"`
}

// storedFiles lists the files under the files directory.
func (e *fxEnv) storedFiles() []string {
	var out []string
	_ = filepath.Walk(e.dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func (e *fxEnv) download(id int64, who string) (int, []byte, map[string]string) {
	e.t.Helper()
	resp, body := e.send(httptest.NewRequest("GET", "/api/staff/v1/attachments/"+fxItoa(id), nil), who)
	h := map[string]string{}
	for _, k := range []string{"Content-Type", "Content-Disposition", "X-Content-Type-Options", "Cache-Control"} {
		h[k] = resp.Header.Get(k)
	}
	return resp.StatusCode, body, h
}

func TestAttachments_RoundTripEncryptedAtRest(t *testing.T) {
	e := newFxEnv(t)
	c := e.assigned()
	plain := append(filestest.PDF(), bytes.Repeat([]byte("营业执照扫描件 "), 10000)...)
	resp, body := e.upload(c.ID, "specA", "营业执照.pdf", plain, "start")
	if resp.StatusCode != 201 {
		t.Fatalf("upload = %d %s", resp.StatusCode, body)
	}
	var a fxAttachment
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	if a.Name != "营业执照.pdf" || a.ContentType != "application/pdf" || a.Step != "start" || a.Size != int64(len(plain)) || a.CaseID != c.ID {
		t.Fatalf("attachment = %+v", a)
	}
	if strings.Contains(string(body), "stored") {
		t.Fatalf("the stored name leaked: %s", body)
	}

	// On disk: one file, not named after the upload, holding no plaintext.
	stored := e.storedFiles()
	if len(stored) != 1 || strings.Contains(stored[0], "营业执照") {
		t.Fatalf("stored files = %v", stored)
	}
	raw, err := os.ReadFile(stored[0])
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("%PDF")) || bytes.Contains(raw, []byte("营业执照")) || bytes.Equal(raw, plain) {
		t.Fatal("the file on disk holds the plaintext")
	}

	before := e.count("SELECT COUNT(*) FROM audit_records WHERE action = 'attachment.download' AND object_id = ? AND result = 'ok'", fxItoa(a.ID))
	for i, who := range []string{"specA", "head", "clerk"} {
		status, got, h := e.download(a.ID, who)
		if status != 200 || !bytes.Equal(got, plain) {
			t.Fatalf("download by %s = %d, %d bytes, equal %v", who, status, len(got), bytes.Equal(got, plain))
		}
		if !strings.HasPrefix(h["Content-Disposition"], "attachment;") ||
			!strings.Contains(h["Content-Disposition"], "filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.pdf") ||
			h["X-Content-Type-Options"] != "nosniff" || h["Content-Type"] != "application/pdf" || h["Cache-Control"] != "no-store" {
			t.Fatalf("download headers = %v", h)
		}
		n := e.count("SELECT COUNT(*) FROM audit_records WHERE action = 'attachment.download' AND object_id = ? AND result = 'ok'", fxItoa(a.ID))
		if n != before+int64(i+1) {
			t.Fatalf("after %d downloads: %d audit records, want %d", i+1, n, before+int64(i+1))
		}
	}

	var list struct {
		Items []fxAttachment `json:"items"`
		Next  *string        `json:"next"`
	}
	e.expect("GET", "/api/staff/v1/cases/"+fxItoa(c.ID)+"/attachments", "head", nil, 200, &list)
	if len(list.Items) != 1 || list.Items[0].ID != a.ID || list.Items[0].URL != "/api/staff/v1/attachments/"+fxItoa(a.ID) || list.Next != nil {
		t.Fatalf("list = %+v", list)
	}
	if n := e.count("SELECT COUNT(*) FROM audit_records WHERE action = 'attachment.upload' AND object_id = ?", fxItoa(a.ID)); n != 1 {
		t.Fatalf("upload audit records = %d", n)
	}
}

func TestAttachments_RefusedInputChangesNothing(t *testing.T) {
	e := newFxEnv(t)
	c := e.assigned()
	path := "/api/staff/v1/cases/" + fxItoa(c.ID) + "/attachments"
	for _, tc := range []struct {
		name, file string
		data       []byte
		step       string
		want       int
	}{
		{"oversize", "big.pdf", append(filestest.PDF(), make([]byte, fxMaxUpload)...), "", 413},
		{"exe renamed pdf", "说明.pdf", filestest.EXE(), "", 415},
		{"html named jpg", "photo.jpg", filestest.HTML(), "", 415},
		{"svg named png", "logo.png", filestest.SVG(), "", 415},
		{"msi named doc", "report.doc", filestest.MSI(), "", 415},
		{"zip carrying a program", "材料.zip", filestest.ZipWithExe(), "", 415},
		{"empty file", "a.pdf", nil, "", 422},
		{"unknown step", "a.pdf", filestest.PDF(), "nonsense", 422},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.upload(c.ID, "specA", tc.file, tc.data, tc.step)
			if resp.StatusCode != tc.want || !strings.Contains(string(body), `"error"`) {
				t.Fatalf("upload = %d %s, want %d", resp.StatusCode, body, tc.want)
			}
		})
	}
	t.Run("body beyond the app limit", func(t *testing.T) {
		// fasthttp answers 413 itself before any handler runs; app.Test
		// reports that as the server's error instead of a response.
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		fw, _ := w.CreateFormFile("file", "huge.pdf")
		_, _ = fw.Write(append(filestest.PDF(), make([]byte, 5<<20)...))
		_ = w.Close()
		req := httptest.NewRequest("POST", path, &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+e.tok["specA"])
		resp, err := e.app.Test(req, -1)
		if err == nil && resp.StatusCode != 413 || err != nil && !strings.Contains(err.Error(), "body size exceeds") {
			t.Fatalf("upload = %v, %v; want 413", resp, err)
		}
	})
	t.Run("not multipart", func(t *testing.T) {
		if got, body := e.json("POST", path, "specA", map[string]string{"file": "x"}); got != 415 {
			t.Fatalf("json upload = %d %s, want 415", got, body)
		}
	})
	t.Run("no file field", func(t *testing.T) {
		req := httptest.NewRequest("POST", path, strings.NewReader("--b\r\nContent-Disposition: form-data; name=\"step\"\r\n\r\nstart\r\n--b--\r\n"))
		req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
		if resp, body := e.send(req, "specA"); resp.StatusCode != 422 || !strings.Contains(string(body), `"file"`) {
			t.Fatalf("no file = %d %s, want 422 on file", resp.StatusCode, body)
		}
	})
	if n := e.count("SELECT COUNT(*) FROM attachments"); n != 0 {
		t.Fatalf("refused uploads stored %d rows", n)
	}
	if left := e.storedFiles(); len(left) != 0 {
		t.Fatalf("refused uploads left files: %v", left)
	}
}

func TestAttachments_Authorization(t *testing.T) {
	e := newFxEnv(t)
	c := e.assigned()
	resp, body := e.upload(c.ID, "clerk", "申请书.docx", filestest.DOCX(), "")
	if resp.StatusCode != 201 {
		t.Fatalf("upload = %d %s", resp.StatusCode, body)
	}
	var a fxAttachment
	_ = json.Unmarshal(body, &a)
	if a.ContentType != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" || a.Step != string(casework.StageTracking) {
		t.Fatalf("attachment = %+v", a)
	}
	list := "/api/staff/v1/cases/" + fxItoa(c.ID) + "/attachments"
	for _, tc := range []struct {
		who  string
		want int
	}{
		{"specA", 200}, {"head", 200}, {"clerk", 200},
		{"specB", 404}, {"liaisonA", 404}, {"supervisor", 403}, {"admin", 403}, {"", 401},
	} {
		status, got, _ := e.download(a.ID, tc.who)
		if status != tc.want {
			t.Errorf("download by %q = %d, want %d", tc.who, status, tc.want)
		}
		if status != 200 && bytes.Equal(got, filestest.DOCX()) {
			t.Errorf("refused download by %q returned the file", tc.who)
		}
		if got, _ := e.json("GET", list, tc.who, nil); got != tc.want {
			t.Errorf("list by %q = %d, want %d", tc.who, got, tc.want)
		}
		if resp, _ := e.upload(c.ID, tc.who, "x.pdf", filestest.PDF(), ""); tc.want != 200 && resp.StatusCode != tc.want {
			t.Errorf("upload by %q = %d, want %d", tc.who, resp.StatusCode, tc.want)
		}
	}
	if n := e.count("SELECT COUNT(*) FROM audit_records WHERE action = 'attachment.download' AND object_id = ? AND result = 'denied'", fxItoa(a.ID)); n != 4 {
		t.Errorf("denied downloads audited = %d, want 4 (specB, liaisonA, supervisor, admin)", n)
	}

	// A liaison sees the materials once the case has a matter for their department.
	e.expect("POST", "/api/staff/v1/cases/"+fxItoa(c.ID)+"/matters", "head",
		map[string]string{"department": "市自然资源局", "name": "建设用地规划许可", "deadline": "2026-03-20"}, 201, nil)
	// Not the whole case's materials: the matter's files only (those
	// liaisons upload and those filed under 协调).
	if status, _, _ := e.download(a.ID, "liaisonA"); status != 404 {
		t.Fatalf("liaison with a matter downloads a case material: %d, want 404", status)
	}
	if resp, _ := e.upload(c.ID, "liaisonA", "反馈.pdf", filestest.PDF(), ""); resp.StatusCode != 201 {
		t.Fatalf("liaison upload = %d", resp.StatusCode)
	}
	var listed struct{ Items []struct{ ID int64 } }
	got, body := e.json("GET", list, "liaisonA", nil)
	_ = json.Unmarshal(body, &listed)
	if got != 200 || len(listed.Items) != 1 {
		t.Fatalf("liaison list = %d %+v, want their own upload only", got, listed)
	}
	if status, got, _ := e.download(listed.Items[0].ID, "liaisonA"); status != 200 || !bytes.Equal(got, filestest.PDF()) {
		t.Fatalf("liaison download of the matter's file = %d", status)
	}
	if status, _, _ := e.download(a.ID, "liaisonB"); status != 404 {
		t.Fatalf("liaison of another department: download = %d, want 404", status)
	}
	for _, bad := range []string{"999999999", "abc", "0"} {
		if got, _ := e.json("GET", "/api/staff/v1/attachments/"+bad, "head", nil); got != 404 {
			t.Errorf("download of %s = %d, want 404", bad, got)
		}
	}
}

func TestAttachments_ArchivedCaseIsReadOnly(t *testing.T) {
	e := newFxEnv(t)
	c := e.newCase(fxForm())
	resp, _ := e.upload(c.ID, "clerk", "a.png", filestest.PNG(), "")
	if resp.StatusCode != 201 {
		t.Fatalf("upload = %d", resp.StatusCode)
	}
	c = e.act("clerk", c, casework.ActionReject, map[string]any{"reason": "不属于服务范围"})
	c = e.act("specA", c, casework.ActionSubmitArchive, map[string]any{"materials": []string{"申请表"}})
	c = e.act("head", c, casework.ActionArchive, map[string]any{})
	if resp, body := e.upload(c.ID, "clerk", "b.png", filestest.PNG(), ""); resp.StatusCode != 409 {
		t.Fatalf("upload to archived case = %d %s, want 409", resp.StatusCode, body)
	}
	if n := e.count("SELECT COUNT(*) FROM attachments WHERE case_id = ?", c.ID); n != 1 {
		t.Fatalf("attachments = %d, want 1", n)
	}
}
