// Package tokenizer turns text into token ids and back exactly as llama.cpp (and so Ollama)
// does: SentencePiece-style BPE ("llama") and byte-level BPE ("gpt2") with the pre-tokenizer
// of each model family, special tokens, and vocabularies from GGUF metadata or tokenizer.json.
package tokenizer

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// Token attributes, as llama.cpp's llama_token_attr.
const (
	attrUnknown     = 1 << 0
	attrUnused      = 1 << 1
	attrNormal      = 1 << 2
	attrControl     = 1 << 3
	attrUserDefined = 1 << 4
	attrByte        = 1 << 5
)

// Tokenizer encodes and decodes text for one vocabulary. It is safe for concurrent use.
type Tokenizer struct {
	v       Vocab
	spm     bool
	texts   []string       // token texts, empty ones renamed as llama.cpp does
	ids     map[string]int // text → id; a later duplicate wins
	attrs   []uint16
	special []int // control, user-defined and unknown tokens, longest text first
	eog     map[int]bool
	pieces  []string // the text of each token when rendered with specials

	byteTok [256]int // SentencePiece byte-fallback tokens, -1 if none
	ranks   map[mergePair]int
	split   []splitFunc
	ignore  bool // a whole pre-tokenized word found in the vocabulary skips merging
}

// New checks v and returns its tokenizer. Errors name what is wrong with the vocabulary.
func New(v Vocab) (*Tokenizer, error) {
	if err := v.validate(); err != nil {
		return nil, err
	}
	t := &Tokenizer{v: v, spm: v.Model == ModelSPM, ids: make(map[string]int, len(v.Tokens))}
	if !t.spm {
		split, ignore, err := preTokenizer(v.Pre)
		if err != nil {
			return nil, err
		}
		t.split, t.ignore = split, ignore
		t.ranks = parseMerges(v.Merges)
	}
	t.texts = make([]string, len(v.Tokens))
	t.attrs = make([]uint16, len(v.Tokens))
	for i, s := range v.Tokens {
		if s == "" {
			s = "[EMPTY_" + strconv.Itoa(i) + "]"
		}
		t.texts[i] = s
		t.ids[s] = i
		t.attrs[i] = attrNormal
		if v.Types != nil {
			t.attrs[i] = typeAttr(v.Types[i])
		}
	}
	t.findSpecial()
	for b := range t.byteTok {
		t.byteTok[b] = t.lookupByte(byte(b))
	}
	t.pieces = make([]string, len(t.texts))
	for id := range t.texts {
		t.pieces[id] = t.piece(id)
	}
	return t, nil
}

func typeAttr(typ int32) uint16 {
	switch typ {
	case TypeUnknown:
		return attrUnknown
	case TypeUnused:
		return attrUnused
	case TypeNormal:
		return attrNormal
	case TypeControl:
		return attrControl
	case TypeUserDefined:
		return attrUserDefined
	case TypeByte:
		return attrByte
	}
	return 0
}

// Texts that mark end-of-turn and fill-in-the-middle tokens, which llama.cpp finds by text.
var (
	eotTexts    = []string{"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<EOT>", "<｜end▁of▁sentence｜>"}
	eogTexts    = []string{"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>"}
	fimTexts    = []string{"<|fim_prefix|>", "<fim-prefix>", "<｜fim▁begin｜>", "<PRE>", "<|fim_suffix|>", "<fim-suffix>", "<｜fim▁hole｜>", "<SUF>", "<|fim_middle|>", "<fim-middle>", "<｜fim▁end｜>", "<MID>"}
	fimEOGTexts = [][]string{{"<|fim_pad|>", "<fim-pad>", "<PAD>"}, {"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>"}, {"<|file_sep|>"}}
)

// findSpecial sets the end-of-generation set and the special-token list as llama.cpp's
// vocabulary loader does, marking control-looking tokens as control.
func (t *Tokenizer) findSpecial() {
	control := func(text string) int {
		id, ok := t.ids[text]
		if ok {
			t.attrs[id] |= attrControl
			return id
		}
		return -1
	}
	first := func(texts []string) int {
		best := -1
		for _, s := range texts {
			if id := control(s); id >= 0 && (best < 0 || id < best) {
				best = id
			}
		}
		return best
	}
	if t.v.EOT < 0 {
		t.v.EOT = first(eotTexts)
	}
	if t.v.EOM < 0 {
		t.v.EOM = first([]string{"<|eom_id|>"})
	}
	first(fimTexts)
	t.eog = map[int]bool{}
	for _, texts := range fimEOGTexts {
		if id := first(texts); id >= 0 {
			t.eog[id] = true
		}
	}
	for _, s := range eogTexts {
		if id := control(s); id >= 0 {
			t.eog[id] = true
		}
	}
	for _, id := range []int{t.v.EOS, t.v.EOT, t.v.EOM} {
		if id >= 0 {
			t.eog[id] = true
		}
	}
	for id, a := range t.attrs {
		if a&(attrControl|attrUserDefined|attrUnknown) != 0 {
			t.special = append(t.special, id)
		}
	}
	slices.SortStableFunc(t.special, func(a, b int) int { return cmp.Compare(len(t.texts[b]), len(t.texts[a])) })
}

// lookupByte returns the SentencePiece token for byte b: <0xXX>, else the byte itself.
func (t *Tokenizer) lookupByte(b byte) int {
	if id, ok := t.ids[fmt.Sprintf("<0x%02X>", b)]; ok {
		return id
	}
	if id, ok := t.ids[string([]byte{b})]; ok {
		return id
	}
	return -1
}

// Vocab returns the vocabulary the tokenizer was made from, with EOT and EOM as found.
func (t *Tokenizer) Vocab() Vocab { return t.v }

// VocabSize returns the number of tokens.
func (t *Tokenizer) VocabSize() int { return len(t.texts) }

// TokenText returns the vocabulary text of token id ("▁the", "<0x0A>", "<|im_end|>"), or ""
// for an id outside the vocabulary.
func (t *Tokenizer) TokenText(id int) string {
	if id < 0 || id >= len(t.texts) {
		return ""
	}
	return t.texts[id]
}

// TokenID returns the id of the token whose vocabulary text is s.
func (t *Tokenizer) TokenID(s string) (int, bool) {
	id, ok := t.ids[s]
	return id, ok
}

// BOS returns the beginning-of-sequence token id, or -1.
func (t *Tokenizer) BOS() int { return t.v.BOS }

// EOS returns the end-of-sequence token id, or -1.
func (t *Tokenizer) EOS() int { return t.v.EOS }

// IsEOG reports whether id ends generation: EOS, EOT, EOM and the end-of-turn tokens that
// llama.cpp recognises by text (<|im_end|>, <|eot_id|>, <|endoftext|>, ...).
func (t *Tokenizer) IsEOG(id int) bool { return t.eog[id] }

// IsControl reports whether id is a control token (BOS, EOS, <|im_start|>, ...).
func (t *Tokenizer) IsControl(id int) bool {
	return id >= 0 && id < len(t.attrs) && t.attrs[id]&attrControl != 0
}
