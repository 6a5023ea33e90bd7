package rag

import (
	"context"
	"strings"

	"tutor"
	"tutor/llm"
)

// candidates is how deep each retriever's list goes before fusion.
func candidates(k int) int { return max(50, 10*k) }

// Search returns the chunks that best answer query. In hybrid mode (the default) the BM25
// and vector candidates are fused (see [fuse]) and Score is the fused score, between 0 and
// 1; in bm25 or vector mode Score is the BM25 score or the cosine similarity. Hits scoring
// below opts.MinScore are dropped.
func (ix *Index) Search(ctx context.Context, query string, opts SearchOptions) ([]Hit, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, tutor.Errorf(tutor.EINVALID, "the search query is empty")
	}
	if opts.TopK <= 0 {
		opts.TopK = 5
	}
	mode := opts.Mode
	if mode == "" {
		mode = ModeHybrid
	}
	if mode != ModeHybrid && mode != ModeBM25 && mode != ModeVector {
		return nil, tutor.Errorf(tutor.EINVALID, "unknown retrieval mode %q: want hybrid, bm25 or vector", mode)
	}
	var qvec []float32
	if mode != ModeBM25 {
		v, err := ix.emb.Embed(ctx, []string{query})
		if err != nil {
			return nil, err
		}
		if len(v) != 1 {
			return nil, tutor.Errorf(tutor.EUNAVAILABLE, "embedder %s returned no vector", ix.emb.Name())
		}
		qvec = v[0]
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if _, sparse := ix.emb.(*HashEmbedder); sparse && qvec != nil {
		qvec = ix.mem.weightIDF(qvec)
	}
	return ix.mem.search(Terms(query), qvec, mode, ix.wlex, opts), nil
}

// search ranks in memory; qvec is nil in bm25 mode, wlex weighs BM25 in the fusion.
func (m *memIndex) search(terms []string, qvec []float32, mode string, wlex float64, opts SearchOptions) []Hit {
	keep := m.keep(opts.DocID)
	depth := candidates(opts.TopK)
	var lex, vec []scored
	if mode != ModeVector {
		lex = m.bm.search(terms, depth, keep)
	}
	if mode != ModeBM25 {
		vec = m.searchVector(qvec, depth, keep)
	}
	var ranked []scored
	switch mode {
	case ModeBM25:
		ranked = lex
	case ModeVector:
		ranked = vec
	default:
		ranked = fuse(lex, vec, wlex)
	}
	rank := func(list []scored) map[int32]int {
		r := make(map[int32]int, len(list))
		for i, s := range list {
			r[s.doc] = i + 1
		}
		return r
	}
	lexRank, vecRank := rank(lex), rank(vec)
	var hits []Hit
	for _, s := range ranked {
		if len(hits) == opts.TopK {
			break
		}
		if s.score < opts.MinScore {
			continue
		}
		hits = append(hits, Hit{Chunk: m.chunks[s.doc], Score: s.score, BM25Rank: lexRank[s.doc], VectorRank: vecRank[s.doc]})
	}
	return hits
}

// Weights of the BM25 scores in the hybrid fusion; the vector scores get the rest. Each was
// chosen on the even-numbered demo questions, where it scores the best recall@5 and then
// MRR (TestFusionWeightChosenOnEvenHalf, TestRetrievalDemoMiniLM), and checked on the
// odd-numbered ones.
const (
	// bm25WeightBuiltin: the built-in embedder sees the words BM25 sees, so BM25 leads and
	// the vectors reorder its hits (0.8 and 0.9 tie; 0.8 leaves the vectors more say).
	bm25WeightBuiltin = 0.8
	// bm25WeightModel: a model's embeddings (MiniLM measured) find passages that share no
	// word with the question, so they get the larger part.
	bm25WeightModel = 0.3
)

// bm25Weight is the fusion weight of BM25 next to emb's vectors.
func bm25Weight(emb llm.Embedder) float64 {
	if _, ok := emb.(*HashEmbedder); ok {
		return bm25WeightBuiltin
	}
	return bm25WeightModel
}

// fuse merges a BM25 and a vector ranking by a convex combination of their scores, each
// min-max normalised over its retriever's candidates (best 1, last 0; a chunk missing from
// a list gets 0 there). Unlike reciprocal rank fusion it keeps how far apart the scores
// are, so a clear BM25 winner is not overtaken by a chunk two middling ranks put together
// (Bruch et al., "An Analysis of Fusion Functions for Hybrid Retrieval", 2023).
func fuse(lex, vec []scored, wlex float64) []scored {
	acc := map[int32]float64{}
	addNormalized(acc, lex, wlex)
	addNormalized(acc, vec, 1-wlex)
	out := make([]scored, 0, len(acc))
	for d, s := range acc {
		out = append(out, scored{d, s})
	}
	return topK(out, len(out))
}

// addNormalized adds w times the min-max normalised scores of list (best first) to acc.
func addNormalized(acc map[int32]float64, list []scored, w float64) {
	if len(list) == 0 {
		return
	}
	hi, lo := list[0].score, list[len(list)-1].score
	for _, s := range list {
		x := 1.0
		if hi > lo {
			x = (s.score - lo) / (hi - lo)
		}
		acc[s.doc] += w * x
	}
}
