package tokenizer

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// qwenStyleJSON writes v (a byte-level vocabulary) as a tokenizer.json laid out like Qwen2's.
func qwenStyleJSON(tb testing.TB, v Vocab, mergePairs bool) string {
	tb.Helper()
	vocab := map[string]int{}
	var added []map[string]any
	for id, s := range v.Tokens {
		if v.Types[id] == TypeControl {
			added = append(added, map[string]any{"id": id, "content": s, "special": true})
			continue
		}
		vocab[s] = id
	}
	var merges any = v.Merges
	if mergePairs {
		var pairs [][]string
		for _, m := range v.Merges {
			l, r, _ := strings.Cut(m, " ")
			pairs = append(pairs, []string{l, r})
		}
		merges = pairs
	}
	doc := map[string]any{
		"added_tokens": added,
		"normalizer":   map[string]any{"type": "NFC"},
		"pre_tokenizer": map[string]any{"type": "Sequence", "pretokenizers": []any{
			map[string]any{"type": "Split", "pattern": map[string]any{"Regex": regexQwen2}, "behavior": "Isolated"},
			map[string]any{"type": "ByteLevel", "add_prefix_space": false, "use_regex": false},
		}},
		"post_processor": map[string]any{"type": "ByteLevel"},
		"decoder":        map[string]any{"type": "ByteLevel"},
		"model":          map[string]any{"type": "BPE", "vocab": vocab, "merges": merges, "byte_fallback": false},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestTokenizerJSONByteLevel(t *testing.T) {
	want := TinyBPE(nil, 500, "<|im_start|>", "<|im_end|>")
	ref := mustNew(t, want)
	for _, pairs := range []bool{false, true} {
		v, err := ParseTokenizerJSON(strings.NewReader(qwenStyleJSON(t, want, pairs)))
		if err != nil {
			t.Fatal(err)
		}
		if v.Model != ModelBPE || v.Pre != "qwen2" || !cmp.Equal(v.Tokens, want.Tokens) || !cmp.Equal(v.Merges, want.Merges) {
			t.Fatalf("vocab differs: model %s pre %s, %d/%d tokens", v.Model, v.Pre, len(v.Tokens), len(want.Tokens))
		}
		tok := mustNew(t, v)
		for _, s := range append(roundTripTexts, "<|im_start|>user\n你好<|im_end|>") {
			if got, exp := tok.Encode(s, true), ref.Encode(s, true); !cmp.Equal(got, exp) {
				t.Errorf("%q: %v, want %v", s, got, exp)
			}
		}
		if end, _ := tok.TokenID("<|im_end|>"); !tok.IsEOG(end) {
			t.Error("<|im_end|> is not end of generation")
		}
	}
}

// llama2StyleJSON is a small SentencePiece-style tokenizer.json laid out like Llama 2's.
const llama2StyleJSON = `{
 "added_tokens": [
  {"id": 0, "content": "<unk>", "special": true},
  {"id": 1, "content": "<s>", "special": true},
  {"id": 2, "content": "</s>", "special": true}],
 "normalizer": {"type": "Sequence", "normalizers": [
  {"type": "Prepend", "prepend": "▁"},
  {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
 "pre_tokenizer": null,
 "post_processor": {"type": "TemplateProcessing",
  "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}]},
 "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
 "model": {"type": "BPE", "unk_token": "<unk>", "byte_fallback": true,
  "vocab": {"<unk>": 0, "<s>": 1, "</s>": 2, "<0xE4>": 3, "<0xBD>": 4, "<0xA0>": 5,
   "▁": 6, "a": 7, "b": 8, "▁a": 9, "ab": 10, "▁ab": 11, "好": 12},
  "merges": ["▁ a", "a b", "▁a b"]}
}`

func TestTokenizerJSONSentencePiece(t *testing.T) {
	v, err := ParseTokenizerJSON(strings.NewReader(llama2StyleJSON))
	if err != nil {
		t.Fatal(err)
	}
	if v.Model != ModelSPM || !v.AddBOS || v.BOS != 1 || v.EOS != 2 || v.UNK != 0 || !v.AddSpacePrefix {
		t.Fatalf("vocab: %+v", v)
	}
	if v.Types[3] != TypeByte || v.Types[1] != TypeControl || v.Types[0] != TypeUnknown {
		t.Errorf("types %v", v.Types)
	}
	tok := mustNew(t, v)
	cases := map[string][]int{
		"ab ab": {1, 11, 11},
		"ab你好":  {1, 11, 3, 4, 5, 12},
		"":      {1},
	}
	for s, want := range cases {
		got := tok.Encode(s, true)
		if !cmp.Equal(got, want) {
			t.Errorf("Encode(%q) = %v, want %v", s, got, want)
		}
		if d := tok.Decode(got); d != s {
			t.Errorf("Decode(%v) = %q, want %q", got, d, s)
		}
	}
}

func TestApplyTokenizerConfig(t *testing.T) {
	v := TinyBPE(nil, 300, "<|im_start|>", "<|im_end|>")
	cfg := `{"bos_token": null, "eos_token": {"content": "<|im_end|>"}, "add_bos_token": false, "pad_token": "<|endoftext|>"}`
	if err := ApplyTokenizerConfig(&v, strings.NewReader(cfg)); err != nil {
		t.Fatal(err)
	}
	if v.Tokens[v.EOS] != "<|im_end|>" || v.Tokens[v.PAD] != "<|endoftext|>" || v.AddBOS {
		t.Errorf("EOS %d PAD %d AddBOS %v", v.EOS, v.PAD, v.AddBOS)
	}
	if err := ApplyTokenizerConfig(&v, strings.NewReader(`{"eos_token": "<missing>"}`)); err == nil {
		t.Error("an EOS token outside the vocabulary was accepted")
	}
}

func TestTokenizerJSONErrors(t *testing.T) {
	cases := map[string]string{
		"not json":      `{"model":`,
		"unigram":       `{"model": {"type": "Unigram"}}`,
		"bad merges":    `{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [["a"]]}}`,
		"negative id":   `{"model": {"type": "BPE", "vocab": {"a": -1}}}`,
		"huge id":       `{"model": {"type": "BPE", "vocab": {"a": 99999999}}}`,
		"unknown regex": `{"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "x+"}}, "model": {"type": "BPE", "vocab": {"a": 0}}}`,
	}
	for name, doc := range cases {
		if _, err := FromTokenizerJSON(strings.NewReader(doc)); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

func FuzzFromTokenizerJSON(f *testing.F) {
	f.Add(llama2StyleJSON)
	f.Add(qwenStyleJSON(f, TinyBPE([]string{"ab ab"}, 260), false))
	f.Add(`{"model": {"type": "BPE", "vocab": {"a": 3}, "merges": ["a a"]}, "added_tokens": [{"id": 1, "content": "", "special": true}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		tok, err := FromTokenizerJSON(strings.NewReader(doc))
		if err != nil {
			return
		}
		ids := tok.Encode("ab 你好 <s>", true)
		_ = tok.Decode(ids)
	})
}
