package tokenizer

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pieces splits text with the pre-tokenizer pre and returns the pieces as text.
func pieces(tb testing.TB, pre, text string) []string {
	tb.Helper()
	split, _, err := preTokenizer(pre)
	if err != nil {
		tb.Fatal(err)
	}
	cpts := codepoints(text)
	lengths := []int{len(cpts)}
	for _, f := range split {
		var next []int
		start := 0
		for _, n := range lengths {
			next = f(cpts, start, start+n, next)
			start += n
		}
		lengths = next
	}
	var out []string
	start := 0
	for _, n := range lengths {
		out = append(out, string(cpts[start:start+n]))
		start += n
	}
	return out
}

func TestPreTokenizers(t *testing.T) {
	const text = "Hello world  123456 don't\n\n x"
	cases := []struct {
		pre, text string
		want      []string
	}{
		{"llama-bpe", text, []string{"Hello", " world", " ", " ", "123", "456", " don", "'t", "\n\n", " x"}},
		{"qwen2", text, []string{"Hello", " world", " ", " ", "1", "2", "3", "4", "5", "6", " don", "'t", "\n\n", " x"}},
		{"gpt-2", text, []string{"Hello", " world", " ", " 123456", " don", "'t", "\n\n", " x"}},
		{"smollm", "a 123b", []string{"a", " ", "1", "2", "3", "b"}},
		{"default", "a, 12345", []string{"a", ",", " ", "123", "45"}},
		{"llama-bpe", "I'M HERE'S", []string{"I", "'M", " HERE", "'S"}},
		{"gpt-2", "I'M HERE'S", []string{"I", "'", "M", " HERE", "'", "S"}},
		{"qwen2", "你好，世界！", []string{"你好", "，世界", "！"}},
		{"llama-bpe", "x  \n  y", []string{"x", "  \n", " ", " y"}},
		{"qwen2", "a...\n\nb", []string{"a", "...\n\n", "b"}},
		{"llama-bpe", "   ", []string{"   "}},
		{"gpt-2", "a   b", []string{"a", "  ", " b"}},
	}
	for _, c := range cases {
		if got := pieces(t, c.pre, c.text); !cmp.Equal(got, c.want) {
			t.Errorf("%s %q:\n got %q\nwant %q", c.pre, c.text, got, c.want)
		}
	}
}

func TestCodepointsLikeLlamaCpp(t *testing.T) {
	// Invalid bytes become U+FFFD one by one; overlong forms decode as llama.cpp does.
	got := codepoints("a\xffb\xe4\xb8")
	want := []rune{'a', 0xFFFD, 'b', 0xFFFD, 0xFFFD}
	if !cmp.Equal(got, want) {
		t.Errorf("codepoints = %U, want %U", got, want)
	}
	if got := codepoints("\xc0\x80"); !cmp.Equal(got, []rune{0}) {
		t.Errorf("overlong NUL = %U", got)
	}
}
