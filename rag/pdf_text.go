package rag

import (
	"math"
	"slices"
	"strings"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"

	"tutor"
)

// parsePDF extracts the text layer of a PDF page by page. Scanned PDFs (images only) have
// none and are rejected as EINVALID.
func parsePDF(name string, data []byte, lim Limits) (string, error) {
	f, err := readPDF(name, data)
	if err != nil {
		return "", err
	}
	pages := f.pages()
	if len(pages) == 0 {
		return "", tutor.Errorf(tutor.EINVALID, "%q is a malformed PDF: it has no pages", name)
	}
	x := &pdfText{f: f, fonts: map[any]*pdfFont{}, max: lim.MaxTextBytes}
	for _, p := range pages {
		x.page(p)
		x.b.WriteString("\n\n")
		if x.b.Len() > x.max {
			return "", tutor.Errorf(tutor.ETOOLARGE, "%q has more than %s of text", name, humanBytes(int64(x.max)))
		}
	}
	if f.budget <= 0 {
		return "", tutor.Errorf(tutor.ETOOLARGE, "%q inflates to more than %s", name, humanBytes(pdfMaxInflateTotal))
	}
	text := x.b.String()
	if strings.TrimSpace(text) == "" {
		return "", tutor.Errorf(tutor.EINVALID, "%q has no text layer (a scanned PDF?); only PDFs with selectable text can be read", name)
	}
	return text, nil
}

// pdfPage is a page dictionary with its inherited resources.
type pdfPage struct {
	dict      pdfDict
	resources pdfDict
}

