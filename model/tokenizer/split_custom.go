package tokenizer

// cursor reads code points and flags of one piece; outside it they are outOfRange and 0.
type cursor struct {
	cpts     []rune
	ini, end int
	prev     int // end of the last emitted piece
	lengths  []int
}

func (c *cursor) cpt(pos int) rune {
	if pos >= c.ini && pos < c.end {
		return c.cpts[pos]
	}
	return outOfRange
}

func (c *cursor) flags(pos int) uint16 {
	if pos >= c.ini && pos < c.end {
		return cptFlags(c.cpts[pos])
	}
	return 0
}

// add emits the piece up to end and returns its length.
func (c *cursor) add(end int) int {
	n := end - c.prev
	if n > 0 {
		c.lengths = append(c.lengths, n)
	}
	c.prev = end
	return n
}

const flagsLetterNumberSpace = flagLetter | flagNumber | flagWhitespace

// splitGPT2 is llama.cpp's unicode_regex_split_custom_gpt2, the hand-written form of
// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
func splitGPT2(cpts []rune, ini, end int, lengths []int) []int {
	c := &cursor{cpts: cpts, ini: ini, end: end, prev: ini, lengths: lengths}
	for pos := ini; pos < end; {
		r, f := c.cpt(pos), c.flags(pos)
		if r == '\'' && pos+1 < end {
			next := c.cpt(pos + 1)
			if next == 's' || next == 't' || next == 'm' || next == 'd' {
				pos += c.add(pos + 2)
				continue
			}
			if pos+2 < end {
				nn := c.cpt(pos + 2)
				if next == 'r' && nn == 'e' || next == 'v' && nn == 'e' || next == 'l' && nn == 'l' {
					pos += c.add(pos + 3)
					continue
				}
			}
		}
		f2 := f
		if r == ' ' {
			f2 = c.flags(pos + 1)
		}
		space := 0
		if r == ' ' {
			space = 1
		}
		switch {
		case f2&flagLetter != 0:
			pos += space
			for f2&flagLetter != 0 {
				pos++
				f2 = c.flags(pos)
			}
			c.add(pos)
			continue
		case f2&flagNumber != 0:
			pos += space
			for f2&flagNumber != 0 {
				pos++
				f2 = c.flags(pos)
			}
			c.add(pos)
			continue
		case f2&flagsLetterNumberSpace == 0 && f2 != 0:
			pos += space
			for f2&flagsLetterNumberSpace == 0 && f2 != 0 {
				pos++
				f2 = c.flags(pos)
			}
			c.add(pos)
			continue
		}
		ws := 0
		for c.flags(pos+ws)&flagWhitespace != 0 {
			ws++
		}
		if ws > 1 && c.cpt(pos+ws) != outOfRange { // \s+(?!\S)
			pos += ws - 1
			c.add(pos)
			continue
		}
		if ws > 0 { // \s+
			pos += ws
			c.add(pos)
			continue
		}
		pos++
		c.add(pos)
	}
	return c.lengths
}

// splitLlama3 is llama.cpp's unicode_regex_split_custom_llama3, the hand-written form of
// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// With digits 1 it is Qwen2's regex, where \p{N} takes one digit at a time.
func splitLlama3(digits int) splitFunc {
	return func(cpts []rune, ini, end int, lengths []int) []int {
		c := &cursor{cpts: cpts, ini: ini, end: end, prev: ini, lengths: lengths}
		lower := func(r rune) rune {
			if r >= 'A' && r <= 'Z' {
				return r + 'a' - 'A'
			}
			return r
		}
		for pos := ini; pos < end; {
			r, f := c.cpt(pos), c.flags(pos)
			if r == '\'' && pos+1 < end {
				next := lower(c.cpt(pos + 1))
				if next == 's' || next == 't' || next == 'm' || next == 'd' {
					pos += c.add(pos + 2)
					continue
				}
				if pos+2 < end {
					nn := lower(c.cpt(pos + 2))
					if next == 'r' && nn == 'e' || next == 'v' && nn == 'e' || next == 'l' && nn == 'l' {
						pos += c.add(pos + 3)
						continue
					}
				}
			}
			// [^\r\n\p{L}\p{N}]?\p{L}+
			if !(r == '\r' || r == '\n' || f&flagNumber != 0) {
				if f&flagLetter != 0 || c.flags(pos+1)&flagLetter != 0 {
					pos++
					for c.flags(pos)&flagLetter != 0 {
						pos++
					}
					c.add(pos)
					continue
				}
			}
			// \p{N}{1,digits}
			if f&flagNumber != 0 {
				start := pos
				for c.flags(pos)&flagNumber != 0 {
					pos++
					if pos-start >= digits {
						c.add(pos)
						start = pos
					}
				}
				c.add(pos)
				continue
			}
			// <space>?[^\s\p{L}\p{N}]+[\r\n]*
			f2 := f
			if r == ' ' {
				f2 = c.flags(pos + 1)
			}
			if f2&flagsLetterNumberSpace == 0 && f != 0 {
				if r == ' ' {
					pos++
				}
				for f2&flagsLetterNumberSpace == 0 && f2 != 0 {
					pos++
					f2 = c.flags(pos)
				}
				for r2 := c.cpt(pos); r2 == '\r' || r2 == '\n'; r2 = c.cpt(pos) {
					pos++
				}
				c.add(pos)
				continue
			}
			ws, lastCRLF := 0, 0
			for c.flags(pos+ws)&flagWhitespace != 0 {
				if r2 := c.cpt(pos + ws); r2 == '\r' || r2 == '\n' {
					lastCRLF = pos + ws + 1
				}
				ws++
			}
			if lastCRLF > 0 { // \s*[\r\n]+
				pos = lastCRLF
				c.add(pos)
				continue
			}
			if ws > 1 && c.cpt(pos+ws) != outOfRange { // \s+(?!\S)
				pos += ws - 1
				c.add(pos)
				continue
			}
			if ws > 0 { // \s+
				pos += ws
				c.add(pos)
				continue
			}
			pos++
			c.add(pos)
		}
		return c.lengths
	}
}
