package tokenizer

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// roundTripTexts cover Chinese, English, mixed text, emoji, whitespace runs and the empty string.
var roundTripTexts = []string{
	"", " ", "  ", "\n", "\t\n \r\n",
	"Hello, world!",
	"从前有一个小女孩，她喜欢在公园里玩。",
	"公司 documents 文档 mixed 中英文 text.",
	"emoji 🙂🚀👩‍💻 and ünïcödé ñ",
	"   leading and trailing   ",
	"multiple\n\n\nnewlines\r\nand\ttabs",
	"numbers 1234567890 and 3.14159",
	"don't, she'd've, IT'S, we'LL",
	"生僻字 𠀀𪚥 and 龘",
	"\u00a0non-breaking\u3000ideographic space",
}

func mustNew(tb testing.TB, v Vocab) *Tokenizer {
	tb.Helper()
	tok, err := New(v)
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

func tinyTokenizers(tb testing.TB) map[string]*Tokenizer {
	return map[string]*Tokenizer{
		"spm": mustNew(tb, TinySPM(nil, 600, "<|im_start|>", "<|im_end|>")),
		"bpe": mustNew(tb, TinyBPE(nil, 600, "<|im_start|>", "<|im_end|>")),
	}
}

func TestRoundTrip(t *testing.T) {
	for name, tok := range tinyTokenizers(t) {
		for _, s := range roundTripTexts {
			for _, special := range []bool{false, true} {
				ids := tok.Encode(s, special)
				if got := tok.Decode(ids); got != s {
					t.Errorf("%s: Decode(Encode(%q, %v)) = %q, ids %v", name, s, special, got, ids)
				}
			}
		}
	}
}

func TestChineseUsesPieces(t *testing.T) {
	for name, tok := range tinyTokenizers(t) {
		ids := tok.Encode("公司文档", false)
		// Each character is a piece (or merged); none falls back to 3 byte tokens.
		if len(ids) > 4 {
			var texts []string
			for _, id := range ids {
				texts = append(texts, tok.TokenText(id))
			}
			t.Errorf("%s: 公司文档 took %d tokens: %q", name, len(ids), texts)
		}
	}
}

func TestSpecialTokensInText(t *testing.T) {
	for name, tok := range tinyTokenizers(t) {
		start, _ := tok.TokenID("<|im_start|>")
		end, _ := tok.TokenID("<|im_end|>")
		ids := tok.Encode("<|im_start|>user\n你好<|im_end|>", false)
		if ids[0] != start || ids[len(ids)-1] != end {
			t.Errorf("%s: specials not parsed: %v", name, ids)
		}
		if !tok.IsEOG(end) || tok.IsEOG(start) {
			t.Errorf("%s: IsEOG(<|im_end|>) = %v, IsEOG(<|im_start|>) = %v", name, tok.IsEOG(end), tok.IsEOG(start))
		}
		plain := tok.Tokenize("<|im_start|>", false, false)
		if len(plain) < 2 || tok.Decode(plain) != "<|im_start|>" {
			t.Errorf("%s: without parseSpecial the text should stay text: %v", name, plain)
		}
		if got := tok.Piece(start); got != "<|im_start|>" {
			t.Errorf("%s: Piece(start) = %q", name, got)
		}
	}
}

func TestAddSpecial(t *testing.T) {
	tok := tinyTokenizers(t)["spm"]
	if got := tok.Encode("", true); !cmp.Equal(got, []int{1}) {
		t.Errorf("spm Encode(\"\", true) = %v, want [1]", got)
	}
	if got := tok.Encode("", false); len(got) != 0 {
		t.Errorf("spm Encode(\"\", false) = %v, want none", got)
	}
	bpe := tinyTokenizers(t)["bpe"]
	if got := bpe.Encode("hi", true); got[0] == bpe.BOS() {
		t.Errorf("qwen2-style vocab must not add BOS: %v", got)
	}
}

func TestDecoderJoinsBytes(t *testing.T) {
	tok := mustNew(t, TinySPM([]string{"abc"}, 0))
	ids := tok.Encode("中a", false)
	// ▁ then three byte tokens for 中, then a.
	d := tok.NewDecoder()
	var out []string
	for _, id := range ids {
		out = append(out, d.Add(id))
	}
	out = append(out, d.Flush())
	joined := strings.Join(out, "")
	if joined != " 中a" {
		t.Fatalf("streamed %q, want %q (pieces %q)", joined, " 中a", out)
	}
	for _, p := range out {
		if !utf8.ValidString(p) {
			t.Errorf("piece %q is not valid UTF-8", p)
		}
	}
	if d.Add(ids[1]) != "" || d.Pending() != 1 || d.Flush() != "" {
		t.Errorf("a lone lead byte must be held back and dropped at flush")
	}
}

func TestNewRejectsBadVocab(t *testing.T) {
	good := TinySPM([]string{"ab"}, 0)
	cases := map[string]func(v *Vocab){
		"model":  func(v *Vocab) { v.Model = "bert" },
		"empty":  func(v *Vocab) { v.Tokens = nil; v.Types = nil; v.Scores = nil },
		"scores": func(v *Vocab) { v.Scores = v.Scores[:1] },
		"types":  func(v *Vocab) { v.Types = v.Types[:1] },
		"bos":    func(v *Vocab) { v.BOS = len(v.Tokens) },
		"addbos": func(v *Vocab) { v.BOS = -1 },
		"pre":    func(v *Vocab) { v.Model = ModelBPE; v.Pre = "tekken" },
	}
	for name, edit := range cases {
		v := good
		v.Tokens = append([]string(nil), good.Tokens...)
		edit(&v)
		if _, err := New(v); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}
