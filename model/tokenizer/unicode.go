package tokenizer

import "sort"

//go:generate go run gen_unicode.go $GOMODCACHE/github.com/ollama/ollama@v0.6.5/llama/llama.cpp/src/unicode-data.cpp

// Code point category flags, as llama.cpp's unicode_cpt_flags.
const (
	flagUndefined   = 0x0001
	flagNumber      = 0x0002 // \p{N}
	flagLetter      = 0x0004 // \p{L}
	flagSeparator   = 0x0008 // \p{Z}
	flagAccentMark  = 0x0010 // \p{M}
	flagPunctuation = 0x0020 // \p{P}
	flagSymbol      = 0x0040 // \p{S}
	flagControl     = 0x0080 // \p{C}
	flagCategories  = 0x00FF
	flagWhitespace  = 0x0100 // \s
)

// outOfRange stands for a position past the end of a piece; its flags are 0.
const outOfRange = -1

type cptRange struct {
	start uint32
	flags uint16
}

var whitespaceSet = func() map[rune]bool {
	m := make(map[rune]bool, len(cptWhitespace))
	for _, r := range cptWhitespace {
		m[r] = true
	}
	return m
}()

// asciiFlags caches the flags of the first 128 code points, the common case.
var asciiFlags = func() (t [128]uint16) {
	for r := range t {
		t[r] = lookupFlags(rune(r))
	}
	return t
}()

func lookupFlags(r rune) uint16 {
	if r < 0 || r >= 0x110000 {
		return flagUndefined
	}
	i := sort.Search(len(cptRanges), func(i int) bool { return cptRanges[i].start > uint32(r) }) - 1
	f := cptRanges[i].flags
	if whitespaceSet[r] {
		f |= flagWhitespace
	}
	return f
}

// cptFlags returns llama.cpp's flags for code point r.
func cptFlags(r rune) uint16 {
	if r >= 0 && r < 128 {
		return asciiFlags[r]
	}
	return lookupFlags(r)
}

// utf8Len is llama.cpp's unicode_len_utf8: the sequence length announced by a lead byte.
func utf8Len(b byte) int {
	return [16]int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4}[b>>4]
}

// codepoints decodes s as llama.cpp's unicode_cpts_from_utf8 does: it accepts overlong forms
// and surrogates, and turns each byte it cannot decode into U+FFFD.
func codepoints(s string) []rune {
	out := make([]rune, 0, len(s))
	for i := 0; i < len(s); {
		r, n := decodeCpt(s, i)
		if n == 0 {
			out = append(out, 0xFFFD)
			i++
			continue
		}
		out = append(out, r)
		i += n
	}
	return out
}

func decodeCpt(s string, i int) (rune, int) {
	c := s[i]
	cont := func(k int) bool { return i+k < len(s) && s[i+k]&0xC0 == 0x80 }
	switch {
	case c&0x80 == 0:
		return rune(c), 1
	case c&0x40 == 0:
		return 0, 0
	case c&0x20 == 0:
		if !cont(1) {
			return 0, 0
		}
		return rune(c&0x1F)<<6 | rune(s[i+1]&0x3F), 2
	case c&0x10 == 0:
		if !cont(1) || !cont(2) {
			return 0, 0
		}
		return rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F), 3
	case c&0x08 == 0:
		if !cont(1) || !cont(2) || !cont(3) {
			return 0, 0
		}
		return rune(c&0x07)<<18 | rune(s[i+1]&0x3F)<<12 | rune(s[i+2]&0x3F)<<6 | rune(s[i+3]&0x3F), 4
	}
	return 0, 0
}

// appendCpt appends the UTF-8 form of r as llama.cpp's unicode_cpt_to_utf8 writes it
// (surrogates included); code points past U+10FFFF become U+FFFD.
func appendCpt(b []byte, r rune) []byte {
	switch {
	case r < 0:
		return appendCpt(b, 0xFFFD)
	case r <= 0x7F:
		return append(b, byte(r))
	case r <= 0x7FF:
		return append(b, 0xC0|byte(r>>6), 0x80|byte(r&0x3F))
	case r <= 0xFFFF:
		return append(b, 0xE0|byte(r>>12), 0x80|byte(r>>6&0x3F), 0x80|byte(r&0x3F))
	case r <= 0x10FFFF:
		return append(b, 0xF0|byte(r>>18), 0x80|byte(r>>12&0x3F), 0x80|byte(r>>6&0x3F), 0x80|byte(r&0x3F))
	}
	return appendCpt(b, 0xFFFD)
}
