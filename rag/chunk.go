package rag

import (
	"strings"
	"unicode/utf8"
)

// ChunkOptions bound chunks in estimated tokens.
type ChunkOptions struct {
	MaxTokens     int // a chunk's size; 0: 160
	OverlapTokens int // how much of the end of a chunk the next one repeats; 0: 32, negative: none
}

func (o ChunkOptions) withDefaults() ChunkOptions {
	if o.MaxTokens <= 0 {
		o.MaxTokens = 160
	}
	if o.OverlapTokens == 0 {
		o.OverlapTokens = 32
	}
	if o.OverlapTokens < 0 {
		o.OverlapTokens = 0
	}
	o.OverlapTokens = min(o.OverlapTokens, o.MaxTokens/2)
	return o
}

// span is a sentence (or a hard-cut piece of one) of the text with its estimated tokens.
type span struct {
	start, end int
	tokens     int
	paraStart  bool // first sentence of a paragraph
}

// Split cuts text (with Markdown "#" heading lines) into chunks that never cross a heading,
// pack whole sentences up to opt.MaxTokens, prefer to end at a paragraph, and repeat the last
// sentences of the previous chunk up to opt.OverlapTokens. Offsets index text.
func Split(text string, opt ChunkOptions) []Chunk {
	opt = opt.withDefaults()
	var chunks []Chunk
	var path []string
	var levels []int
	pos := 0
	sectionStart := 0
	flush := func(end int) {
		for _, c := range packSpans(text, sentences(text, sectionStart, end, opt.MaxTokens), opt) {
			c.Heading = append([]string(nil), path...)
			c.Seq = len(chunks)
			chunks = append(chunks, c)
		}
	}
	for pos < len(text) {
		lineEnd := strings.IndexByte(text[pos:], '\n')
		if lineEnd < 0 {
			lineEnd = len(text)
		} else {
			lineEnd += pos
		}
		if level, title := headingLine(text[pos:lineEnd]); level > 0 {
			flush(pos)
			for len(levels) > 0 && levels[len(levels)-1] >= level {
				levels, path = levels[:len(levels)-1], path[:len(path)-1]
			}
			levels, path = append(levels, level), append(path, title)
			sectionStart = min(lineEnd+1, len(text))
		}
		pos = lineEnd + 1
	}
	flush(len(text))
	return chunks
}

// headingLine returns the level and title of a Markdown ATX heading line, or 0.
func headingLine(line string) (int, string) {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n >= len(line) || line[n] != ' ' {
		return 0, ""
	}
	title := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(line[n:]), "#"))
	if title == "" {
		return 0, ""
	}
	return n, title
}

// sentences splits text[start:end] into sentences: after 。！？；!?; and after a period or
// colon followed by a space, and at every line end (each list item or table row stands
// alone). Sentences longer than maxTokens are cut at rune boundaries.
func sentences(text string, start, end, maxTokens int) []span {
	var out []span
	s := start
	para := true
	emit := func(e int) {
		piece := text[s:e]
		trimmed := strings.TrimSpace(piece)
		if trimmed == "" {
			s = e
			return
		}
		lead := strings.Index(piece, trimmed)
		a, b := s+lead, s+lead+len(trimmed)
		for _, sp := range cutLong(text, a, b, maxTokens) {
			sp.paraStart = para
			para = false
			out = append(out, sp)
		}
		s = e
	}
	for i := start; i < end; {
		r, w := utf8.DecodeRuneInString(text[i:])
		next := i + w
		switch {
		case r == '\n':
			emit(next)
			if next < end && text[next] == '\n' {
				para = true
			}
		case strings.ContainsRune("。！？；!?", r):
			for next < end && strings.ContainsRune("”’」』）)\"'", rune(text[next])) {
				next++
			}
			emit(next)
		case (r == '.' || r == ':' || r == ';') && next < end && (text[next] == ' ') && !abbreviation(text[s:i]):
			emit(next)
		}
		i = next
	}
	emit(end)
	return out
}

// abbreviation reports text ending in a short token such as "e.g" or "No" where a period is
// not the end of a sentence.
func abbreviation(before string) bool {
	i := strings.LastIndexAny(before, " \n(")
	w := strings.ToLower(before[i+1:])
	switch w {
	case "e.g", "i.e", "etc", "no", "mr", "ms", "dr", "vs", "approx", "incl", "fig":
		return true
	}
	return len(w) == 1
}

// cutLong cuts text[a:b] into pieces of at most maxTokens, at spaces when it can.
func cutLong(text string, a, b, maxTokens int) []span {
	t := countTokens(text[a:b])
	if t <= maxTokens {
		return []span{{start: a, end: b, tokens: t}}
	}
	var out []span
	for a < b {
		e, n := a, 0
		lastSpace := -1
		for e < b && n < maxTokens {
			r, w := utf8.DecodeRuneInString(text[e:])
			if r == ' ' {
				lastSpace = e
			}
			e += w
			n = countTokens(text[a:e])
		}
		if e < b && lastSpace > a {
			e = lastSpace + 1
		}
		piece := strings.TrimSpace(text[a:e])
		if piece != "" {
			lead := strings.Index(text[a:e], piece)
			out = append(out, span{start: a + lead, end: a + lead + len(piece), tokens: countTokens(piece)})
		}
		a = e
	}
	return out
}

// packSpans groups consecutive sentences into chunks.
func packSpans(text string, spans []span, opt ChunkOptions) []Chunk {
	var out []Chunk
	i := 0
	for i < len(spans) {
		j, tokens := i, 0
		for j < len(spans) && (j == i || tokens+spans[j].tokens <= opt.MaxTokens) {
			tokens += spans[j].tokens
			j++
		}
		// End at a paragraph when the chunk stays at least half full that way.
		if j < len(spans) && !spans[j].paraStart {
			for k, t := j-1, tokens; k > i; k-- {
				t -= spans[k].tokens
				if t < opt.MaxTokens/2 {
					break
				}
				if spans[k].paraStart {
					j = k
					break
				}
			}
		}
		out = append(out, Chunk{Start: spans[i].start, End: spans[j-1].end, Text: text[spans[i].start:spans[j-1].end]})
		if j >= len(spans) {
			break
		}
		// Start the next chunk with the last sentences that fit in the overlap.
		next, t := j, 0
		for k := j - 1; k > i && t+spans[k].tokens <= opt.OverlapTokens; k-- {
			t += spans[k].tokens
			next = k
		}
		i = next
	}
	return out
}
