package eval

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// normalize folds width (NFKC), case and spacing, and drops thousands separators between
// digits ("9,870" and "9870" match), so keyword and refusal matching is forgiving.
func normalize(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case unicode.IsSpace(r):
			continue
		case r == ',' && i > 0 && unicode.IsDigit(rs[i-1]) && thousands(rs[i+1:]):
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// thousands reports whether rest starts with exactly three digits: what follows a thousands
// separator.
func thousands(rest []rune) bool {
	if len(rest) < 3 {
		return false
	}
	for _, r := range rest[:3] {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return len(rest) == 3 || !unicode.IsDigit(rest[3])
}

// isCJK reports whether r is written without spaces between words (Han, kana, Hangul), so
// each character counts as one token.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// Tokens splits text for overlap metrics: every CJK character is one token (character level
// for Chinese), runs of other letters and digits are words, lower-cased; punctuation is
// dropped. A decimal point or thousands separator inside a number is kept ("86.4", "9870").
func Tokens(s string) []string {
	s = strings.ToLower(norm.NFKC.String(s))
	var out []string
	var word []rune
	flush := func() {
		if len(word) > 0 {
			out = append(out, string(word))
			word = word[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case isCJK(r):
			flush()
			out = append(out, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word = append(word, r)
		case r == ',' && len(word) > 0 && unicode.IsDigit(word[len(word)-1]) && thousands(rs[i+1:]):
			// a thousands separator: "9,870" is one number
		case r == '.' && len(word) > 0 && unicode.IsDigit(word[len(word)-1]) && i+1 < len(rs) && unicode.IsDigit(rs[i+1]):
			word = append(word, r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// Sentences splits text at sentence ends (. ! ? and their full-width forms, and line
// breaks); a period inside a number does not end a sentence.
func Sentences(s string) []string {
	var out []string
	rs := []rune(s)
	start := 0
	for i, r := range rs {
		end := false
		switch r {
		case '。', '！', '？', '!', '?', '\n', '；', ';':
			end = true
		case '.':
			end = i+1 == len(rs) || unicode.IsSpace(rs[i+1])
		}
		if end {
			if t := strings.TrimSpace(string(rs[start : i+1])); t != "" {
				out = append(out, t)
			}
			start = i + 1
		}
	}
	if t := strings.TrimSpace(string(rs[start:])); t != "" {
		out = append(out, t)
	}
	return out
}
