package finetune

import (
	"strings"
	"testing"

	"tutor/llm"
	"tutor/model/tokenizer"
)

// chatML renders messages as Qwen's template does.
func chatML(msgs []llm.Message, gen bool) (string, error) {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString("<|im_start|>" + m.Role + "\n" + m.Content + "<|im_end|>\n")
	}
	if gen {
		b.WriteString("<|im_start|>assistant\n")
	}
	return b.String(), nil
}

func mustTinyTokenizer(tb testing.TB) *tokenizer.Tokenizer {
	tb.Helper()
	tok, err := tokenizer.New(tokenizer.TinyBPE(nil, 400, "<|im_start|>", "<|im_end|>"))
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

func TestFormatterMasksAnswers(t *testing.T) {
	tok := mustTinyTokenizer(t)
	f := Formatter{Tokenize: tok.Tokenize, Render: chatML, EOS: -1, MaxLen: 512}
	rec := Record{Source: "x", Messages: []llm.Message{
		{Role: "system", Content: "Be brief."},
		{Role: "user", Content: "Where are the documents?"},
		{Role: "assistant", Content: "In one place."},
		{Role: "user", Content: "And the answers?"},
		{Role: "assistant", Content: "They cite the document."},
	}}
	ex, err := f.Example(rec)
	if err != nil {
		t.Fatal(err)
	}
	decode := func(ids []int) string {
		var b strings.Builder
		for _, id := range ids {
			b.WriteString(tok.Piece(id))
		}
		return b.String()
	}
	var learned []string
	for _, s := range Preview(ex, decode) {
		if s.Learned {
			learned = append(learned, s.Text)
		}
	}
	want := []string{"In one place.<|im_end|>\n", "They cite the document.<|im_end|>\n"}
	if strings.Join(learned, "|") != strings.Join(want, "|") {
		t.Fatalf("learned %q, want %q", learned, want)
	}
}

func TestBuildTruncatesAndReports(t *testing.T) {
	tok := mustTinyTokenizer(t)
	f := Formatter{Tokenize: tok.Tokenize, Render: chatML, EOS: -1, MaxLen: 12}
	recs := []Record{
		{Source: "a:1", Text: strings.Repeat("Once upon a time there was a little girl. ", 5)},
		{Source: "a:2", Messages: []llm.Message{{Role: "user", Content: strings.Repeat("long question ", 20)}, {Role: "assistant", Content: "yes"}}},
	}
	exs, st, err := f.Build(recs)
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) != 1 || len(exs[0].Tokens) != 12 || len(st.Truncated) != 2 || len(st.Skipped) != 1 ||
		!strings.HasPrefix(st.Truncated[0], "a:1: ") || !strings.HasPrefix(st.Skipped[0], "a:2: ") {
		t.Fatalf("examples %d, stats %+v", len(exs), st)
	}
}

func TestSplitIsSeeded(t *testing.T) {
	recs := make([]Record, 10)
	for i := range recs {
		recs[i] = Record{Text: itoa(i)}
	}
	tr1, va1 := Split(recs, 0.2, 7)
	tr2, va2 := Split(recs, 0.2, 7)
	if len(va1) != 2 || len(tr1) != 8 || va1[0].Text != va2[0].Text || va1[1].Text != va2[1].Text || tr1[0].Text != tr2[0].Text {
		t.Fatalf("split not reproducible: %v %v", va1, va2)
	}
}
