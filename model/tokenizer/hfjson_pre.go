package tokenizer

import (
	"encoding/json"
	"io"
	"strings"

	"tutor"
)

// The Split regexes of the byte-level pre-tokenizers, as tokenizer.json files write them.
const (
	regexLlama3 = `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
	regexQwen2  = `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
	regexGPT2   = `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
)

// hfPre names the llama.cpp pre-tokenizer that does what a byte-level pre_tokenizer does.
func hfPre(pt *hfStep) (string, error) {
	var regexes []string
	byteLevel, digits := false, false
	pt.walk(func(s *hfStep) {
		switch s.Type {
		case "Split":
			if s.Pattern.Regex != nil {
				regexes = append(regexes, *s.Pattern.Regex)
			}
		case "ByteLevel":
			byteLevel = true
		case "Digits":
			digits = s.Individual
		}
	})
	switch {
	case len(regexes) == 1 && regexes[0] == regexLlama3:
		return "llama-bpe", nil
	case len(regexes) == 1 && regexes[0] == regexQwen2:
		return "qwen2", nil
	case len(regexes) == 1 && regexes[0] == regexGPT2, len(regexes) == 0 && byteLevel && !digits:
		return "gpt-2", nil
	case len(regexes) == 0 && byteLevel && digits:
		return "smollm", nil
	case len(regexes) == 0:
		return "default", nil
	}
	return "", tutor.Errorf(tutor.EUNSUPPORTED, "tokenizer.json: pre-tokenizer regex %q is not one Tutor knows", strings.Join(regexes, " "))
}

// hfMetaspace reports whether the tokenizer writes spaces as ▁ (SentencePiece style).
func hfMetaspace(hf *hfTokenizer) bool {
	found := false
	check := func(s *hfStep) {
		if s.Type == "Metaspace" || s.Type == "Replace" && s.Content == "\u2581" {
			found = true
		}
	}
	hf.Normalizer.walk(check)
	hf.PreTokenizer.walk(check)
	return found
}

// hfPrefixSpace reports whether a SentencePiece-style tokenizer puts ▁ in front of the text.
func hfPrefixSpace(hf *hfTokenizer) bool {
	prefix := false
	check := func(s *hfStep) {
		switch {
		case s.Type == "Prepend" && s.Prepend == "\u2581":
			prefix = true
		case s.Type == "Metaspace":
			prefix = s.PrependScheme == "always" || s.PrependScheme == "first" || s.PrependScheme == "" && s.AddPrefixSpace != nil && *s.AddPrefixSpace
		}
	}
	hf.Normalizer.walk(check)
	hf.PreTokenizer.walk(check)
	return prefix
}

// hfSpecials sets BOS and EOS from the post-processor's single-sequence template, else from
// well-known token texts.
func hfSpecials(hf *hfTokenizer, v *Vocab) {
	ids := make(map[string]int, len(v.Tokens))
	for id, s := range v.Tokens {
		ids[s] = id
	}
	v.AddBOS, v.AddEOS = false, false
	hf.PostProcessor.walk(func(s *hfStep) {
		if s.Type != "TemplateProcessing" {
			return
		}
		seen := false
		for _, p := range s.Single {
			switch {
			case p.Sequence != nil:
				seen = true
			case p.SpecialToken != nil:
				if id, ok := ids[p.SpecialToken.ID]; ok && !seen {
					v.BOS, v.AddBOS = id, true
				} else if ok {
					v.EOS, v.AddEOS = id, true
				}
			}
		}
	})
	first := func(texts ...string) int {
		for _, s := range texts {
			if id, ok := ids[s]; ok {
				return id
			}
		}
		return -1
	}
	if v.BOS < 0 {
		v.BOS = first("<|begin_of_text|>", "<s>", "<|endoftext|>", "<|im_start|>")
	}
	if v.EOS < 0 {
		v.EOS = first("<|end_of_text|>", "</s>", "<|endoftext|>", "<|im_end|>", "<|eot_id|>")
	}
}

// ApplyTokenizerConfig sets BOS, EOS, UNK, PAD and the add_bos/add_eos flags of v from a
// Hugging Face tokenizer_config.json, whose token fields are strings or {"content": ...}.
func ApplyTokenizerConfig(v *Vocab, r io.Reader) error {
	var cfg map[string]json.RawMessage
	if err := json.NewDecoder(io.LimitReader(r, MaxTokenizerJSON)).Decode(&cfg); err != nil {
		return tutor.Errorf(tutor.EINVALID, "tokenizer_config.json: %v", err)
	}
	text := func(raw json.RawMessage) (string, bool) {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s, true
		}
		var o struct {
			Content string `json:"content"`
		}
		return o.Content, json.Unmarshal(raw, &o) == nil && o.Content != ""
	}
	for key, id := range map[string]*int{"bos_token": &v.BOS, "eos_token": &v.EOS, "unk_token": &v.UNK, "pad_token": &v.PAD} {
		raw, ok := cfg[key]
		if !ok {
			continue
		}
		if string(raw) == "null" {
			*id = -1
			continue
		}
		s, ok := text(raw)
		if !ok {
			return tutor.Errorf(tutor.EINVALID, "tokenizer_config.json: %s is neither a string nor {\"content\": ...}", key)
		}
		found := false
		for i, t := range v.Tokens {
			if t == s {
				*id, found = i, true
				break
			}
		}
		if !found {
			return tutor.Errorf(tutor.EINVALID, "tokenizer_config.json: %s %q is not in the vocabulary", key, s)
		}
	}
	for key, flag := range map[string]*bool{"add_bos_token": &v.AddBOS, "add_eos_token": &v.AddEOS} {
		if raw, ok := cfg[key]; ok {
			if err := json.Unmarshal(raw, flag); err != nil {
				return tutor.Errorf(tutor.EINVALID, "tokenizer_config.json: %s is not true or false", key)
			}
		}
	}
	return nil
}
