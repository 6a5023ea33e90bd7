package rag

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/encoding/simplifiedchinese"

	"tutor"
)

// MustZip builds a zip archive of name→content pairs, deflated.
func MustZip(tb testing.TB, files ...string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			tb.Fatal(err)
		}
		w.Write([]byte(files[i+1]))
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// MustDOCX builds a minimal Word document with a title, a heading, paragraphs and a table.
func MustDOCX(tb testing.TB) []byte {
	tb.Helper()
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Travel Policy</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>Hotels</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Book hotels </w:t></w:r><w:r><w:t>through the portal.</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>City</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Limit</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>上海</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>650 元</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>`
	return MustZip(tb, "[Content_Types].xml", `<Types/>`, "word/document.xml", doc)
}

// MustFPDF renders pages of English text with fpdf, a third-party PDF writer.
func MustFPDF(tb testing.TB, pages ...string) []byte {
	tb.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetFont("Helvetica", "", 12)
	for _, text := range pages {
		p.AddPage()
		p.MultiCell(0, 6, text, "", "L", false)
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// MustCJKPDF writes a PDF by hand whose Type0 font maps two-byte codes to Chinese text through
// a ToUnicode CMap, as PDFs exported by office suites do; content and CMap are Flate streams.
func MustCJKPDF(tb testing.TB, lines ...string) []byte {
	tb.Helper()
	codes := map[rune]int{}
	var cmap strings.Builder
	var content strings.Builder
	content.WriteString("BT /F1 12 Tf 72 720 Td\n")
	for i, line := range lines {
		if i > 0 {
			content.WriteString("0 -16 Td\n")
		}
		content.WriteString("<")
		for _, r := range line {
			c, ok := codes[r]
			if !ok {
				c = len(codes) + 1
				codes[r] = c
			}
			fmt.Fprintf(&content, "%04X", c)
		}
		content.WriteString("> Tj\n")
	}
	content.WriteString("ET\n")
	fmt.Fprintf(&cmap, "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n%d beginbfchar\n", len(codes))
	for r, c := range codes {
		u := []rune{r}
		fmt.Fprintf(&cmap, "<%04X> <%04X>\n", c, u[0])
	}
	cmap.WriteString("endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n")
	deflate := func(s string) string {
		var b bytes.Buffer
		w := zlib.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.String()
	}
	c1, c2 := deflate(content.String()), deflate(cmap.String())
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(c1), c1),
		"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /ToUnicode 6 0 R >>",
		fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(c2), c2),
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return out.Bytes()
}

func gbk(tb testing.TB, s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestParse(t *testing.T) {
	bomb := MustZip(t, "big.txt", strings.Repeat("a", 20<<20))
	tests := []struct {
		name     string
		file     string
		data     []byte
		contains []string
		encoding string
		docs     int    // documents expected, default 1
		code     string // expected error code
	}{
		{name: "utf-8 markdown", file: "a.md", data: []byte("# 报销\n\n加班到20:00以后可报销晚餐。"), contains: []string{"# 报销", "晚餐"}, encoding: "utf-8"},
		{name: "utf-8 with BOM", file: "a.txt", data: append([]byte{0xEF, 0xBB, 0xBF}, "hello"...), contains: []string{"hello"}, encoding: "utf-8"},
		{name: "GBK text", file: "制度.txt", data: gbk(t, "差旅制度：上海每晚住宿标准650元。"), contains: []string{"上海每晚住宿标准650元"}, encoding: "gb18030"},
		{name: "UTF-16LE with BOM", file: "u.txt", data: []byte{0xFF, 0xFE, 'h', 0, 'i', 0, 0x2d, 0x4e}, contains: []string{"hi中"}, encoding: "utf-16le"},
		{name: "html", file: "p.html", data: []byte(`<html><head><title>T</title><style>p{color:red}</style></head><body><h2>Hotels</h2><p>Up to <b>RMB 650</b>.</p><script>alert(1)</script><table><tr><td>A</td><td>B</td></tr></table></body></html>`),
			contains: []string{"## Hotels", "Up to RMB 650.", "A | B"}},
		{name: "docx", file: "policy.docx", data: MustDOCX(t), contains: []string{"# Travel Policy", "## Hotels", "Book hotels through the portal.", "上海 | 650 元"}},
		{name: "pdf from fpdf", file: "r.pdf", data: MustFPDF(t, "Quarterly report: revenue grew 12%.", "Second page (with parentheses) and caf\u00e9."),
			contains: []string{"revenue grew 12%", "Second page (with parentheses)"}},
		{name: "pdf with ToUnicode CMap", file: "zh.pdf", data: MustCJKPDF(t, "费用报销制度", "上海每晚650元"), contains: []string{"费用报销制度\n上海每晚650元"}},
		{name: "zip of documents", file: "docs.zip", data: MustZip(t, "a/one.md", "# One\n\nfirst", "two.txt", "second", "__MACOSX/._two.txt", "junk", "dir/"), contains: []string{"first"}, docs: 2},

		{name: "unsupported type", file: "setup.exe", data: []byte("MZ..."), code: tutor.EUNSUPPORTED},
		{name: "no extension", file: "README", data: []byte("x"), code: tutor.EUNSUPPORTED},
		{name: "empty", file: "e.txt", data: []byte(" \n "), code: tutor.EINVALID},
		{name: "binary as text", file: "b.txt", data: []byte("ab\x00\x01cd"), code: tutor.EINVALID},
		{name: "undecodable", file: "x.txt", data: []byte{0x81, 0x20, 0xFF, 0xFE, 0x80, 0x81}, code: tutor.EINVALID},
		{name: "path climbing name", file: "../etc/passwd.txt", data: []byte("x"), code: tutor.EINVALID},
		{name: "too large", file: "big.txt", data: bytes.Repeat([]byte("a"), 33<<20), code: tutor.ETOOLARGE},
		{name: "malformed pdf", file: "m.pdf", data: []byte("%PDF-1.4\n1 0 obj << /Type /Catalog"), code: tutor.EINVALID},
		{name: "not a pdf", file: "n.pdf", data: []byte("hello"), code: tutor.EINVALID},
		{name: "pdf without text", file: "scan.pdf", data: MustFPDF(t, ""), code: tutor.EINVALID},
		{name: "zip bomb", file: "bomb.zip", data: bomb, code: tutor.ETOOLARGE},
		{name: "zip with ../ member", file: "evil.zip", data: MustZip(t, "../../evil.md", "x"), code: tutor.EINVALID},
		{name: "zip with absolute member", file: "abs.zip", data: MustZip(t, "/etc/x.md", "x"), code: tutor.EINVALID},
		{name: "zip with unsupported member", file: "m.zip", data: MustZip(t, "a.md", "x", "b.exe", "y"), code: tutor.EUNSUPPORTED},
		{name: "nested zip", file: "n.zip", data: MustZip(t, "inner.zip", "PK"), code: tutor.EUNSUPPORTED},
		{name: "corrupt zip", file: "c.zip", data: []byte("PK\x03\x04garbage"), code: tutor.EINVALID},
		{name: "docx without document.xml", file: "d.docx", data: MustZip(t, "x.xml", "<a/>"), code: tutor.EINVALID},
		{name: "docx with broken xml", file: "d.docx", data: MustZip(t, "word/document.xml", "<w:document><w:p>"), code: tutor.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.file, tt.data, Limits{})
			if tt.code != "" {
				if tutor.ErrorCode(err) != tt.code {
					t.Fatalf("error %v, want code %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := max(tt.docs, 1); len(got) != want {
				t.Fatalf("%d documents, want %d", len(got), want)
			}
			for _, c := range tt.contains {
				if !strings.Contains(got[0].Text, c) {
					t.Errorf("text %q lacks %q", got[0].Text, c)
				}
			}
			if tt.encoding != "" && got[0].Encoding != tt.encoding {
				t.Errorf("encoding %q, want %q", got[0].Encoding, tt.encoding)
			}
		})
	}
}

func TestZipMemberLimits(t *testing.T) {
	many := make([]string, 0, 20)
	for i := range 10 {
		many = append(many, fmt.Sprintf("f%d.txt", i), "text")
	}
	if _, err := Parse("many.zip", MustZip(t, many...), Limits{MaxArchiveFiles: 5}); tutor.ErrorCode(err) != tutor.ETOOLARGE {
		t.Errorf("too many members: %v", err)
	}
	big := MustZip(t, "a.txt", strings.Repeat("x y ", 1000), "b.txt", strings.Repeat("z w ", 1000))
	if _, err := Parse("big.zip", big, Limits{MaxArchiveBytes: 6000}); tutor.ErrorCode(err) != tutor.ETOOLARGE {
		t.Errorf("total uncompressed size: %v", err)
	}
}

// checkParsed holds for any input: errors are coded, results are valid UTF-8 text.
func checkParsed(t *testing.T, docs []Parsed, err error) {
	if err != nil {
		if tutor.ErrorCode(err) == tutor.EINTERNAL {
			t.Fatalf("uncoded error: %v", err)
		}
		return
	}
	for _, d := range docs {
		if !utf8.ValidString(d.Text) || strings.TrimSpace(d.Text) == "" {
			t.Fatalf("bad text %q", d.Text)
		}
	}
}

func fuzzParser(f *testing.F, file string, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := Parse(file, data, Limits{MaxFileBytes: 1 << 20, MaxArchiveBytes: 4 << 20, MaxTextBytes: 1 << 20})
		checkParsed(t, docs, err)
	})
}

func FuzzText(f *testing.F) {
	fuzzParser(f, "f.txt", []byte("hello"), gbk(f, "中文"), []byte{0xFF, 0xFE, 'a', 0})
}

func FuzzHTML(f *testing.F) {
	fuzzParser(f, "f.html", []byte(`<h1>T</h1><p>a<script>x</script></p><table><tr><td>1</td></tr></table>`))
}

func FuzzPDF(f *testing.F) {
	fuzzParser(f, "f.pdf", MustFPDF(f, "Hello world"), MustCJKPDF(f, "你好"), []byte("%PDF-1.4 1 0 obj <<>> endobj"))
}

func FuzzDOCX(f *testing.F) { fuzzParser(f, "f.docx", MustDOCX(f)) }

// FuzzDOCXBody fuzzes word/document.xml inside a well-formed Word container: mutating the
// container's bytes mostly breaks the zip checksums, so FuzzDOCX seldom reaches the XML.
func FuzzDOCXBody(f *testing.F) {
	f.Add(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>T</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>`)
	f.Fuzz(func(t *testing.T, doc string) {
		data := MustZip(t, "[Content_Types].xml", `<Types/>`, "word/document.xml", doc)
		docs, err := Parse("f.docx", data, Limits{MaxFileBytes: 1 << 20, MaxArchiveBytes: 4 << 20, MaxTextBytes: 1 << 20})
		checkParsed(t, docs, err)
	})
}

// FuzzZipMembers fuzzes the names and contents of the members of a well-formed archive.
func FuzzZipMembers(f *testing.F) {
	f.Add("a.md", "# A\n\ntext", "dir/b.html", "<p>b</p>")
	f.Add("../x.txt", "x", "c.docx", "not a zip")
	f.Fuzz(func(t *testing.T, name1, body1, name2, body2 string) {
		if len(name1) > 1000 || len(name2) > 1000 {
			t.Skip("zip names are at most 65535 bytes; long ones add nothing")
		}
		data := MustZip(t, name1, body1, name2, body2)
		docs, err := Parse("f.zip", data, Limits{MaxFileBytes: 1 << 20, MaxArchiveBytes: 4 << 20, MaxTextBytes: 1 << 20})
		checkParsed(t, docs, err)
		for _, d := range docs {
			if n := strings.ReplaceAll(d.Name, `\`, "/"); slices.Contains(strings.Split(n, "/"), "..") || strings.HasPrefix(n, "/") {
				t.Fatalf("member name %q escapes the archive", d.Name)
			}
		}
	})
}

func FuzzZip(f *testing.F) {
	fuzzParser(f, "f.zip", MustZip(f, "a.md", "# A\n\ntext", "b.html", "<p>b</p>"))
}
