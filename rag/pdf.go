package rag

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/ascii85"
	"io"
	"regexp"
	"strconv"

	"tutor"
)

// pdfFile is a PDF read by scanning for "n g obj" definitions rather than trusting the
// cross-reference table, which damaged files often get wrong; objects in object streams
// (PDF 1.5) are read too. Later definitions win, as incremental updates require.
type pdfFile struct {
	objs    map[int]any
	trailer pdfDict
	budget  int64 // bytes that may still be inflated
}

// Bounds for hostile files.
const (
	pdfMaxObjects      = 500_000
	pdfMaxStreamBytes  = 64 << 20
	pdfMaxInflateTotal = 256 << 20
)

var pdfObjRE = regexp.MustCompile(`(\d{1,10})\s+(\d{1,5})\s+obj\b`)

func readPDF(name string, data []byte) (*pdfFile, error) {
	head := data[:min(len(data), 1024)]
	if !bytes.Contains(head, []byte("%PDF-")) {
		return nil, tutor.Errorf(tutor.EINVALID, "%q is not a PDF file: the %%PDF- header is missing", name)
	}
	f := &pdfFile{objs: map[int]any{}, budget: pdfMaxInflateTotal}
	var objStreams []*pdfStream
	for pos := 0; pos < len(data); {
		loc := pdfObjRE.FindSubmatchIndex(data[pos:])
		if loc == nil {
			break
		}
		num, _ := strconv.Atoi(string(data[pos+loc[2] : pos+loc[3]]))
		l := &pdfLexer{b: data, pos: pos + loc[1]}
		obj := l.object(0)
		pos = l.pos
		if d, ok := obj.(pdfDict); ok {
			l.skipSpace()
			if bytes.HasPrefix(data[l.pos:], []byte("stream")) {
				s, end := readStreamData(data, l.pos+len("stream"), d)
				obj, pos = s, end
				if t, _ := d["Type"].(pdfName); t == "ObjStm" {
					objStreams = append(objStreams, s)
				}
				if t, _ := d["Type"].(pdfName); t == "XRef" {
					f.trailer = d
				}
			}
		}
		if len(f.objs) >= pdfMaxObjects {
			return nil, tutor.Errorf(tutor.ETOOLARGE, "%q has more than %d objects", name, pdfMaxObjects)
		}
		f.objs[num] = obj
	}
	for _, s := range objStreams {
		f.readObjStream(s)
	}
	// The last trailer dictionary holds the newest /Root.
	if i := bytes.LastIndex(data, []byte("trailer")); i >= 0 {
		l := &pdfLexer{b: data, pos: i + len("trailer")}
		if d, ok := l.next(0).(pdfDict); ok && d["Root"] != nil {
			f.trailer = d
		}
	}
	if len(f.objs) == 0 {
		return nil, tutor.Errorf(tutor.EINVALID, "%q is a malformed PDF: no objects found", name)
	}
	if f.trailer != nil && f.trailer["Encrypt"] != nil {
		return nil, tutor.Errorf(tutor.EUNSUPPORTED, "%q is an encrypted PDF; save it without a password and upload it again", name)
	}
	return f, nil
}

// readStreamData returns the stream starting after the "stream" keyword at pos and the
// position after "endstream". /Length is trusted only when "endstream" follows it.
func readStreamData(data []byte, pos int, d pdfDict) (*pdfStream, int) {
	if pos < len(data) && data[pos] == '\r' {
		pos++
	}
	if pos < len(data) && data[pos] == '\n' {
		pos++
	}
	if n, ok := d["Length"].(float64); ok && n >= 0 && pos+int(n) <= len(data) {
		end := pos + int(n)
		rest := data[end:min(end+32, len(data))]
		if bytes.Contains(rest, []byte("endstream")) {
			return &pdfStream{dict: d, data: data[pos:end]}, end + bytes.Index(rest, []byte("endstream")) + len("endstream")
		}
	}
	i := bytes.Index(data[pos:], []byte("endstream"))
	if i < 0 {
		return &pdfStream{dict: d, data: data[pos:]}, len(data)
	}
	return &pdfStream{dict: d, data: bytes.TrimRight(data[pos:pos+i], "\r\n")}, pos + i + len("endstream")
}

// readObjStream adds the objects of an object stream that no direct definition overrides.
func (f *pdfFile) readObjStream(s *pdfStream) {
	body, ok := f.decode(s)
	if !ok {
		return
	}
	n, _ := s.dict["N"].(float64)
	first, _ := s.dict["First"].(float64)
	if n <= 0 || n > pdfMaxObjects || first < 0 || int(first) > len(body) {
		return
	}
	l := &pdfLexer{b: body[:int(first)]}
	for i := 0; i < int(n); i++ {
		num, ok1 := l.next(0).(float64)
		off, ok2 := l.next(0).(float64)
		if !ok1 || !ok2 || off < 0 || int(first)+int(off) >= len(body) {
			return
		}
		if _, exists := f.objs[int(num)]; exists || len(f.objs) >= pdfMaxObjects {
			continue
		}
		ol := &pdfLexer{b: body, pos: int(first) + int(off)}
		f.objs[int(num)] = ol.object(0)
	}
}

// resolve follows references (a bounded number of hops).
func (f *pdfFile) resolve(o any) any {
	for i := 0; i < 16; i++ {
		r, ok := o.(pdfRef)
		if !ok {
			return o
		}
		o = f.objs[r.num]
	}
	return nil
}

func (f *pdfFile) dict(o any) pdfDict {
	switch v := f.resolve(o).(type) {
	case pdfDict:
		return v
	case *pdfStream:
		return v.dict
	}
	return nil
}

// decode applies a stream's filters; it reports false for filters it does not know (images)
// and for data past the inflate budget.
func (f *pdfFile) decode(s *pdfStream) ([]byte, bool) {
	var filters []any
	switch v := f.resolve(s.dict["Filter"]).(type) {
	case pdfName:
		filters = []any{v}
	case []any:
		filters = v
	}
	data := s.data
	for _, fl := range filters {
		name, _ := f.resolve(fl).(pdfName)
		var r io.Reader
		switch name {
		case "FlateDecode", "Fl":
			zr, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				r = flate.NewReader(bytes.NewReader(data))
			} else {
				r = zr
			}
		case "ASCIIHexDecode", "AHx":
			l := &pdfLexer{b: append([]byte{'<'}, data...)}
			data = l.hexString()
			continue
		case "ASCII85Decode", "A85":
			d := bytes.TrimSuffix(bytes.TrimSpace(data), []byte("~>"))
			r = ascii85.NewDecoder(bytes.NewReader(d))
		default:
			return nil, false
		}
		limit := min(f.budget, pdfMaxStreamBytes)
		out, err := io.ReadAll(io.LimitReader(r, limit+1))
		if int64(len(out)) > limit {
			return nil, false
		}
		f.budget -= int64(len(out))
		if err != nil && len(out) == 0 {
			return nil, false
		}
		data = out // a truncated stream still yields what inflated
	}
	return data, true
}
