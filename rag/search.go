package rag

import (
	"context"
	"strings"

	"tutor"
)

// rrfK is the constant of reciprocal rank fusion: a hit at rank r in one list adds 1/(rrfK+r).
const rrfK = 60

// candidates is how deep each retriever's list goes before fusion.
func candidates(k int) int { return max(50, 10*k) }

// Search returns the chunks that best answer query. In hybrid mode (the default) BM25 and
// vector rankings are fused by reciprocal rank and Score is the fused score; in bm25 or
// vector mode Score is the BM25 score or the cosine similarity. Hits scoring below
// opts.MinScore are dropped.
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
	return ix.mem.search(Terms(query), qvec, mode, opts), nil
}

// search ranks in memory; qvec is nil in bm25 mode.
func (m *memIndex) search(terms []string, qvec []float32, mode string, opts SearchOptions) []Hit {
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
		ranked = fuse(lex, vec, vectorWeight)
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

// vectorWeight is the weight of the vector ranking in the fusion; BM25's is 1. Plain RRF:
// the demo measurements showed no honest reason to favour either.
const vectorWeight = 1.0

// fuse merges a BM25 and a vector ranking by weighted reciprocal rank fusion.
func fuse(lex, vec []scored, wvec float64) []scored {
	acc := map[int32]float64{}
	for i, s := range lex {
		acc[s.doc] += 1.0 / float64(rrfK+i+1)
	}
	for i, s := range vec {
		acc[s.doc] += wvec / float64(rrfK+i+1)
	}
	out := make([]scored, 0, len(acc))
	for d, s := range acc {
		out = append(out, scored{d, s})
	}
	return topK(out, len(out))
}