// pages walks the page tree from the catalog in order; a file without a usable tree yields
// its /Type /Page objects in object-number order.
func (f *pdfFile) pages() []pdfPage {
	var out []pdfPage
	seen := map[any]bool{}
	var walk func(node any, res pdfDict, depth int)
	walk = func(node any, res pdfDict, depth int) {
		if depth > pdfMaxDepth || len(out) > 100_000 {
			return
		}
		if r, ok := node.(pdfRef); ok {
			if seen[r] {
				return
			}
			seen[r] = true
		}
		d := f.dict(node)
		if d == nil {
			return
		}
		if r := f.dict(d["Resources"]); r != nil {
			res = r
		}
		if kids, ok := f.resolve(d["Kids"]).([]any); ok {
			for _, k := range kids {
				walk(k, res, depth+1)
			}
			return
		}
		if t, _ := d["Type"].(pdfName); t == "Page" || d["Contents"] != nil {
			out = append(out, pdfPage{dict: d, resources: res})
		}
	}
	if f.trailer != nil {
		if cat := f.dict(f.trailer["Root"]); cat != nil {
			walk(cat["Pages"], nil, 0)
		}
	}
	if len(out) > 0 {
		return out
	}
	nums := make([]int, 0, len(f.objs))
	for n := range f.objs {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	for _, n := range nums {
		if d, ok := f.objs[n].(pdfDict); ok {
			if t, _ := d["Type"].(pdfName); t == "Page" {
				out = append(out, pdfPage{dict: d, resources: f.dict(d["Resources"])})
			}
		}
	}
	return out
}

// pdfText turns content streams into text.
type pdfText struct {
	f     *pdfFile
	fonts map[any]*pdfFont
	b     strings.Builder
	max   int
}

func (x *pdfText) page(p pdfPage) {
	var content []byte
	switch v := x.f.resolve(p.dict["Contents"]).(type) {
	case *pdfStream:
		content, _ = x.f.decode(v)
	case []any:
		for _, c := range v {
			if s, ok := x.f.resolve(c).(*pdfStream); ok {
				if b, ok := x.f.decode(s); ok {
					content = append(append(content, b...), '\n')
				}
			}
		}
	}
	x.run(content, p.resources, 0)
}

// run interprets a content stream's text operators with the fonts of res; form XObjects are
// followed to a bounded depth.
func (x *pdfText) run(content []byte, res pdfDict, depth int) {
	if depth > 8 || x.b.Len() > x.max {
		return
	}
	fonts := x.f.dict(res["Font"])
	var font *pdfFont
	size, leading := 12.0, 0.0
	y, shownY := 0.0, math.NaN() // line position, and where text was last shown
	show := func(o any) {
		if !math.IsNaN(shownY) && y != shownY {
			x.newline(math.Abs(y-shownY) > 1.8*size)
		}
		shownY = y
		x.show(font, o)
	}
	l := &pdfLexer{b: content}
	var args []any
	for l.pos < len(l.b) {
		o := l.object(0)
		op, isOp := o.(pdfOp)
		if !isOp {
			if o == nil && l.pos >= len(l.b) {
				break
			}
			if len(args) < 64 {
				args = append(args, o)
			}
			continue
		}
		num := func(i int) float64 {
			if i < len(args) {
				if v, ok := args[i].(float64); ok && !math.IsInf(v, 0) && !math.IsNaN(v) {
					return v
				}
			}
			return 0
		}
		switch op {
		case "Tf":
			if len(args) >= 1 {
				if n, ok := args[0].(pdfName); ok && fonts != nil {
					font = x.font(fonts[n])
				}
				if s := math.Abs(num(1)); s > 0 {
					size = s
				}
			}
		case "TL":
			leading = num(0)
		case "BT":
			y = 0
		case "Td":
			y += num(1)
		case "TD":
			y += num(1)
			leading = -num(1)
		case "Tm":
			y = num(5)
		case "T*":
			y -= max(leading, size)
		case "Tj":
			if len(args) >= 1 {
				show(args[0])
			}
		case "'", "\"":
			y -= max(leading, size)
			if len(args) >= 1 {
				show(args[len(args)-1])
			}
		case "TJ":
			if len(args) >= 1 {
				arr, _ := args[0].([]any)
				for _, e := range arr {
					if n, ok := e.(float64); ok {
						if n < -250 {
							x.space()
						}
						continue
					}
					show(e)
				}
			}
		case "ET":
			x.space()
		case "Do":
			if len(args) >= 1 {
				if n, ok := args[0].(pdfName); ok {
					if xo := x.f.dict(res["XObject"]); xo != nil {
						if s, ok := x.f.resolve(xo[n]).(*pdfStream); ok {
							if st, _ := s.dict["Subtype"].(pdfName); st == "Form" {
								if b, ok := x.f.decode(s); ok {
									r := x.f.dict(s.dict["Resources"])
									if r == nil {
										r = res
									}
									x.run(b, r, depth+1)
								}
							}
						}
					}
				}
			}
		case "ID":
			// Inline image data: binary up to "EI".
			if i := strings.Index(string(l.b[l.pos:]), "EI"); i >= 0 {
				l.pos += i + 2
			} else {
				l.pos = len(l.b)
			}
		}
		args = args[:0]
	}
}

func (x *pdfText) show(font *pdfFont, o any) {
	s, ok := o.([]byte)
	if !ok || x.b.Len() > x.max {
		return
	}
	x.b.WriteString(font.decode(s))
}

func (x *pdfText) space() {
	s := x.b.String()
	if s != "" && !strings.HasSuffix(s, " ") && !strings.HasSuffix(s, "\n") {
		x.b.WriteByte(' ')
	}
}

func (x *pdfText) newline(paragraph bool) {
	s := x.b.String()
	if s == "" {
		return
	}
	if !strings.HasSuffix(s, "\n") {
		x.b.WriteByte('\n')
	}
	if paragraph && !strings.HasSuffix(s, "\n\n") {
		x.b.WriteByte('\n')
	}
}

// pdfFont maps a font's character codes to text: through its /ToUnicode CMap when it has one,
// otherwise single bytes as Windows-1252 (simple fonts) and nothing for composite fonts.
type pdfFont struct {
	codeLen   int // bytes per code
	toUnicode map[uint32]string
	composite bool
}

func (x *pdfText) font(ref any) *pdfFont {
	key := ref
	if _, ok := ref.(pdfRef); !ok {
		key = nil // direct dictionaries are not cached
	}
	if f, ok := x.fonts[key]; ok && key != nil {
		return f
	}
	d := x.f.dict(ref)
	font := &pdfFont{codeLen: 1}
	if d != nil {
		if st, _ := d["Subtype"].(pdfName); st == "Type0" {
			font.composite, font.codeLen = true, 2
		}
		if s, ok := x.f.resolve(d["ToUnicode"]).(*pdfStream); ok {
			if b, ok := x.f.decode(s); ok {
				font.parseCMap(b)
			}
		}
	}
	if key != nil {
		x.fonts[key] = font
	}
	return font
}

func (ft *pdfFont) decode(s []byte) string {
	if ft == nil {
		ft = &pdfFont{codeLen: 1}
	}
	var b strings.Builder
	for i := 0; i+ft.codeLen <= len(s); i += ft.codeLen {
		var code uint32
		for _, c := range s[i : i+ft.codeLen] {
			code = code<<8 | uint32(c)
		}
		if t, ok := ft.toUnicode[code]; ok {
			b.WriteString(t)
		} else if !ft.composite {
			b.WriteRune(charmap.Windows1252.DecodeByte(byte(code)))
		}
	}
	return b.String()
}

// parseCMap reads codespace ranges, bfchar and bfrange entries of a ToUnicode CMap.
func (ft *pdfFont) parseCMap(b []byte) {
	ft.toUnicode = map[uint32]string{}
	l := &pdfLexer{b: b}
	const maxEntries = 1 << 17
	for l.pos < len(l.b) && len(ft.toUnicode) < maxEntries {
		o := l.next(0)
		op, ok := o.(pdfOp)
		if !ok {
			if o == nil && l.pos >= len(l.b) {
				break
			}
			continue
		}
		switch op {
		case "begincodespacerange":
			if lo, ok := l.next(0).([]byte); ok && len(lo) >= 1 && len(lo) <= 4 {
				ft.codeLen = len(lo)
			}
		case "beginbfchar":
			for l.pos < len(l.b) {
				src, ok := l.next(0).([]byte)
				if !ok {
					break
				}
				if dst, ok := l.next(0).([]byte); ok && len(src) <= 4 {
					ft.toUnicode[codeOf(src)] = utf16BE(dst)
				}
			}
		case "beginbfrange":
			for l.pos < len(l.b) && len(ft.toUnicode) < maxEntries {
				lo, ok1 := l.next(0).([]byte)
				if !ok1 {
					break
				}
				hi, ok2 := l.next(0).([]byte)
				dst := l.next(0)
				if !ok2 || len(lo) > 4 || len(hi) > 4 {
					break
				}
				a, z := codeOf(lo), codeOf(hi)
				if z < a || z-a > 1<<16 {
					continue
				}
				switch d := dst.(type) {
				case []byte:
					base := utf16.Decode(beUnits(d))
					for c := a; c <= z && len(base) > 0; c++ {
						r := append([]rune(nil), base...)
						r[len(r)-1] += rune(c - a)
						ft.toUnicode[c] = string(r)
					}
				case []any:
					for i, e := range d {
						if s, ok := e.([]byte); ok && a+uint32(i) <= z {
							ft.toUnicode[a+uint32(i)] = utf16BE(s)
						}
					}
				}
			}
		}
	}
}

func codeOf(b []byte) uint32 {
	var c uint32
	for _, x := range b {
		c = c<<8 | uint32(x)
	}
	return c
}

func beUnits(b []byte) []uint16 {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return u
}

func utf16BE(b []byte) string { return string(utf16.Decode(beUnits(b))) }
