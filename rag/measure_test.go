package rag

import (
	"context"
	"testing"

	"tutor/demo"
)

// TestRetrievalDemo measures recall@5 and MRR of each retriever over the demo company's
// labelled questions with the built-in embedder, and guards them against regressions. The
// built-in embedder sees the same words BM25 sees, so fusion cannot add what neither finds
// and hybrid does not beat BM25 here (TestRetrievalDemoMiniLM measures a semantic embedder);
// hybrid must beat vectors alone.
func TestRetrievalDemo(t *testing.T) {
	s := measureDemo(t, Config{})
	bm, vec, hy := s[ModeBM25], s[ModeVector], s[ModeHybrid]
	if bm.RecallAtK < 0.9 || vec.RecallAtK < 0.75 || hy.RecallAtK < 0.9 {
		t.Errorf("recall@5 fell: bm25 %.3f (want ≥ 0.9), vector %.3f (≥ 0.75), hybrid %.3f (≥ 0.9)", bm.RecallAtK, vec.RecallAtK, hy.RecallAtK)
	}
	if hy.RecallAtK <= vec.RecallAtK || hy.MRR <= vec.MRR {
		t.Errorf("hybrid (recall@5 %.3f, MRR %.3f) must beat vectors alone (%.3f, %.3f)", hy.RecallAtK, hy.MRR, vec.RecallAtK, vec.MRR)
	}
}

// measureDemo indexes the demo company with cfg and scores each retrieval mode.
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
	return scores
}
