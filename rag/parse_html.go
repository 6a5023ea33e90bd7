package rag

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseHTML extracts the visible text of an HTML page: headings become "#" lines, block
// elements end lines, table cells are separated by " | "; scripts, styles and forms are skipped.
func parseHTML(name string, data []byte) (string, string, error) {
	src, enc, err := decodeText(name, data)
	if err != nil {
		return "", "", err
	}
	z := html.NewTokenizer(strings.NewReader(src))
	z.SetMaxBuf(len(src) + 1024)
	var b strings.Builder
	skip := 0 // depth inside elements whose text is not content
	inTitle := false
	title := ""
	heading := 0 // level of the open heading, 0 when none
	pre := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			out := b.String()
			if strings.TrimSpace(out) == "" && title != "" {
				out = title
			}
			return out, enc, nil
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			if inTitle {
				title += t
				continue
			}
			if pre == 0 {
				t = collapseSpace(t)
				if strings.HasSuffix(b.String(), "\n") || b.Len() == 0 {
					t = strings.TrimLeft(t, " ")
				}
			}
			b.WriteString(t)
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tn, _ := z.TagName()
			a := atom.Lookup(tn)
			end := tt == html.EndTagToken
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Select, atom.Textarea, atom.Head:
				if tt == html.SelfClosingTagToken {
					continue
				}
				if a == atom.Head {
					continue // <head> holds <title>, which is read; its other children carry no text
				}
				if end {
					skip = max(skip-1, 0)
				} else {
					skip++
				}
			case atom.Title:
				inTitle = !end && tt != html.SelfClosingTagToken
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				newline(&b)
				if end {
					heading = 0
					b.WriteString("\n")
				} else {
					heading = int(tn[1] - '0')
					b.WriteString("\n" + strings.Repeat("#", heading) + " ")
				}
			case atom.Pre:
				if end {
					pre = max(pre-1, 0)
				} else {
					pre++
				}
				newline(&b)
			case atom.Br:
				b.WriteString("\n")
			case atom.Td, atom.Th:
				if !end && !strings.HasSuffix(b.String(), "\n") && b.Len() > 0 {
					b.WriteString(" | ")
				}
			case atom.Li:
				if !end {
					newline(&b)
					b.WriteString("- ")
				}
			case atom.P, atom.Div, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Tr, atom.Table,
				atom.Ul, atom.Ol, atom.Blockquote, atom.Dl, atom.Dt, atom.Dd, atom.Hr, atom.Main, atom.Nav, atom.Aside,
				atom.Figure, atom.Figcaption, atom.Caption:
				newline(&b)
				if a == atom.P || a == atom.Table || a == atom.Ul || a == atom.Ol || a == atom.Section {
					b.WriteString("\n")
				}
			}
		}
	}
}

func newline(b *strings.Builder) {
	if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
		b.WriteString("\n")
	}
}

func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f' {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}
