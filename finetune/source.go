package finetune

import (
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"tutor"
)

// ParseDataset reads a dataset file by its extension: chat JSONL (.jsonl, .json), CSV of
// question/answer pairs (.csv), or plain text for continued pretraining (.txt, .md), cut into
// paragraphs of at most maxChars characters.
func ParseDataset(r io.Reader, name string, maxChars int) ([]Record, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".json":
		return ParseJSONL(r, name)
	case ".csv":
		return ParseCSV(r, name)
	case ".txt", ".md", ".text":
		b, err := io.ReadAll(io.LimitReader(r, MaxDatasetBytes+1))
		if err != nil {
			return nil, tutor.Wrap(err, tutor.EINVALID, "%s: read", name)
		}
		if len(b) > MaxDatasetBytes {
			return nil, tutor.Errorf(tutor.ETOOLARGE, "%s: larger than %d MiB", name, MaxDatasetBytes>>20)
		}
		if !utf8.Valid(b) {
			return nil, tutor.Errorf(tutor.EINVALID, "%s: not UTF-8 text", name)
		}
		return TextRecords(string(b), name, maxChars), nil
	}
	return nil, tutor.Errorf(tutor.EUNSUPPORTED, "%s: unknown dataset type (want .jsonl, .csv or .txt)", name)
}

// TextRecords cuts text into records of whole paragraphs (blank-line separated) of at most
// maxChars characters each; a longer paragraph is cut at a space. Source names the first line.
func TextRecords(text, name string, maxChars int) []Record {
	if maxChars <= 0 {
		maxChars = 2000
	}
	var out []Record
	var cur strings.Builder
	start, line := 1, 1
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, Record{Text: s, Source: sourceLine(name, start)})
		}
		cur.Reset()
	}
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		p := strings.TrimSpace(para)
		if p != "" {
			if cur.Len() > 0 && cur.Len()+2+len(p) > maxChars {
				flush()
			}
			if cur.Len() == 0 {
				start = line
			}
			for len(p) > maxChars {
				cut := strings.LastIndexByte(p[:maxChars], ' ')
				if cut <= 0 {
					cut = maxChars
					for cut > 0 && !utf8.RuneStart(p[cut]) {
						cut--
					}
				}
				cur.WriteString(p[:cut])
				flush()
				p = strings.TrimSpace(p[cut:])
				start = line
			}
			if cur.Len() > 0 {
				cur.WriteString("\n\n")
			}
			cur.WriteString(p)
		}
		line += strings.Count(para, "\n") + 2
	}
	flush()
	return out
}
