package tokenizer

import "tutor"

// splitFunc appends to lengths the lengths, in code points, of the pieces cpts[ini:end] splits
// into. Pre-tokenizers run a list of them, each over the pieces of the one before.
type splitFunc func(cpts []rune, ini, end int, lengths []int) []int

// preTokenizer returns the splitters llama.cpp uses for tokenizer.ggml.pre and whether whole
// words found in the vocabulary skip merging. Unknown names get the default, as in llama.cpp.
func preTokenizer(pre string) ([]splitFunc, bool, error) {
	switch pre {
	case "llama3", "llama-v3", "llama-bpe", "falcon3":
		return []splitFunc{splitLlama3(3)}, true, nil
	case "dbrx", "smaug-bpe", "chatglm-bpe":
		return []splitFunc{splitLlama3(3)}, false, nil
	case "qwen2", "deepseek-r1-qwen", "megrez", "stablelm2":
		// llama.cpp runs this regex through std::regex; with \p{N} taking one digit it matches
		// the same pieces as the llama3 splitter does.
		return []splitFunc{splitLlama3(1)}, false, nil
	case "gpt-2", "phi-2", "roberta-bpe", "mpt", "olmo", "jais", "gigachat",
		"jina-es", "jina-de", "jina-v1-en", "jina-v2-es", "jina-v2-de", "jina-v2-code":
		return []splitFunc{splitGPT2}, false, nil
	case "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b":
		return []splitFunc{matchSplit(matchDigit), splitGPT2}, false, nil
	case "falcon":
		return []splitFunc{matchSplit(matchPunctRun(true)), splitGPT2, matchSplit(matchThreeDigits)}, false, nil
	case "deepseek-llm", "deepseek-coder", "deepseek-v3", "poro-chat", "bloom", "gpt3-finnish",
		"viking", "tekken", "chameleon", "gpt-4o":
		return nil, false, tutor.Errorf(tutor.EUNSUPPORTED, "tokenizer: pre-tokenizer %q is not supported", pre)
	}
	return []splitFunc{matchSplit(matchPunctRun(false)), splitGPT2, matchSplit(matchDigitRun), matchSplit(matchThreeDigits)}, false, nil
}

// matchSplit turns a matcher into a splitter with std::regex_iterator's behaviour: each match
// is a piece, and the text between matches is a piece too.
func matchSplit(match func(cpts []rune, pos, end int) int) splitFunc {
	return func(cpts []rune, ini, end int, lengths []int) []int {
		gap := ini
		for pos := ini; pos < end; {
			n := match(cpts, pos, end)
			if n == 0 {
				pos++
				continue
			}
			if pos > gap {
				lengths = append(lengths, pos-gap)
			}
			lengths = append(lengths, n)
			pos += n
			gap = pos
		}
		if gap < end {
			lengths = append(lengths, end-gap)
		}
		return lengths
	}
}

// isNumber is \p{N} as llama.cpp's collapsed std::regex sees it.
func isNumber(r rune) bool {
	if r < 128 {
		return r >= '0' && r <= '9'
	}
	f := cptFlags(r)
	return f&flagWhitespace == 0 && f&flagCategories == flagNumber
}

func matchDigit(cpts []rune, pos, end int) int {
	if isNumber(cpts[pos]) {
		return 1
	}
	return 0
}

func matchDigitRun(cpts []rune, pos, end int) int {
	n := 0
	for pos+n < end && isNumber(cpts[pos+n]) {
		n++
	}
	return n
}

// matchThreeDigits is [0-9][0-9][0-9].
func matchThreeDigits(cpts []rune, pos, end int) int {
	if pos+3 > end {
		return 0
	}
	for _, r := range cpts[pos : pos+3] {
		if r < '0' || r > '9' {
			return 0
		}
	}
	return 3
}

// matchPunctRun is [\p{P}\$\+<=>\^~\|]+ (with backtick: falcon's [\p{P}\$\+<=>\^~\|`]+) on
// llama.cpp's collapsed text, where ASCII keeps its own class.
func matchPunctRun(backtick bool) func(cpts []rune, pos, end int) int {
	in := func(r rune) bool {
		if r < 128 {
			switch {
			case r >= '!' && r <= '#', r >= '%' && r <= '*', r >= ',' && r <= '/', r == ':', r == ';',
				r == '?', r == '@', r >= '[' && r <= ']', r == '_', r == '{', r == '}',
				r == '$', r == '+', r >= '<' && r <= '>', r == '^', r == '~', r == '|':
				return true
			}
			return backtick && r == '`'
		}
		f := cptFlags(r)
		return f&flagWhitespace == 0 && f&flagCategories == flagPunctuation
	}
	return func(cpts []rune, pos, end int) int {
		n := 0
		for pos+n < end && in(cpts[pos+n]) {
			n++
		}
		return n
	}
}
