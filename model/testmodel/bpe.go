package testmodel

import (
	"sort"
	"strings"
)

// learnMerges runs byte-pair-encoding training on words (each a sequence of symbols) and
// returns up to n merges, most frequent first, ties broken by text so the result is
// deterministic.
func learnMerges(words [][]string, n int) [][2]string {
	var merges [][2]string
	for len(merges) < n {
		counts := map[[2]string]int{}
		for _, w := range words {
			for i := 0; i+1 < len(w); i++ {
				counts[[2]string{w[i], w[i+1]}]++
			}
		}
		if len(counts) == 0 {
			break
		}
		pairs := make([][2]string, 0, len(counts))
		for p := range counts {
			pairs = append(pairs, p)
		}
		sort.Slice(pairs, func(i, j int) bool {
			a, b := pairs[i], pairs[j]
			if counts[a] != counts[b] {
				return counts[a] > counts[b]
			}
			return a[0]+" "+a[1] < b[0]+" "+b[1]
		})
		best := pairs[0]
		if counts[best] < 1 {
			break
		}
		merges = append(merges, best)
		for wi, w := range words {
			var out []string
			for i := 0; i < len(w); i++ {
				if i+1 < len(w) && w[i] == best[0] && w[i+1] == best[1] {
					out = append(out, w[i]+w[i+1])
					i++
				} else {
					out = append(out, w[i])
				}
			}
			words[wi] = out
		}
	}
	return merges
}

// spmWords splits the corpus SentencePiece-style: spaces become ▁ and start each word;
// every rune is a symbol.
func spmWords() [][]string {
	var words [][]string
	for _, line := range corpus {
		for _, w := range strings.Fields(line) {
			syms := []string{"▁"}
			for _, r := range w {
				syms = append(syms, string(r))
			}
			words = append(words, syms)
		}
	}
	return words
}

// byteLevel maps bytes to the printable runes GPT-2's byte-level BPE writes them as.
var byteLevel = func() [256]rune {
	var m [256]rune
	n := 0
	for b := range 256 {
		switch {
		case b >= '!' && b <= '~', b >= 0xA1 && b <= 0xAC, b >= 0xAE && b <= 0xFF:
			m[b] = rune(b)
		default:
			m[b] = rune(256 + n)
			n++
		}
	}
	return m
}()

// bpeWords splits the corpus roughly as the qwen2 pre-tokenizer does (a word keeps its
// leading space; each CJK character stands alone) and writes each word's bytes byte-level.
func bpeWords() [][]string {
	var words [][]string
	for _, line := range corpus {
		for i, w := range strings.Fields(line) {
			if i > 0 {
				w = " " + w
			}
			var cur []string
			flush := func() {
				if len(cur) > 0 {
					words = append(words, cur)
					cur = nil
				}
			}
			for _, r := range w {
				if r >= 0x3000 {
					flush()
				}
				for _, b := range []byte(string(r)) {
					cur = append(cur, string(byteLevel[b]))
				}
				if r >= 0x3000 {
					flush()
				}
			}
			flush()
		}
	}
	return words
}
