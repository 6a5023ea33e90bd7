package tokenizer

import (
	"fmt"

	"tutor"
)

// Token types, as stored in the GGUF key tokenizer.ggml.token_type.
const (
	TypeUndefined   = 0
	TypeNormal      = 1
	TypeUnknown     = 2
	TypeControl     = 3
	TypeUserDefined = 4
	TypeUnused      = 5
	TypeByte        = 6
)

// Tokenizer models, as stored in the GGUF key tokenizer.ggml.model.
const (
	ModelSPM = "llama" // SentencePiece-style BPE over scores, with byte fallback
	ModelBPE = "gpt2"  // byte-level BPE over merge ranks, with a pre-tokenizer
)

// Limits that keep a hostile vocabulary from exhausting memory.
const (
	MaxTokens      = 1 << 20
	MaxTokenLength = 1 << 16
)

// Vocab is a tokenizer's data exactly as the GGUF keys tokenizer.ggml.* hold it, so an engine
// can fill it from metadata. Start from [Defaults] and overwrite the fields whose keys exist:
// llama.cpp assumes defaults for missing keys, and they differ by model and pre-tokenizer.
type Vocab struct {
	Model  string    // tokenizer.ggml.model: "llama" or "gpt2"
	Pre    string    // tokenizer.ggml.pre: pre-tokenizer of a gpt2 model ("default", "llama-bpe", "qwen2", "smollm", ...)
	Tokens []string  // tokenizer.ggml.tokens
	Scores []float32 // tokenizer.ggml.scores (nil: all 0)
	Types  []int32   // tokenizer.ggml.token_type (nil: all normal)
	Merges []string  // tokenizer.ggml.merges: "left right", highest priority first

	BOS int // tokenizer.ggml.bos_token_id, -1 if none
	EOS int // tokenizer.ggml.eos_token_id, -1 if none
	UNK int // tokenizer.ggml.unknown_token_id, -1 if none
	PAD int // tokenizer.ggml.padding_token_id, -1 if none
	EOT int // tokenizer.ggml.eot_token_id, -1 if none (found by text when absent)
	EOM int // tokenizer.ggml.eom_token_id, -1 if none (found by text when absent)

	AddBOS         bool // tokenizer.ggml.add_bos_token
	AddEOS         bool // tokenizer.ggml.add_eos_token
	AddSpacePrefix bool // tokenizer.ggml.add_space_prefix (llama only)
}

// Defaults returns the vocabulary settings llama.cpp assumes when the GGUF keys for special
// token ids and flags are missing, for tokenizer model and pre-tokenizer pre.
func Defaults(model, pre string) Vocab {
	v := Vocab{Model: model, Pre: pre, BOS: -1, EOS: -1, UNK: -1, PAD: -1, EOT: -1, EOM: -1}
	switch model {
	case ModelSPM:
		v.BOS, v.EOS, v.UNK = 1, 2, 0
		v.AddBOS, v.AddSpacePrefix = true, true
	case ModelBPE:
		v.BOS, v.EOS = 11, 11
		switch pre {
		case "llama3", "llama-v3", "llama-bpe", "falcon3", "tekken", "chameleon":
			v.AddBOS = true
		case "chatglm-bpe":
			v.BOS = -1
		}
	}
	return v
}

// validate checks v's shape and ids, naming the first problem.
func (v *Vocab) validate() error {
	if v.Model != ModelSPM && v.Model != ModelBPE {
		return tutor.Errorf(tutor.EUNSUPPORTED, "tokenizer model %q: want %q or %q", v.Model, ModelSPM, ModelBPE)
	}
	n := len(v.Tokens)
	if n == 0 {
		return tutor.Errorf(tutor.EINVALID, "tokenizer: no tokens")
	}
	if n > MaxTokens {
		return tutor.Errorf(tutor.ETOOLARGE, "tokenizer: %d tokens, more than %d", n, MaxTokens)
	}
	if v.Scores != nil && len(v.Scores) != n {
		return tutor.Errorf(tutor.EINVALID, "tokenizer: %d scores for %d tokens", len(v.Scores), n)
	}
	if v.Types != nil && len(v.Types) != n {
		return tutor.Errorf(tutor.EINVALID, "tokenizer: %d token types for %d tokens", len(v.Types), n)
	}
	for i, t := range v.Tokens {
		if len(t) > MaxTokenLength {
			return tutor.Errorf(tutor.ETOOLARGE, "tokenizer: token %d is %d bytes long, more than %d", i, len(t), MaxTokenLength)
		}
	}
	if len(v.Merges) > MaxTokens {
		return tutor.Errorf(tutor.ETOOLARGE, "tokenizer: %d merges, more than %d", len(v.Merges), MaxTokens)
	}
	for _, id := range []struct {
		name string
		id   int
	}{{"BOS", v.BOS}, {"EOS", v.EOS}, {"UNK", v.UNK}, {"PAD", v.PAD}, {"EOT", v.EOT}, {"EOM", v.EOM}} {
		if id.id < -1 || id.id >= n {
			return tutor.Errorf(tutor.EINVALID, "tokenizer: %s token id %d is outside the vocabulary of %d", id.name, id.id, n)
		}
	}
	if v.AddBOS && v.BOS < 0 {
		return tutor.Errorf(tutor.EINVALID, "tokenizer: add_bos_token is set but there is no BOS token")
	}
	if v.AddEOS && v.EOS < 0 {
		return tutor.Errorf(tutor.EINVALID, "tokenizer: add_eos_token is set but there is no EOS token")
	}
	return nil
}

// String describes v briefly, for logs.
func (v Vocab) String() string {
	return fmt.Sprintf("%s/%s vocabulary of %d tokens, %d merges", v.Model, v.Pre, len(v.Tokens), len(v.Merges))
}

// SpecialID applies llama.cpp's rule for a special token id read from GGUF metadata: an id
// outside a vocabulary of n tokens (files write 4294967295 for "none") keeps the default def.
func SpecialID(raw uint64, def, n int) int {
	if raw >= uint64(n) {
		return def
	}
	return int(raw)
}
