package finetune

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"tutor/internal/testenv"
	"tutor/llm"
	"tutor/llm/builtin"
)

func TestParseQAPairs(t *testing.T) {
	text := "Sure! Here are the pairs:\n1. Q: What is OKR?\nA: Objectives and key results.\n\n" +
		"**Question 2:** Who sets them?\n**Answer 2:** Each team,\nevery quarter.\n" +
		"- Q: Dangling question?\n问：谁批准？\n答：部门经理。\nQ: Last?\nA: Yes."
	got := ParseQAPairs(text)
	want := [][2]string{{"What is OKR?", "Objectives and key results."}, {"Who sets them?", "Each team,\nevery quarter."},
		{"谁批准？", "部门经理。"}, {"Last?", "Yes."}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if p := ParseQAPairs("no pairs here\nA: orphan answer"); len(p) != 0 {
		t.Fatalf("pairs from nothing: %q", p)
	}
}

func FuzzParseQAPairs(f *testing.F) {
	f.Add("Q: a\nA: b")
	f.Add("1) question: x\n答：y\n\nQ:\nA:")
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range ParseQAPairs(s) {
			if p[0] == "" || p[1] == "" {
				t.Fatalf("empty side in %q", p)
			}
		}
	})
}

// TestGenerateQAWithRealTeacher asks a real teacher through llm/builtin: stories260K with an
// adapter trained to answer the generation prompt. Its pairs come back as chat records; the
// untuned base, which writes stories, yields none and each passage is reported.
func TestGenerateQAWithRealTeacher(t *testing.T) {
	base := testenv.Stories260K(t)
	qa := qaRecords(t)[:4]
	var teach, passages []Record
	for i, r := range qa {
		q, a := r.Messages[0].Content, r.Messages[1].Content
		src := fmt.Sprintf("doc%d", i)
		passages = append(passages, Record{Text: a, Source: src})
		teach = append(teach, Record{Source: src, Messages: []llm.Message{
			{Role: "user", Content: fmt.Sprintf(QAPrompt, 1, a)}, {Role: "assistant", Content: "Q: " + q + "\nA: " + a}}})
	}
	w, m, err := LoadBase(base)
	if err != nil {
		t.Fatal(err)
	}
	exs, _, err := NewFormatter(m, 512).Build(teach)
	if err != nil {
		t.Fatal(err)
	}
	cfg := learnConfig()
	cfg.Epochs = 40
	tr, err := NewTrainer(w, exs, nil, cfg, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Train(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "teacher.gguf")
	if err := ExportGGUF(path, tr.LoRA, w.Arch); err != nil {
		t.Fatal(err)
	}
	b := builtin.New(builtin.Options{})
	if err := b.AddModel("stories", base); err != nil {
		t.Fatal(err)
	}
	if err := b.LoadAdapter("teacher", path); err != nil {
		t.Fatal(err)
	}
	zero := 0.0
	opts := llm.Options{Temperature: &zero, RepeatPenalty: 1, NumPredict: 64}
	done := 0
	recs, problems, err := GenerateQA(context.Background(), b, passages, QAOptions{Model: "stories", Adapter: "teacher", PerChunk: 1, Options: opts},
		func(d, total int) { done = d })
	if err != nil {
		t.Fatal(err)
	}
	if done != len(passages) || len(problems) > 1 || len(recs) < len(passages)-1 {
		t.Fatalf("%d records, problems %q", len(recs), problems)
	}
	for _, r := range recs {
		i := int(r.Source[3] - '0')
		if r.Messages[0].Content != qa[i].Messages[0].Content || r.Messages[1].Content != qa[i].Messages[1].Content {
			t.Errorf("%s: pair %q / %q, want %q / %q", r.Source, r.Messages[0].Content, r.Messages[1].Content, qa[i].Messages[0].Content, qa[i].Messages[1].Content)
		}
	}
	recs, problems, err = GenerateQA(context.Background(), b, passages[:2], QAOptions{Model: "stories", PerChunk: 1, Options: opts}, nil)
	if err != nil || len(recs) != 0 || len(problems) != 2 {
		t.Fatalf("untuned teacher: %d records, problems %q, %v", len(recs), problems, err)
	}
}
