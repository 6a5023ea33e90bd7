package tokenizer

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"tutor"
)

// MaxTokenizerJSON is the largest tokenizer.json read (Llama 3's is about 9 MB).
const MaxTokenizerJSON = 128 << 20

// hfTokenizer is the part of a Hugging Face tokenizer.json that BPE models use.
type hfTokenizer struct {
	AddedTokens []struct {
		ID      int    `json:"id"`
		Content string `json:"content"`
		Special bool   `json:"special"`
	} `json:"added_tokens"`
	Normalizer    *hfStep `json:"normalizer"`
	PreTokenizer  *hfStep `json:"pre_tokenizer"`
	PostProcessor *hfStep `json:"post_processor"`
	Decoder       *hfStep `json:"decoder"`
	Model         struct {
		Type         string          `json:"type"`
		Vocab        map[string]int  `json:"vocab"`
		Merges       json.RawMessage `json:"merges"`
		UnkToken     *string         `json:"unk_token"`
		ByteFallback bool            `json:"byte_fallback"`
	} `json:"model"`
}

// hfStep is a normalizer, pre-tokenizer, post-processor or decoder, possibly a Sequence.
type hfStep struct {
	Type    string `json:"type"`
	Pattern struct {
		String *string `json:"String"`
		Regex  *string `json:"Regex"`
	} `json:"pattern"`
	Content        string    `json:"content"`
	Prepend        string    `json:"prepend"`
	Replacement    string    `json:"replacement"`
	PrependScheme  string    `json:"prepend_scheme"`
	AddPrefixSpace *bool     `json:"add_prefix_space"`
	Individual     bool      `json:"individual_digits"`
	Steps          []*hfStep `json:"normalizers"`
	PreTokenizers  []*hfStep `json:"pretokenizers"`
	Decoders       []*hfStep `json:"decoders"`
	Processors     []*hfStep `json:"processors"`
	Single         []hfPiece `json:"single"`
}

// hfPiece is one item of a TemplateProcessing template.
type hfPiece struct {
	SpecialToken *struct {
		ID string `json:"id"`
	} `json:"SpecialToken"`
	Sequence *struct {
		ID string `json:"id"`
	} `json:"Sequence"`
}

// walk calls f on s and every step nested in it.
func (s *hfStep) walk(f func(*hfStep)) {
	if s == nil {
		return
	}
	f(s)
	for _, list := range [][]*hfStep{s.Steps, s.PreTokenizers, s.Decoders, s.Processors} {
		for _, c := range list {
			c.walk(f)
		}
	}
}

// FromTokenizerJSON reads a Hugging Face tokenizer.json of a BPE model and returns its
// tokenizer. See [ParseTokenizerJSON].
func FromTokenizerJSON(r io.Reader) (*Tokenizer, error) {
	v, err := ParseTokenizerJSON(r)
	if err != nil {
		return nil, err
	}
	return New(v)
}

// ParseTokenizerJSON reads a Hugging Face tokenizer.json of a BPE model into a Vocab:
// byte-level models (GPT-2, Llama 3, Qwen2, SmolLM) become "gpt2" with their merges and the
// pre-tokenizer recognised from its Split regex; SentencePiece-style models with byte fallback
// (Llama 2, Mistral, TinyLlama) become "llama", each merged piece scored by its merge rank so
// earlier merges win. Added tokens become control (special) or user-defined tokens. BOS and
// EOS come from the post-processor's template or well-known token texts; [ApplyTokenizerConfig]
// refines them from tokenizer_config.json.
func ParseTokenizerJSON(r io.Reader) (Vocab, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxTokenizerJSON+1))
	if err != nil {
		return Vocab{}, tutor.Wrap(err, tutor.EINVALID, "tokenizer.json: read")
	}
	if len(data) > MaxTokenizerJSON {
		return Vocab{}, tutor.Errorf(tutor.ETOOLARGE, "tokenizer.json is larger than %d bytes", MaxTokenizerJSON)
	}
	var hf hfTokenizer
	if err := json.Unmarshal(data, &hf); err != nil {
		return Vocab{}, tutor.Errorf(tutor.EINVALID, "tokenizer.json: %v", err)
	}
	if hf.Model.Type != "BPE" {
		return Vocab{}, tutor.Errorf(tutor.EUNSUPPORTED, "tokenizer.json: model type %q: only BPE is supported", hf.Model.Type)
	}
	merges, err := hfMerges(hf.Model.Merges)
	if err != nil {
		return Vocab{}, err
	}
	spm := hf.Model.ByteFallback || hfMetaspace(&hf)
	v := Defaults(ModelBPE, "")
	if spm {
		v = Defaults(ModelSPM, "default")
		v.AddSpacePrefix = hfPrefixSpace(&hf)
	} else if v.Pre, err = hfPre(hf.PreTokenizer); err != nil {
		return Vocab{}, err
	}
	v.BOS, v.EOS, v.UNK = -1, -1, -1
	if err := hfTokens(&hf, &v); err != nil {
		return Vocab{}, err
	}
	if spm {
		v.Scores = spmScores(v.Tokens, merges)
	} else {
		v.Merges = merges
	}
	hfSpecials(&hf, &v)
	return v, nil
}

