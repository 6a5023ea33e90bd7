package tokenizer

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// TinyCorpus is a small English and Chinese text for building test vocabularies.
var TinyCorpus = []string{
	"Once upon a time there was a little girl named Lily. She liked to play in the park with her friend Tom.",
	"The company keeps its documents in one place, and every answer cites the document it comes from.",
	"从前有一个小女孩，她喜欢在公园里和朋友一起玩。",
	"公司的文档放在一个地方，每个回答都要引用来源文档。",
	"Tutor 学习公司的说话方式 and looks things up in the documents 文档.",
	"Hello, world! 你好，世界！ 1234567890 ... don't stop; it's fine.",
}

// TinySPM trains a SentencePiece-style vocabulary ("llama") of about size tokens on corpus
// (TinyCorpus when nil): <unk>, <s>, </s>, the given special tokens as control tokens, all 256
// byte-fallback tokens <0xXX>, every character of the corpus (so Chinese characters are
// pieces) and the most frequent merges, scored so earlier merges win. llama.cpp and Ollama
// load it as they load a Llama 2 vocabulary.
func TinySPM(corpus []string, size int, specials ...string) Vocab {
	if corpus == nil {
		corpus = TinyCorpus
	}
	v := Defaults(ModelSPM, "default")
	add := func(s string, typ int32, score float32) {
		v.Tokens = append(v.Tokens, s)
		v.Types = append(v.Types, typ)
		v.Scores = append(v.Scores, score)
	}
	add("<unk>", TypeUnknown, 0)
	add("<s>", TypeControl, 0)
	add("</s>", TypeControl, 0)
	for _, s := range specials {
		add(s, TypeControl, 0)
	}
	for b := range 256 {
		add(fmt.Sprintf("<0x%02X>", b), TypeByte, 0)
	}
	var words [][]string
	for _, line := range corpus {
		for _, w := range strings.SplitAfter(" "+line, " ") {
			w = strings.TrimSuffix(w, " ")
			if w == "" {
				continue
			}
			var syms []string
			for _, r := range "\u2581" + w {
				syms = append(syms, string(r))
			}
			words = append(words, syms)
		}
	}
	chars := map[string]bool{}
	for _, w := range words {
		for _, s := range w {
			chars[s] = true
		}
	}
	merges := trainMerges(words, max(0, size-len(v.Tokens)-len(chars)))
	for i, m := range merges {
		add(m.left+m.right, TypeNormal, -float32(i))
	}
	for i, c := range slices.Sorted(maps.Keys(chars)) {
		add(c, TypeNormal, -float32(len(merges)+i))
	}
	return dedupe(v)
}

// TinyBPE trains a byte-level BPE vocabulary ("gpt2", pre-tokenizer "qwen2") of about size
// tokens on corpus (TinyCorpus when nil), like Qwen2's: the 256 byte characters, merges of
// frequent pairs within pre-tokenized words (Chinese characters among them), then
// <|endoftext|> (BOS and EOS) and the given special tokens as control tokens.
func TinyBPE(corpus []string, size int, specials ...string) Vocab {
	if corpus == nil {
		corpus = TinyCorpus
	}
	v := Defaults(ModelBPE, "qwen2")
	for b := range 256 {
		v.Tokens = append(v.Tokens, byteChar[b])
	}
	split, _, _ := preTokenizer(v.Pre)
	t := &Tokenizer{split: split}
	var words [][]string
	for _, line := range corpus {
		for _, w := range t.pretokenize(line) {
			var syms []string
			for _, r := range w {
				syms = append(syms, string(r))
			}
			words = append(words, syms)
		}
	}
	for _, m := range trainMerges(words, max(0, size-len(v.Tokens)-1-len(specials))) {
		v.Merges = append(v.Merges, m.left+" "+m.right)
		v.Tokens = append(v.Tokens, m.left+m.right)
	}
	return finishBPE(v, specials)
}

// finishBPE completes a byte-level BPE vocabulary whose Tokens are the byte characters and
// the merges: every token normal, then <|endoftext|> (BOS and EOS) and the special tokens as
// control tokens; texts made unique.
func finishBPE(v Vocab, specials []string) Vocab {
	v.Types = make([]int32, len(v.Tokens))
	for i := range v.Types {
		v.Types[i] = TypeNormal
	}
	v.BOS, v.EOS = len(v.Tokens), len(v.Tokens)
	for _, s := range append([]string{"<|endoftext|>"}, specials...) {
		v.Tokens = append(v.Tokens, s)
		v.Types = append(v.Types, TypeControl)
	}
	return dedupe(v)
}

// trainMerges learns up to n merges over words, most frequent pair first (ties: the pair
// that sorts first), merging within words only.
func trainMerges(words [][]string, n int) []mergePair {
	var merges []mergePair
	for len(merges) < n {
		counts := map[mergePair]int{}
		for _, w := range words {
			for i := 1; i < len(w); i++ {
				counts[mergePair{w[i-1], w[i]}]++
			}
		}
		var best mergePair
		bestN := 0
		for p, c := range counts {
			if c > bestN || c == bestN && (p.left < best.left || p.left == best.left && p.right < best.right) {
				best, bestN = p, c
			}
		}
		if bestN == 0 {
			break
		}
		merges = append(merges, best)
		for k, w := range words {
			var out []string
			for i := 0; i < len(w); i++ {
				if i+1 < len(w) && w[i] == best.left && w[i+1] == best.right {
					out = append(out, best.left+best.right)
					i++
					continue
				}
				out = append(out, w[i])
			}
			words[k] = out
		}
	}
	return merges
}

// dedupe drops tokens whose text already appeared, keeping ids dense and texts unique.
func dedupe(v Vocab) Vocab {
	seen := map[string]bool{}
	out := v
	out.Tokens, out.Types, out.Scores = nil, nil, nil
	remap := map[int]int{}
	for i, s := range v.Tokens {
		if seen[s] {
			continue
		}
		seen[s] = true
		remap[i] = len(out.Tokens)
		out.Tokens = append(out.Tokens, s)
		out.Types = append(out.Types, v.Types[i])
		if v.Scores != nil {
			out.Scores = append(out.Scores, v.Scores[i])
		}
	}
	for _, p := range []*int{&out.BOS, &out.EOS, &out.UNK} {
		if *p >= 0 {
			*p = remap[*p]
		}
	}
	return out
}
