package rag

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"tutor"
)

// parseDOCX extracts the paragraphs of word/document.xml; paragraphs styled as headings (or
// with an outline level) become "#" lines, table cells are separated by " | ".
func parseDOCX(name string, data []byte, lim Limits) (string, error) {
	zr, err := openZip(name, data, lim)
	if err != nil {
		return "", tutor.Wrap(err, tutor.ErrorCode(err), "%q is not a valid Word document", name)
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		b, err := readMember(name, f, lim)
		if err != nil {
			return "", err
		}
		return docxText(name, b)
	}
	return "", tutor.Errorf(tutor.EINVALID, "%q is not a Word document: word/document.xml is missing", name)
}

func docxText(name string, doc []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var out, para strings.Builder
	level := 0 // heading level of the current paragraph
	inText, cell := false, false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", tutor.Wrap(err, tutor.EINVALID, "%q: word/document.xml is malformed", name)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				para.Reset()
				level = 0
			case "pStyle":
				level = headingLevel(attr(t, "val"))
			case "outlineLvl":
				if v := attr(t, "val"); len(v) == 1 && v[0] >= '0' && v[0] <= '5' {
					level = int(v[0]-'0') + 1
				}
			case "t":
				inText = true
			case "tab":
				para.WriteByte('\t')
			case "br", "cr":
				para.WriteByte('\n')
			case "tc":
				cell = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				text := strings.TrimSpace(para.String())
				switch {
				case text == "":
				case cell:
					if out.Len() > 0 && !strings.HasSuffix(out.String(), "\n") {
						out.WriteString(" | ")
					}
					out.WriteString(text)
				case level > 0:
					out.WriteString("\n" + strings.Repeat("#", level) + " " + text + "\n\n")
				default:
					out.WriteString(text + "\n\n")
				}
			case "tc":
				cell = false
			case "tr":
				out.WriteString("\n")
			case "tbl":
				out.WriteString("\n")
			}
		case xml.CharData:
			if inText {
				para.Write(t)
			}
		}
	}
	return out.String(), nil
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// headingLevel maps Word's paragraph style ids (Title, Heading1…Heading6, and localized
// numeric ids such as "1") to a heading level, 0 for body text.
func headingLevel(style string) int {
	s := strings.ToLower(style)
	switch {
	case s == "title":
		return 1
	case strings.HasPrefix(s, "heading") && len(s) == len("heading")+1:
		if c := s[len(s)-1]; c >= '1' && c <= '6' {
			return int(c - '0')
		}
	case len(s) == 1 && s[0] >= '1' && s[0] <= '6':
		return int(s[0] - '0')
	}
	return 0
}
