package files

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
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
	nameLen := uint16(len(want) + 2) // #nosec G115 -- with the terminating NUL; name is a short constant (< 32 UTF-16 units)
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

// Limits of what a zip-based file may inflate to (issue 10 item 7): a small
// upload must not become gigabytes on the disk or in the memory of whoever
// opens it.
const (
	MaxZipEntries  = 1000
	MaxZipInflated = 100 << 20 // bytes, all entries together
	MaxZipRatio    = 100       // inflated / compressed, checked beyond zipRatioFloor
	zipRatioFloor  = 1 << 20   // small archives may compress well without harm
)

// activeExt are names a browser or a desktop runs or renders as active
// content; a plain ZIP may not carry them.
var activeExt = map[string]bool{
	".html": true, ".htm": true, ".xhtml": true, ".shtml": true, ".mht": true, ".mhtml": true,
	".svg": true, ".svgz": true, ".xml": true, ".xsl": true, ".php": true, ".asp": true, ".aspx": true,
	".jsp": true, ".py": true, ".pl": true, ".rb": true, ".vb": true, ".swf": true, ".url": true,
}

// nestedExt are archives: a plain ZIP may not nest them (they could not be
// inspected in turn).
var nestedExt = map[string]bool{
	".zip": true, ".rar": true, ".7z": true, ".gz": true, ".tgz": true, ".tar": true, ".bz2": true,
	".xz": true, ".cab": true, ".iso": true, ".zipx": true,
}

// detectZip tells OFD, DOCX and XLSX (a zip with the right parts) from a
// plain ZIP, and refuses macro documents and archives of programs. Every
// zip-based file is inflated once, within MaxZipInflated and MaxZipRatio
// (declared sizes can lie); the entries of a plain ZIP are also checked by
// name and by content: no executables, scripts, web pages, SVG or nested
// archives, no encrypted entries (they cannot be checked), no paths out of
// the archive.
func detectZip(b []byte) (Kind, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return Kind{}, unsupported("压缩文件已损坏")
	}
	if len(zr.File) > MaxZipEntries {
		return Kind{}, unsupported("压缩包中的文件过多")
	}
	has := map[string]bool{}
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
		has[name] = true
		if executableExt[path.Ext(name)] {
			return Kind{}, unsupported("压缩包中含有可执行文件")
		}
	}
	kind := KindZIP
	switch {
	case has["meta-inf/manifest.mf"], has["androidmanifest.xml"], has["classes.dex"]:
		return Kind{}, unsupported("不接受可执行文件或脚本")
	case has["word/vbaproject.bin"], has["xl/vbaproject.bin"]:
		return Kind{}, unsupported("不接受含宏的 Office 文档")
	case has["ofd.xml"]:
		kind = KindOFD
	case has["[content_types].xml"] && has["word/document.xml"]:
		kind = KindDOCX
	case has["[content_types].xml"] && has["xl/workbook.xml"]:
		kind = KindXLSX
	}
	if err := inspectZip(zr, int64(len(b)), kind == KindZIP); err != nil {
		return Kind{}, err
	}
	return kind, nil
}

// inspectZip inflates every entry, counting the bytes really produced, and
// with entries checks each plain-ZIP entry's name and first bytes.
func inspectZip(zr *zip.Reader, compressed int64, entries bool) error {
	var total int64
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
		if entries {
			if f.Flags&0x1 != 0 {
				return unsupported("不接受加密的压缩包")
			}
			if strings.HasPrefix(name, "/") || strings.Contains("/"+name+"/", "/../") || strings.Contains(name, ":") {
				return unsupported("压缩包中的文件路径无效")
			}
			ext := path.Ext(name)
			switch {
			case activeExt[ext]:
				return unsupported("压缩包中含有网页、SVG 或脚本文件")
			case nestedExt[ext]:
				return unsupported("不接受嵌套的压缩包")
			}
		}
		if f.FileInfo().IsDir() {
			continue
		}
		if f.UncompressedSize64 > MaxZipInflated || total+int64(f.UncompressedSize64) > MaxZipInflated {
			return errs.Ef(errs.TooLarge, "压缩包解压后超过%dMB", MaxZipInflated>>20)
		}
		rc, err := f.Open()
		if err != nil {
			return unsupported("压缩文件已损坏")
		}
		head := make([]byte, 1024)
		n, _ := io.ReadFull(rc, head)
		head = head[:n]
		rest, err := io.Copy(io.Discard, io.LimitReader(rc, MaxZipInflated-total-int64(n)+1))
		rc.Close()
		if err != nil {
			return unsupported("压缩文件已损坏")
		}
		total += int64(n) + rest
		if total > MaxZipInflated {
			return errs.Ef(errs.TooLarge, "压缩包解压后超过%dMB", MaxZipInflated>>20)
		}
		if entries && len(head) > 0 {
			if _, err := detectEntry(head); err != nil {
				return err
			}
		}
	}
	if total > zipRatioFloor && total > MaxZipRatio*compressed {
		return unsupported("压缩包的压缩比异常（疑似压缩炸弹）")
	}
	return nil
}

// detectEntry checks the first bytes of an entry of a plain ZIP: no
// program, no nested archive, no markup.
func detectEntry(head []byte) (Kind, error) {
	for _, m := range executableMagic {
		if bytes.HasPrefix(head, m) {
			return Kind{}, unsupported("压缩包中含有可执行文件")
		}
	}
	for _, m := range [][]byte{[]byte("PK\x03\x04"), []byte("PK\x05\x06"), []byte("Rar!"), []byte("7z\xBC\xAF"), {0x1F, 0x8B}} {
		if bytes.HasPrefix(head, m) {
			return Kind{}, unsupported("不接受嵌套的压缩包")
		}
	}
	if looksLikeMarkup(head) {
		return Kind{}, unsupported("压缩包中含有网页、SVG 或脚本文件")
	}
	return Kind{}, nil
}
