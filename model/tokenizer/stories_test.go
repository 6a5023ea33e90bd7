package tokenizer

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"tutor/internal/testenv"
)

// storiesPrompts are tokenized by Tutor and by Ollama; they cover English, Chinese, mixed
// text, emoji, whitespace runs and special tokens written in the text.
var storiesPrompts = []string{
	"Once upon a time",
	"Lily and Tom went to the park. They saw a big red ball!",
	"你好，世界",
	"中文和 English 混合 text.",
	"emoji 🙂🚀 and ünïcödé",
	"  leading spaces and  double  spaces   ",
	"tabs\tand\nnewlines\n\n\nhere",
	"<s>text after a BOS written in the prompt",
	"The end.</s> After the end",
	"numbers 1234567 and 3.14159",
	"He said, \"don't do it\" — she'd've left.",
	"x",
}

// mustStories returns the stories260K tokenizer.
func mustStories(tb testing.TB) *Tokenizer {
	tb.Helper()
	tok, err := New(vocabFromMeta(tb, readGGUFMeta(tb, storiesPath(tb))))
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

func TestStoriesRoundTrip(t *testing.T) {
	tok := mustStories(t)
	if tok.VocabSize() != 512 {
		t.Fatalf("vocab size %d, want 512", tok.VocabSize())
	}
	for _, p := range append(storiesPrompts, "", " ", "\n", "一二三四五六七八九十") {
		if strings.Contains(p, "<s>") || strings.Contains(p, "</s>") {
			continue // specials are not text; the space prefix after them is not undone
		}
		ids := tok.Encode(p, true)
		if len(ids) == 0 || ids[0] != 1 {
			t.Errorf("%q: %v does not start with BOS", p, ids)
		}
		if got := tok.Decode(ids); got != p {
			t.Errorf("Decode(Encode(%q)) = %q (ids %v)", p, got, ids)
		}
	}
}

// TestStoriesMatchesOllama compares the number of prompt tokens with a real Ollama v0.6.5,
// which tokenizes with llama.cpp; the ids themselves are compared by generation conformance.
func TestStoriesMatchesOllama(t *testing.T) {
	tok := mustStories(t)
	s := testenv.Ollama(t)
	s.CreateModel(t, "stories-tok", storiesPath(t))
	for _, p := range storiesPrompts {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		stream := false
		var count int
		err := s.Client().Generate(ctx, &api.GenerateRequest{
			Model: "stories-tok", Prompt: p, Raw: true, Stream: &stream,
			Options: map[string]any{"temperature": 0, "num_predict": 1},
		}, func(r api.GenerateResponse) error {
			if r.Done {
				count = r.PromptEvalCount
			}
			return nil
		})
		cancel()
		if err != nil {
			t.Fatalf("generate %q: %v", p, err)
		}
		if ids := tok.Encode(p, true); len(ids) != count {
			t.Errorf("%q: %d tokens %v, Ollama counts %d", p, len(ids), ids, count)
		}
	}
}
