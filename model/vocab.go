package model

import (
	"tutor/model/gguf"
	"tutor/model/tokenizer"
)

// vocabFromGGUF fills a tokenizer vocabulary from the tokenizer.ggml.* keys, starting from
// llama.cpp's defaults for the keys that are missing.
func vocabFromGGUF(f *gguf.File) tokenizer.Vocab {
	model, _ := f.String("tokenizer.ggml.model")
	pre, _ := f.String("tokenizer.ggml.pre")
	v := tokenizer.Defaults(model, pre)
	v.Tokens, _ = f.Strings("tokenizer.ggml.tokens")
	v.Scores, _ = f.Float32s("tokenizer.ggml.scores")
	v.Types, _ = f.Int32s("tokenizer.ggml.token_type")
	v.Merges, _ = f.Strings("tokenizer.ggml.merges")
	ids := []struct {
		key string
		dst *int
	}{
		{"bos_token_id", &v.BOS}, {"eos_token_id", &v.EOS}, {"unknown_token_id", &v.UNK},
		{"padding_token_id", &v.PAD}, {"eot_token_id", &v.EOT}, {"eom_token_id", &v.EOM},
	}
	for _, id := range ids {
		if n, ok := f.Int("tokenizer.ggml." + id.key); ok && n >= -1 && n < 1<<31 {
			*id.dst = int(n)
		}
	}
	flags := []struct {
		key string
		dst *bool
	}{
		{"add_bos_token", &v.AddBOS}, {"add_eos_token", &v.AddEOS}, {"add_space_prefix", &v.AddSpacePrefix},
	}
	for _, fl := range flags {
		if b, ok := f.Bool("tokenizer.ggml." + fl.key); ok {
			*fl.dst = b
		}
	}
	return v
}
