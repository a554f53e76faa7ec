// Package filestest builds small sample files of every kind the files
// package accepts or refuses, for tests of the service and of the surfaces.
package filestest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"unicode/utf16"
)

// PDF is a minimal PDF document.
func PDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
}

// PNG starts like a PNG image.
func PNG() []byte {
	return append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'}, make([]byte, 32)...)
}

// JPEG starts like a JPEG image.
func JPEG() []byte {
	return append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0}, make([]byte, 32)...)
}

// Zip builds a zip archive with the named entries.
func Zip(names ...string) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, n := range names {
		f, _ := w.Create(n)
		_, _ = f.Write([]byte("<x/>"))
	}
	_ = w.Close()
	return buf.Bytes()
}

// DOCX is a zip with the parts of a Word document.
func DOCX() []byte { return Zip("[Content_Types].xml", "_rels/.rels", "word/document.xml") }

// XLSX is a zip with the parts of an Excel workbook.
func XLSX() []byte { return Zip("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml") }

// DOCM is a Word document with macros.
func DOCM() []byte {
	return Zip("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin")
}

// OFD is a zip with the root document of an OFD file.
func OFD() []byte { return Zip("OFD.xml", "Doc_0/Document.xml") }

// ZIP is a plain archive of materials.
func ZIP() []byte { return Zip("营业执照.pdf", "图纸/总平面图.pdf") }

// ZipWithExe is an archive that carries a program.
func ZipWithExe() []byte { return Zip("说明.pdf", "setup.exe") }

// JAR is a Java archive.
func JAR() []byte { return Zip("META-INF/MANIFEST.MF", "Main.class") }

// OLE builds a compound file whose first directory sector names streams.
func OLE(streams ...string) []byte {
	b := make([]byte, 512+128*(len(streams)+1))
	copy(b, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	entry := func(i int, name string, typ byte) {
		e := b[512+128*i:]
		u := utf16.Encode([]rune(name))
		for j, r := range u {
			binary.LittleEndian.PutUint16(e[2*j:], r)
		}
		binary.LittleEndian.PutUint16(e[64:], uint16(2*len(u)+2)) // #nosec G115 -- names are short constants (< 32 UTF-16 units)
		e[66] = typ
	}
	entry(0, "Root Entry", 5)
	for i, s := range streams {
		entry(i+1, s, 2)
	}
	return b
}

// DOC is a Word 97-2003 document.
func DOC() []byte { return OLE("WordDocument", "\x05SummaryInformation") }

// XLS is an Excel 97-2003 workbook.
func XLS() []byte { return OLE("Workbook") }

// MSI is an installer: a compound file without a Word or Excel stream.
func MSI() []byte { return OLE("\x05SummaryInformation", "MsiDigitalSignatureEx") }

// EXE is a Windows program.
func EXE() []byte { return append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...) }

// ELF is a Linux program.
func ELF() []byte { return append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...) }

// HTML is a web page.
func HTML() []byte { return []byte("\n  <!DOCTYPE html><html><script>alert(1)</script></html>") }

// SVG is an SVG image with a script.
func SVG() []byte {
	return []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
}
