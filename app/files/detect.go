package files

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"path"
	"strings"
	"unicode/utf16"

	"sunshine/app/errs"
)

// Kind is an accepted file type, decided by content.
type Kind struct {
	MIME  string // served as Content-Type
	Ext   string // canonical extension of stored names shown to users
	Label string
}

// The accepted kinds.
var (
	KindPDF  = Kind{"application/pdf", ".pdf", "PDF"}
	KindJPEG = Kind{"image/jpeg", ".jpg", "JPEG图片"}
	KindPNG  = Kind{"image/png", ".png", "PNG图片"}
	KindOFD  = Kind{"application/ofd", ".ofd", "OFD版式文件"}
	KindDOCX = Kind{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word文档"}
	KindXLSX = Kind{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel表格"}
	KindDOC  = Kind{"application/msword", ".doc", "Word文档"}
	KindXLS  = Kind{"application/vnd.ms-excel", ".xls", "Excel表格"}
	KindZIP  = Kind{"application/zip", ".zip", "ZIP压缩包"}
)

// Kinds lists the accepted kinds.
var Kinds = []Kind{KindPDF, KindJPEG, KindPNG, KindOFD, KindDOCX, KindXLSX, KindDOC, KindXLS, KindZIP}

const acceptedText = "仅支持 PDF、JPEG、PNG、OFD、Word（doc/docx）、Excel（xls/xlsx）和 ZIP 文件"

func unsupported(why string) error { return errs.E(errs.Unsupported, why+"，"+acceptedText) }

var (
	magicOLE = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	magicPNG = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}
)

// executableMagic are the starts of programs and scripts, refused outright.
var executableMagic = [][]byte{
	[]byte("MZ"), []byte("\x7fELF"), []byte("#!"),
	{0xFE, 0xED, 0xFA, 0xCE}, {0xFE, 0xED, 0xFA, 0xCF}, {0xCE, 0xFA, 0xED, 0xFE}, {0xCF, 0xFA, 0xED, 0xFE},
	{0xCA, 0xFE, 0xBA, 0xBE}, []byte("\x00asm"), []byte("dex\n"),
}

// Detect decides the type of a file from its bytes, never from its name.
// Executables, web pages, SVG and anything unrecognized are refused with
// unsupported (415).
func Detect(b []byte) (Kind, error) {
	for _, m := range executableMagic {
		if bytes.HasPrefix(b, m) {
			return Kind{}, unsupported("不接受可执行文件或脚本")
		}
	}
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return KindPDF, nil
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return KindJPEG, nil
	case bytes.HasPrefix(b, magicPNG):
		return KindPNG, nil
	case bytes.HasPrefix(b, magicOLE):
		return detectOLE(b)
	case bytes.HasPrefix(b, []byte("PK\x03\x04")), bytes.HasPrefix(b, []byte("PK\x05\x06")):
		return detectZip(b)
	case looksLikeMarkup(b):
		return Kind{}, unsupported("不接受网页、SVG 或 XML 文件")
	}
	return Kind{}, unsupported("无法识别的文件类型")
}

// looksLikeMarkup reports HTML, SVG and XML documents (after a BOM and
// whitespace), which browsers could run as active content.
func looksLikeMarkup(b []byte) bool {
	head := b
	if len(head) > 1024 {
		head = head[:1024]
	}
	head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	s := strings.ToLower(strings.TrimLeft(string(head), " \t\r\n\f"))
	for _, p := range []string{"<!doctype", "<html", "<head", "<body", "<script", "<svg", "<?xml", "<iframe", "<!--"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return strings.Contains(s, "<svg") || strings.Contains(s, "<script")
}

// detectOLE accepts a compound file only when it holds a Word or Excel
// stream: installers (MSI) and other OLE files are refused. Directory
// entries are 128-byte aligned, so aligned offsets are scanned for an entry
// naming the stream.
func detectOLE(b []byte) (Kind, error) {
	switch {
	case hasOLEStream(b, "WordDocument"):
		return KindDOC, nil
	case hasOLEStream(b, "Workbook"), hasOLEStream(b, "Book"):
		return KindXLS, nil
	}
	return Kind{}, unsupported("该 Office 文件不是 Word 或 Excel 文档")
}

func hasOLEStream(b []byte, name string) bool {
	want := utf16le(name)
	nameLen := uint16(len(want) + 2) // with the terminating NUL
	for off := 512; off+128 <= len(b); off += 128 {
		e := b[off : off+128]
		if binary.LittleEndian.Uint16(e[64:66]) == nameLen && e[66] == 2 && bytes.HasPrefix(e, want) {
			return true
		}
	}
	return false
}

func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	out := make([]byte, 2*len(u))
	for i, r := range u {
		binary.LittleEndian.PutUint16(out[2*i:], r)
	}
	return out
}

// executableExt are names that run when opened; archives carrying them,
// Java archives and Android packages are refused.
var executableExt = map[string]bool{
	".exe": true, ".dll": true, ".com": true, ".bat": true, ".cmd": true, ".scr": true, ".msi": true,
	".ps1": true, ".vbs": true, ".vbe": true, ".js": true, ".jse": true, ".wsf": true, ".hta": true,
	".jar": true, ".apk": true, ".sh": true, ".lnk": true, ".cpl": true, ".pif": true, ".reg": true,
}

// detectZip tells OFD, DOCX and XLSX (a zip with the right parts) from a
// plain ZIP, and refuses macro documents and archives of programs.
func detectZip(b []byte) (Kind, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return Kind{}, unsupported("压缩文件已损坏")
	}
	has := map[string]bool{}
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
		has[name] = true
		if executableExt[path.Ext(name)] {
			return Kind{}, unsupported("压缩包中含有可执行文件")
		}
	}
	switch {
	case has["meta-inf/manifest.mf"], has["androidmanifest.xml"], has["classes.dex"]:
		return Kind{}, unsupported("不接受可执行文件或脚本")
	case has["word/vbaproject.bin"], has["xl/vbaproject.bin"]:
		return Kind{}, unsupported("不接受含宏的 Office 文档")
	case has["ofd.xml"]:
		return KindOFD, nil
	case has["[content_types].xml"] && has["word/document.xml"]:
		return KindDOCX, nil
	case has["[content_types].xml"] && has["xl/workbook.xml"]:
		return KindXLSX, nil
	}
	return KindZIP, nil
}
