package rag

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// isCJK reports Han, Hiragana, Katakana and Hangul letters, which are indexed by characters.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// Terms splits text into index terms: English (and other space-separated) words lowercased
// and lightly stemmed, minus stop words; Chinese runs as single characters and overlapping
// character bigrams.
func Terms(text string) []string {
	var out []string
	var word strings.Builder
	var han []rune
	flushWord := func() {
		if word.Len() > 0 {
			if w := stem(word.String()); w != "" && !stopWords[w] {
				out = append(out, w)
			}
			word.Reset()
		}
	}
	flushHan := func() {
		for i, r := range han {
			if !stopHan[r] {
				out = append(out, string(r))
			}
			if i+1 < len(han) {
				out = append(out, string(han[i:i+2]))
			}
		}
		han = han[:0]
	}
	for _, r := range text {
		switch {
		case isCJK(r):
			flushWord()
			han = append(han, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushHan()
			word.WriteRune(unicode.ToLower(r))
		default:
			flushWord()
			flushHan()
		}
	}
	flushWord()
	flushHan()
	return out
}

// stem removes common English inflections so "policies", "policy" and "approved", "approve"
// meet; it is deliberately crude and only touches words of five letters or more.
func stem(w string) string {
	if utf8.RuneCountInString(w) < 5 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ing") && len(w) > 6:
		return w[:len(w)-3]
	case strings.HasSuffix(w, "ed") && len(w) > 5:
		return w[:len(w)-2]
	case strings.HasSuffix(w, "es") && (strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "xes")):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		return w[:len(w)-1]
	}
	return w
}

var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the and or but if of to in on at by for with from as is are was were be been
		being it its this that these those there here what which who whom whose when where why how do does did done
		i me my we our you your he she they them their his her can could should would will shall may might must
		have has had not no yes so than then too very into about over under per also any all each some such
		up out off just only own same other more most much many get got let us`) {
		m[w] = true
	}
	return m
}()

// stopHan are Chinese function characters too common to be worth a posting list alone; they
// still take part in bigrams.
var stopHan = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range "的了是在和与或及我你他她它们这那有就都也要会把被吗呢吧啊个之于以为" {
		m[r] = true
	}
	return m
}()

// countTokens estimates the tokens a model's tokenizer makes of s: one per Chinese
// character, one per short word and one per four letters of a longer one, one per symbol.
func countTokens(s string) int {
	n, wordLen := 0, 0
	flush := func() {
		if wordLen > 0 {
			n += 1 + (wordLen-1)/4
			wordLen = 0
		}
	}
	for _, r := range s {
		switch {
		case isCJK(r):
			flush()
			n++
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			wordLen++
		case unicode.IsSpace(r):
			flush()
		default:
			flush()
			n++
		}
	}
	flush()
	return n
}
