package rag

import (
	"bytes"
	"path"
	"strings"

	"tutor"
)

// Limits bound what an upload may contain. Zero fields take the defaults of [DefaultLimits].
type Limits struct {
	MaxFileBytes    int64   // one uploaded file, or one member of an archive once uncompressed
	MaxArchiveBytes int64   // all members of an archive together, uncompressed
	MaxArchiveFiles int     // members of an archive
	MaxRatio        float64 // uncompressed/compressed size of one archive member
	MaxTextBytes    int     // extracted text of one document
}

// DefaultLimits are the limits used when a field of [Limits] is zero.
var DefaultLimits = Limits{
	MaxFileBytes:    32 << 20,
	MaxArchiveBytes: 256 << 20,
	MaxArchiveFiles: 1000,
	MaxRatio:        200,
	MaxTextBytes:    8 << 20,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxFileBytes > 0 {
		d.MaxFileBytes = l.MaxFileBytes
	}
	if l.MaxArchiveBytes > 0 {
		d.MaxArchiveBytes = l.MaxArchiveBytes
	}
	if l.MaxArchiveFiles > 0 {
		d.MaxArchiveFiles = l.MaxArchiveFiles
	}
	if l.MaxRatio > 0 {
		d.MaxRatio = l.MaxRatio
	}
	if l.MaxTextBytes > 0 {
		d.MaxTextBytes = l.MaxTextBytes
	}
	return d
}

// Parsed is one document's extracted text. Headings are marked as Markdown "#" lines whatever
// the source format, so chunking can follow them.
type Parsed struct {
	Name     string // file name (for archive members, the path inside the archive)
	Format   string // txt, md, html, pdf, docx
	Encoding string // source encoding of text formats
	Source   string // the archive it came from, if any
	Data     []byte // the original bytes
	Text     string
}

// Formats lists the accepted file extensions and the format each means.
var Formats = map[string]string{
	".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
	".pdf": "pdf", ".docx": "docx", ".zip": "zip",
}

// FormatOf returns the format of a file name by its extension, or an EUNSUPPORTED error.
func FormatOf(name string) (string, error) {
	ext := strings.ToLower(path.Ext(name))
	if f, ok := Formats[ext]; ok {
		return f, nil
	}
	if ext == "" {
		return "", tutor.Errorf(tutor.EUNSUPPORTED, "%q has no file extension; upload .txt, .md, .html, .pdf, .docx or .zip", name)
	}
	return "", tutor.Errorf(tutor.EUNSUPPORTED, "%q: %s files are not supported; upload .txt, .md, .html, .pdf, .docx or .zip", name, ext)
}

// Parse extracts the text of the file name holding data. A zip archive yields one Parsed per
// member; everything else yields one. Errors are coded: EUNSUPPORTED for a type Tutor does not
// read, ETOOLARGE over a limit, EINVALID for empty, undecodable or malformed content.
func Parse(name string, data []byte, lim Limits) ([]Parsed, error) {
	lim = lim.withDefaults()
	if err := checkName(name); err != nil {
		return nil, err
	}
	if int64(len(data)) > lim.MaxFileBytes {
		return nil, tutor.Errorf(tutor.ETOOLARGE, "%q is %s; the limit is %s", name, humanBytes(int64(len(data))), humanBytes(lim.MaxFileBytes))
	}
	format, err := FormatOf(name)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, tutor.Errorf(tutor.EINVALID, "%q is empty", name)
	}
	if format == "zip" {
		return parseZip(name, data, lim)
	}
	p, err := parseOne(name, format, data, lim)
	if err != nil {
		return nil, err
	}
	return []Parsed{p}, nil
}

func parseOne(name, format string, data []byte, lim Limits) (Parsed, error) {
	p := Parsed{Name: name, Format: format, Data: data}
	var err error
	switch format {
	case "txt", "md":
		p.Text, p.Encoding, err = decodeText(name, data)
	case "html":
		p.Text, p.Encoding, err = parseHTML(name, data)
	case "pdf":
		p.Text, err = parsePDF(name, data, lim)
	case "docx":
		p.Text, err = parseDOCX(name, data, lim)
	default:
		err = tutor.Errorf(tutor.EUNSUPPORTED, "%q: %s inside an archive is not supported", name, format)
	}
	if err != nil {
		return p, err
	}
	p.Text = normalizeText(p.Text)
	if strings.TrimSpace(p.Text) == "" {
		return p, tutor.Errorf(tutor.EINVALID, "%q contains no text", name)
	}
	if len(p.Text) > lim.MaxTextBytes {
		return p, tutor.Errorf(tutor.ETOOLARGE, "%q has %s of text; the limit is %s", name, humanBytes(int64(len(p.Text))), humanBytes(int64(lim.MaxTextBytes)))
	}
	return p, nil
}

// checkName rejects names that are empty, absolute, or climb out of their folder.
func checkName(name string) error {
	if strings.TrimSpace(name) == "" {
		return tutor.Errorf(tutor.EINVALID, "the file has no name")
	}
	n := strings.ReplaceAll(name, `\`, "/")
	if strings.HasPrefix(n, "/") || strings.ContainsRune(n, 0) || (len(n) > 1 && n[1] == ':') {
		return tutor.Errorf(tutor.EINVALID, "file name %q is not allowed: it must be a relative name", name)
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return tutor.Errorf(tutor.EINVALID, "file name %q is not allowed: it contains \"..\"", name)
		}
	}
	return nil
}

// normalizeText unifies line ends, drops control characters other than tab and newline, and
// trims trailing spaces on each line.
func normalizeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, line := range strings.SplitAfter(s, "\n") {
		nl := strings.HasSuffix(line, "\n")
		line = strings.TrimRight(line, " \t\n\u00a0\u3000")
		for _, r := range line {
			if r == '\t' || r >= ' ' && r != 0x7f && r != '\ufeff' {
				b.WriteRune(r)
			}
		}
		if nl {
			b.WriteByte('\n')
		}
	}
	return strings.TrimSpace(b.String())
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return trimZero(float64(n)/(1<<20)) + " MiB"
	case n >= 1<<10:
		return trimZero(float64(n)/(1<<10)) + " KiB"
	}
	return itoa(int(n)) + " bytes"
}
