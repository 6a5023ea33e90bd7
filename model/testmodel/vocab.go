package testmodel

import (
	"fmt"
	"sort"

	"tutor/model/gguf"
	"tutor/model/tokenizer"
)

// vocab is a generated vocabulary and the GGUF keys that describe it.
type vocab struct {
	size int
	kv   []gguf.KV
}

// Chat templates of the real model families, so chat formatting finds what it expects.
const (
	llamaTemplate  = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}"
	chatmlTemplate = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

// spmVocab builds a SentencePiece vocabulary of exactly n tokens: <unk>, <s>, </s>, the 256
// byte tokens, every character of the corpus, learned pieces with falling scores, then
// filler pieces.
func spmVocab(n int) (vocab, error) {
	tokens := []string{"<unk>", "<s>", "</s>"}
	types := []int32{tokenizer.TypeUnknown, tokenizer.TypeControl, tokenizer.TypeControl}
	for b := range 256 {
		tokens = append(tokens, fmt.Sprintf("<0x%02X>", b))
		types = append(types, tokenizer.TypeByte)
	}
	scores := make([]float32, len(tokens))
	seen := map[string]bool{}
	add := func(piece string, score float32) {
		if seen[piece] || len(tokens) >= n {
			return
		}
		seen[piece] = true
		tokens = append(tokens, piece)
		types = append(types, tokenizer.TypeNormal)
		scores = append(scores, score)
	}
	words := spmWords()
	var chars []string
	for _, w := range words {
		chars = append(chars, w...)
	}
	sort.Strings(chars)
	for _, c := range chars {
		add(c, -1000)
	}
	for i, m := range learnMerges(words, n) {
		add(m[0]+m[1], -float32(i))
	}
	for i := 0; len(tokens) < n; i++ {
		add(fmt.Sprintf("▁w%d", i), -2000-float32(i))
	}
	if len(tokens) != n {
		return vocab{}, fmt.Errorf("testmodel: a SentencePiece vocabulary needs at least %d tokens", len(tokens)+1)
	}
	return vocab{size: n, kv: []gguf.KV{
		{Key: "tokenizer.ggml.model", Value: gguf.String("llama")},
		{Key: "tokenizer.ggml.tokens", Value: gguf.Strings(tokens)},
		{Key: "tokenizer.ggml.scores", Value: gguf.Float32s(scores)},
		{Key: "tokenizer.ggml.token_type", Value: gguf.Int32s(types)},
		{Key: "tokenizer.ggml.bos_token_id", Value: gguf.Uint32(1)},
		{Key: "tokenizer.ggml.eos_token_id", Value: gguf.Uint32(2)},
		{Key: "tokenizer.ggml.unknown_token_id", Value: gguf.Uint32(0)},
		{Key: "tokenizer.ggml.add_bos_token", Value: gguf.Bool(true)},
		{Key: "tokenizer.ggml.add_eos_token", Value: gguf.Bool(false)},
		{Key: "tokenizer.chat_template", Value: gguf.String(llamaTemplate)},
	}}, nil
}

// bpeVocab builds a byte-level BPE vocabulary of exactly n tokens in Qwen2's style: the 256
// byte symbols, learned merges, filler tokens, then <|endoftext|>, <|im_start|>, <|im_end|>.
func bpeVocab(n int) (vocab, error) {
	specials := []string{"<|endoftext|>", "<|im_start|>", "<|im_end|>"}
	var tokens []string
	for b := range 256 {
		tokens = append(tokens, string(byteLevel[b]))
	}
	seen := map[string]bool{}
	for _, t := range tokens {
		seen[t] = true
	}
	var merges []string
	for _, m := range learnMerges(bpeWords(), n) {
		if len(tokens)+len(specials) >= n {
			break
		}
		if t := m[0] + m[1]; !seen[t] {
			seen[t] = true
			tokens = append(tokens, t)
			merges = append(merges, m[0]+" "+m[1])
		}
	}
	for i := 0; len(tokens)+len(specials) < n; i++ {
		tokens = append(tokens, fmt.Sprintf("[filler%d]", i))
	}
	if len(tokens)+len(specials) != n {
		return vocab{}, fmt.Errorf("testmodel: a byte-level BPE vocabulary needs at least %d tokens", len(tokens)+len(specials))
	}
	types := make([]int32, len(tokens))
	for i := range types {
		types[i] = tokenizer.TypeNormal
	}
	eos := len(tokens)
	for _, s := range specials {
		tokens = append(tokens, s)
		types = append(types, tokenizer.TypeControl)
	}
	return vocab{size: n, kv: []gguf.KV{
		{Key: "tokenizer.ggml.model", Value: gguf.String("gpt2")},
		{Key: "tokenizer.ggml.pre", Value: gguf.String("qwen2")},
		{Key: "tokenizer.ggml.tokens", Value: gguf.Strings(tokens)},
		{Key: "tokenizer.ggml.token_type", Value: gguf.Int32s(types)},
		{Key: "tokenizer.ggml.merges", Value: gguf.Strings(merges)},
		{Key: "tokenizer.ggml.bos_token_id", Value: gguf.Uint32(uint32(eos))},
		{Key: "tokenizer.ggml.eos_token_id", Value: gguf.Uint32(uint32(eos))},
		{Key: "tokenizer.ggml.padding_token_id", Value: gguf.Uint32(uint32(eos))},
		{Key: "tokenizer.ggml.add_bos_token", Value: gguf.Bool(false)},
		{Key: "tokenizer.chat_template", Value: gguf.String(chatmlTemplate)},
	}}, nil
}