// hfMerges reads merges written as "a b" strings or as ["a", "b"] pairs.
func hfMerges(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var s []string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var pairs [][]string
	if err := json.Unmarshal(raw, &pairs); err != nil {
		return nil, tutor.Errorf(tutor.EINVALID, "tokenizer.json: merges are neither strings nor pairs")
	}
	s = make([]string, len(pairs))
	for i, p := range pairs {
		if len(p) != 2 {
			return nil, tutor.Errorf(tutor.EINVALID, "tokenizer.json: merge %d has %d parts, want 2", i, len(p))
		}
		s[i] = p[0] + " " + p[1]
	}
	return s, nil
}

var byteToken = regexp.MustCompile(`^<0x[0-9A-Fa-f]{2}>$`)

// hfTokens fills v.Tokens and v.Types from the vocabulary and the added tokens; ids missing
// in between become unused [PADn] tokens, as llama.cpp's converter writes them.
func hfTokens(hf *hfTokenizer, v *Vocab) error {
	n := 0
	for _, id := range hf.Model.Vocab {
		n = max(n, id+1)
	}
	for _, t := range hf.AddedTokens {
		n = max(n, t.ID+1)
	}
	if n > MaxTokens {
		return tutor.Errorf(tutor.ETOOLARGE, "tokenizer.json: token id %d is over the limit of %d", n-1, MaxTokens)
	}
	v.Tokens, v.Types = make([]string, n), make([]int32, n)
	set := make([]bool, n)
	put := func(id int, text string, typ int32) error {
		if id < 0 {
			return tutor.Errorf(tutor.EINVALID, "tokenizer.json: token %q has negative id %d", text, id)
		}
		v.Tokens[id], v.Types[id], set[id] = text, typ, true
		return nil
	}
	for text, id := range hf.Model.Vocab {
		typ := int32(TypeNormal)
		if v.Model == ModelSPM && byteToken.MatchString(text) {
			typ = TypeByte
		}
		if err := put(id, text, typ); err != nil {
			return err
		}
	}
	for _, t := range hf.AddedTokens {
		typ := int32(TypeUserDefined)
		if t.Special {
			typ = TypeControl
		}
		if err := put(t.ID, t.Content, typ); err != nil {
			return err
		}
	}
	for id := range set {
		if !set[id] {
			v.Tokens[id], v.Types[id] = fmt.Sprintf("[PAD%d]", id), TypeUnused
		}
	}
	if unk := hf.Model.UnkToken; unk != nil {
		for id, s := range v.Tokens {
			if s == *unk {
				v.UNK, v.Types[id] = id, TypeUnknown
			}
		}
	}
	return nil
}

// spmScores scores each token made by a merge with minus the merge's rank, and every other
// token below all of them, so llama.cpp's score-driven merging follows the merge order.
func spmScores(tokens []string, merges []string) []float32 {
	rank := make(map[string]int, len(merges))
	for i, m := range merges {
		if j := strings.IndexByte(m, ' '); j > 0 {
			if _, ok := rank[m[:j]+m[j+1:]]; !ok {
				rank[m[:j]+m[j+1:]] = i
			}
		}
	}
	scores := make([]float32, len(tokens))
	for id, s := range tokens {
		scores[id] = -float32(len(merges))
		if r, ok := rank[s]; ok {
			scores[id] = -float32(r)
		}
	}
	return scores
}
