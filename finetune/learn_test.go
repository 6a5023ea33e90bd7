package finetune

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tutor/internal/testenv"
	"tutor/llm"
	"tutor/llm/builtin"
)

// qaRecords reads the 20 question/answer pairs the learning tests teach stories260K.
func qaRecords(t *testing.T) []Record {
	t.Helper()
	f, err := os.Open("testdata/stories_qa.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := ParseJSONL(f, "stories_qa.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// learnConfig is a short, strong run: every projection adapted at a small rank.
func learnConfig() TrainConfig {
	cfg := DefaultTrainConfig()
	cfg.LoRA = LoRAConfig{Rank: 8, Alpha: 16, Targets: AllTargets}
	cfg.Epochs, cfg.BatchSize, cfg.LearningRate, cfg.WarmupSteps = 25, 4, 1e-2, 10
	cfg.EvalEvery, cfg.Patience, cfg.CheckpointEvery = 0, 0, 0
	return cfg
}

// trainQA trains an adapter on the question/answer pairs and exports it as GGUF.
func trainQA(t *testing.T, base string) (adapterPath string) {
	t.Helper()
	w, m, err := LoadBase(base)
	if err != nil {
		t.Fatal(err)
	}
	exs, st, err := NewFormatter(m, 256).Build(qaRecords(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tr, err := NewTrainer(w, exs, nil, learnConfig(), filepath.Join(dir, "run"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := tr.Train(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	t.Logf("trained %d steps on %d examples (%d tokens, %d learned) in %v: final loss %.4f, %.0f tokens/s",
		res.Steps, st.Examples, st.Tokens, st.LearnedTokens, el.Round(time.Millisecond), res.TrainLoss,
		float64(res.Steps*learnConfig().BatchSize*st.Tokens/st.Examples)/el.Seconds())
	adapterPath = filepath.Join(dir, "adapter.gguf")
	if err := ExportGGUF(adapterPath, tr.LoRA, w.Arch); err != nil {
		t.Fatal(err)
	}
	return adapterPath
}

// greedy asks the built-in engine for a greedy answer to a question, through the chat template.
func greedy(t *testing.T, b *builtin.Backend, adapter, question string) string {
	t.Helper()
	zero, one := 0.0, 1.0
	res, err := b.Generate(context.Background(), llm.Request{Model: "base", Adapter: adapter,
		Messages: []llm.Message{{Role: "user", Content: question}},
		Options:  llm.Options{Temperature: &zero, RepeatPenalty: one, NumPredict: 48}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(res.Text)
}

// TestLearnsQuestionAnswers is the learning test: the tuned stories260K answers the 20
// questions greedily word for word; the base answers none of them.
func TestLearnsQuestionAnswers(t *testing.T) {
	base := testenv.Stories260K(t)
	path := trainQA(t, base)
	b := builtin.New(builtin.Options{})
	if err := b.AddModel("base", base); err != nil {
		t.Fatal(err)
	}
	if err := b.LoadAdapter("tuned", path); err != nil {
		t.Fatal(err)
	}
	learned := 0
	for _, r := range qaRecords(t) {
		q, want := r.Messages[0].Content, r.Messages[1].Content
		if got := greedy(t, b, "", q); got == want {
			t.Errorf("the base already answers %q with %q", q, got)
		}
		got := greedy(t, b, "tuned", q)
		if got == want {
			learned++
		} else {
			t.Errorf("%q: tuned model answers %q, want %q", q, got, want)
		}
	}
	t.Logf("%d of 20 answers learned word for word", learned)
}
