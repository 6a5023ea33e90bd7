package tokenizer

import "testing"

// bpePrompts exercise the byte-level pre-tokenizers: contractions, digit runs, punctuation
// with newlines, white-space runs, Chinese, emoji and the chat control tokens.
var bpePrompts = []string{
	"Hello world",
	"don't stop, IT'S fine; we'll see",
	"numbers 1234567 and 3.14159!!",
	"a...\n\nb\r\n  c   ",
	"你好，世界！公司的文档放在一个地方。",
	"Tutor 学习公司的说话方式 and looks things up 文档.",
	"emoji 🙂🚀 and ünïcödé",
	"    indented\n\tcode()\n",
	"<|im_start|>user\n你好<|im_end|>\n<|im_start|>assistant\n",
	"x",
	"  ",
}

// TestBPEMatchesOllama writes tiny llama models with byte-level vocabularies under three
// pre-tokenizers and compares token counts with Ollama's llama.cpp.
func TestBPEMatchesOllama(t *testing.T) {
	for _, pre := range []string{"qwen2", "llama-bpe", "gpt-2", "default"} {
		v := TinyBPE(nil, 700, "<|im_start|>", "<|im_end|>")
		v.Pre = pre
		v.AddBOS = pre == "llama-bpe"
		tok, err := New(v)
		if err != nil {
			t.Fatal(err)
		}
		compareWithOllama(t, "bpe-"+pre, writeTinyLlama(t, v), tok, bpePrompts)
	}
}

// TestTinySPMMatchesOllama does the same for a SentencePiece vocabulary with Chinese pieces.
func TestTinySPMMatchesOllama(t *testing.T) {
	v := TinySPM(nil, 700, "<|im_start|>", "<|im_end|>")
	tok, err := New(v)
	if err != nil {
		t.Fatal(err)
	}
	compareWithOllama(t, "spm-tiny", writeTinyLlama(t, v), tok, append(bpePrompts, storiesPrompts...))
}
