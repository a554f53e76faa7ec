package files_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"testing"

	"sunshine/app/errs"
	"sunshine/app/files"
	"sunshine/app/files/filestest"
)

type zipEntry struct {
	name string
	data []byte
}

func makeZip(t *testing.T, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// lyingZip declares a size for its one entry that its data does not have.
func lyingZip(t *testing.T, declared uint64, data []byte) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(data)
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "scan.pdf", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(data),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	zw.Close()
	return buf.Bytes()
}

// TestZipEntriesChecked: a plain ZIP may carry documents, not programs,
// scripts, web pages, SVG or other archives, and may not inflate beyond
// the caps (issue 10 item 7: a zip holding an HTML page and a zip
// inflating to 200 MB were stored).
func TestZipEntriesChecked(t *testing.T) {
	pdf := filestest.PDF()
	if k, err := files.Detect(makeZip(t, zipEntry{"营业执照.pdf", pdf}, zipEntry{"docs/说明.txt", []byte("申请说明")})); err != nil || k != files.KindZIP {
		t.Fatalf("plain zip of documents: %v, %v", k, err)
	}
	zeros := make([]byte, 4<<20) // inflates 4 MiB from a few KiB: ratio ≫ 100
	for _, tc := range []struct {
		name string
		zip  []byte
		code errs.Code
	}{
		{"html page", makeZip(t, zipEntry{"index.html", filestest.HTML()}), errs.Unsupported},
		{"html under another name", makeZip(t, zipEntry{"readme.txt", []byte("<!DOCTYPE html><script>alert(1)</script>")}), errs.Unsupported},
		{"svg", makeZip(t, zipEntry{"logo.svg", filestest.SVG()}), errs.Unsupported},
		{"svg under another name", makeZip(t, zipEntry{"logo.png", filestest.SVG()}), errs.Unsupported},
		{"script", makeZip(t, zipEntry{"run.txt", []byte("#!/bin/sh\nrm -rf /")}), errs.Unsupported},
		{"executable under another name", makeZip(t, zipEntry{"photo.jpg", filestest.EXE()}), errs.Unsupported},
		{"nested zip", makeZip(t, zipEntry{"inner.zip", filestest.ZIP()}), errs.Unsupported},
		{"nested zip under another name", makeZip(t, zipEntry{"inner.pdf", filestest.ZIP()}), errs.Unsupported},
		{"path out of the archive", makeZip(t, zipEntry{"../../etc/cron.d/x.pdf", pdf}), errs.Unsupported},
		{"compression ratio", makeZip(t, zipEntry{"zeros.pdf", zeros}), errs.Unsupported},
		{"declared size over the cap", lyingZip(t, files.MaxZipInflated+1, pdf), errs.TooLarge},
		{"declared size under the truth", lyingZip(t, 10, zeros[:64<<10]), errs.Unsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := files.Detect(tc.zip); !errs.Is(err, tc.code) {
				t.Fatalf("Detect = %v, want %s", err, tc.code)
			}
		})
	}
	// A document format (DOCX) is a zip too: the inflation caps hold for it.
	docxBomb := makeZip(t, zipEntry{"[Content_Types].xml", []byte("<Types/>")}, zipEntry{"word/document.xml", zeros})
	if _, err := files.Detect(docxBomb); !errs.Is(err, errs.Unsupported) {
		t.Fatalf("DOCX inflating 4 MiB of zeros: %v, want unsupported", err)
	}
}
