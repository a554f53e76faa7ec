package files_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"sunshine/app/errs"
	"sunshine/app/files"
	"sunshine/app/files/filestest"
)

func TestDetect(t *testing.T) {
	accepted := []struct {
		name string
		data []byte
		want files.Kind
	}{
		{"pdf", filestest.PDF(), files.KindPDF},
		{"png", filestest.PNG(), files.KindPNG},
		{"jpeg", filestest.JPEG(), files.KindJPEG},
		{"docx", filestest.DOCX(), files.KindDOCX},
		{"xlsx", filestest.XLSX(), files.KindXLSX},
		{"ofd", filestest.OFD(), files.KindOFD},
		{"zip", filestest.ZIP(), files.KindZIP},
		{"doc", filestest.DOC(), files.KindDOC},
		{"xls", filestest.XLS(), files.KindXLS},
	}
	for _, tc := range accepted {
		t.Run("accepts_"+tc.name, func(t *testing.T) {
			got, err := files.Detect(tc.data)
			if err != nil || got != tc.want {
				t.Fatalf("Detect = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	refused := map[string][]byte{
		"exe": filestest.EXE(), "elf": filestest.ELF(), "html": filestest.HTML(), "svg": filestest.SVG(),
		"jar": filestest.JAR(), "msi": filestest.MSI(), "docm": filestest.DOCM(), "zip_with_exe": filestest.ZipWithExe(),
		"text": []byte("just some text"), "script": []byte("#!/bin/sh\nrm -rf /"), "empty": nil,
		"broken_zip": []byte("PK\x03\x04garbage"),
	}
	for name, data := range refused {
		t.Run("refuses_"+name, func(t *testing.T) {
			_, err := files.Detect(data)
			if !errs.Is(err, errs.Unsupported) {
				t.Fatalf("Detect = %v; want unsupported", err)
			}
			if msg := errs.MessageOf(err); !strings.Contains(msg, "仅支持") {
				t.Fatalf("message %q does not say what is accepted", msg)
			}
		})
	}
}

func TestSanitizeName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"营业执照.pdf", "营业执照.pdf"},
		{`C:\Users\张三\桌面\申请表.PDF`, "申请表.PDF"},
		{"../../etc/passwd", "passwd.pdf"},
		{"virus.exe", "virus.pdf"},
		{"a\x00b\u202ec<d>.pdf", "abc_d_.pdf"},
		{"", "附件.pdf"},
		{"...", "附件.pdf"},
		{strings.Repeat("长", 150) + ".pdf", strings.Repeat("长", 96) + ".pdf"},
	} {
		if got := files.SanitizeName(tc.in, files.KindPDF); got != tc.want {
			t.Errorf("SanitizeName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := files.SanitizeName("photo.jpeg", files.KindJPEG); got != "photo.jpeg" {
		t.Errorf("jpeg kept = %q", got)
	}
}

func TestParseKey(t *testing.T) {
	hexKey := strings.Repeat("ab", 32)
	if k := files.ParseKey(hexKey); k[0] != 0xab || k[31] != 0xab {
		t.Fatalf("hex key not used as is: %x", k)
	}
	a, b := files.ParseKey("passphrase one"), files.ParseKey("passphrase two")
	if a == b || a == [32]byte{} {
		t.Fatal("passphrases must derive distinct keys")
	}
}

func TestReadMultipart(t *testing.T) {
	body, ct := multipartBody(t, map[string]string{"step": "supplement"}, "申请书.pdf", filestest.PDF(), true)
	p, err := files.ReadMultipart(ct, body)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(p.File)
	if p.Filename != "申请书.pdf" || p.Step != "supplement" || !bytes.Equal(got, filestest.PDF()) {
		t.Fatalf("part = %q %q %d bytes", p.Filename, p.Step, len(got))
	}
	if _, err := files.ReadMultipart("application/json", body); !errs.Is(err, errs.Unsupported) {
		t.Fatalf("json content type = %v, want unsupported", err)
	}
	noFile, ct := multipartBody(t, map[string]string{"step": "x"}, "", nil, false)
	if _, err := files.ReadMultipart(ct, noFile); !errs.Is(err, errs.Unprocessable) || errs.FieldsOf(err)["file"] == "" {
		t.Fatalf("no file = %v, want unprocessable on file", err)
	}
	if _, err := files.ReadMultipart(ct, []byte("--nope")); err == nil || !errors.As(err, new(*errs.Error)) {
		t.Fatalf("garbage = %v, want an errs error", err)
	}
}
