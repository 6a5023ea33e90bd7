package tokenizer

import (
	"tutor"
	"tutor/model/gguf"
)

// VocabFromGGUF reads the tokenizer.ggml.* keys of f into a Vocab, with llama.cpp's defaults
// for the keys that are missing and its rule for ids outside the vocabulary ([SpecialID]).
func VocabFromGGUF(f *gguf.File) (Vocab, error) {
	model, ok := f.String("tokenizer.ggml.model")
	if !ok {
		return Vocab{}, tutor.Errorf(tutor.EINVALID, "gguf: no tokenizer.ggml.model")
	}
	pre, _ := f.String("tokenizer.ggml.pre")
	v := Defaults(model, pre)
	if v.Tokens, ok = f.Strings("tokenizer.ggml.tokens"); !ok {
		return Vocab{}, tutor.Errorf(tutor.EINVALID, "gguf: tokenizer.ggml.tokens is missing or not an array of strings")
	}
	if _, present := f.Get("tokenizer.ggml.scores"); present {
		if v.Scores, ok = f.Float32s("tokenizer.ggml.scores"); !ok {
			return Vocab{}, tutor.Errorf(tutor.EINVALID, "gguf: tokenizer.ggml.scores is not an array of float32")
		}
	}
	if _, present := f.Get("tokenizer.ggml.token_type"); present {
		if v.Types, ok = f.Int32s("tokenizer.ggml.token_type"); !ok {
			return Vocab{}, tutor.Errorf(tutor.EINVALID, "gguf: tokenizer.ggml.token_type is not an array of int32")
		}
	}
	if _, present := f.Get("tokenizer.ggml.merges"); present {
		if v.Merges, ok = f.Strings("tokenizer.ggml.merges"); !ok {
			return Vocab{}, tutor.Errorf(tutor.EINVALID, "gguf: tokenizer.ggml.merges is not an array of strings")
		}
	} else if model == ModelBPE {
		return Vocab{}, tutor.Errorf(tutor.EINVALID, "gguf: a gpt2 tokenizer needs tokenizer.ggml.merges")
	}
	for key, id := range map[string]*int{
		"bos_token_id": &v.BOS, "eos_token_id": &v.EOS, "unknown_token_id": &v.UNK,
		"padding_token_id": &v.PAD, "eot_token_id": &v.EOT, "eom_token_id": &v.EOM,
	} {
		if n, ok := f.Uint("tokenizer.ggml." + key); ok {
			*id = SpecialID(n, *id, len(v.Tokens))
		}
	}
	for key, flag := range map[string]*bool{
		"add_bos_token": &v.AddBOS, "add_eos_token": &v.AddEOS, "add_space_prefix": &v.AddSpacePrefix,
	} {
		if b, ok := f.Bool("tokenizer.ggml." + key); ok {
			*flag = b
		}
	}
	return v, nil
}

// FromGGUF returns the tokenizer of the model file f.
func FromGGUF(f *gguf.File) (*Tokenizer, error) {
	v, err := VocabFromGGUF(f)
	if err != nil {
		return nil, err
	}
	return New(v)
}

// GGUFMetadata returns v as the tokenizer.ggml.* keys of a GGUF file, for writing models.
func GGUFMetadata(v Vocab) []gguf.KV {
	kv := []gguf.KV{
		{Key: "tokenizer.ggml.model", Value: gguf.String(v.Model)},
		{Key: "tokenizer.ggml.tokens", Value: gguf.Strings(v.Tokens)},
	}
	if v.Model == ModelBPE {
		kv = append(kv, gguf.KV{Key: "tokenizer.ggml.pre", Value: gguf.String(v.Pre)})
		kv = append(kv, gguf.KV{Key: "tokenizer.ggml.merges", Value: gguf.Strings(append([]string{}, v.Merges...))})
	}
	if v.Scores != nil {
		kv = append(kv, gguf.KV{Key: "tokenizer.ggml.scores", Value: gguf.Float32s(v.Scores)})
	}
	if v.Types != nil {
		kv = append(kv, gguf.KV{Key: "tokenizer.ggml.token_type", Value: gguf.Int32s(v.Types)})
	}
	for _, id := range []struct {
		key string
		id  int
	}{{"bos_token_id", v.BOS}, {"eos_token_id", v.EOS}, {"unknown_token_id", v.UNK}, {"padding_token_id", v.PAD}, {"eot_token_id", v.EOT}, {"eom_token_id", v.EOM}} {
		if id.id >= 0 {
			kv = append(kv, gguf.KV{Key: "tokenizer.ggml." + id.key, Value: gguf.Uint32(uint32(id.id))})
		}
	}
	kv = append(kv,
		gguf.KV{Key: "tokenizer.ggml.add_bos_token", Value: gguf.Bool(v.AddBOS)},
		gguf.KV{Key: "tokenizer.ggml.add_eos_token", Value: gguf.Bool(v.AddEOS)},
	)
	if v.Model == ModelSPM {
		kv = append(kv, gguf.KV{Key: "tokenizer.ggml.add_space_prefix", Value: gguf.Bool(v.AddSpacePrefix)})
	}
	return kv
}
