package rag

import (
	"context"
	"testing"

	"tutor/demo"
)

// TestRetrievalDemo measures recall@5 and MRR of each retriever over the demo company's
// labelled questions with the built-in embedder. Hybrid must beat BM25 and vectors alone.
func TestRetrievalDemo(t *testing.T) {
	measureDemo(t, Config{})
}

func measureDemo(t *testing.T, cfg Config) map[string]Score {
	ctx := context.Background()
	qs, err := LoadQuestions(demo.RetrievalSet)
	if err != nil {
		t.Fatal(err)
	}
	ix := MustDemoIndex(t, cfg)
	scores := map[string]Score{}
	for _, mode := range []string{ModeBM25, ModeVector, ModeHybrid} {
		sc, err := ix.Measure(ctx, qs, mode, 5)
		if err != nil {
			t.Fatal(err)
		}
		scores[mode] = sc
		t.Logf("%-7s %-28s recall@5 %.3f  MRR %.3f  (%d questions; missed %v)", mode, ix.Embedder().Name(), sc.RecallAtK, sc.MRR, sc.Questions, sc.Missed)
	}
	h := scores[ModeHybrid].RecallAtK
	if h <= scores[ModeBM25].RecallAtK || h <= scores[ModeVector].RecallAtK {
		t.Errorf("hybrid recall@5 %.3f must beat BM25 %.3f and vectors %.3f", h, scores[ModeBM25].RecallAtK, scores[ModeVector].RecallAtK)
	}
	return scores
}
