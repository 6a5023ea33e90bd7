package rag

import (
	"container/heap"
	"math"
	"sort"
)

// bm25 is an inverted index over chunk texts with Okapi BM25 scoring.
type bm25 struct {
	k1, b    float64
	postings map[string][]posting
	lengths  []int32 // terms per chunk
	total    int64
}

type posting struct {
	doc int32 // position of the chunk in the index
	tf  int32
}

func newBM25() *bm25 { return &bm25{k1: 1.2, b: 0.75, postings: map[string][]posting{}} }

// add indexes the terms of the next chunk; chunks are numbered in the order added.
func (x *bm25) add(terms []string) {
	doc := int32(len(x.lengths))
	tf := map[string]int32{}
	for _, t := range terms {
		tf[t]++
	}
	for t, n := range tf {
		x.postings[t] = append(x.postings[t], posting{doc: doc, tf: n})
	}
	x.lengths = append(x.lengths, int32(len(terms)))
	x.total += int64(len(terms))
}

type scored struct {
	doc   int32
	score float64
}

// search returns up to k chunks by BM25 score for the query terms, best first; keep, when
// not nil, filters chunk positions.
func (x *bm25) search(query []string, k int, keep func(int32) bool) []scored {
	n := len(x.lengths)
	if n == 0 || k <= 0 {
		return nil
	}
	avg := float64(x.total) / float64(n)
	acc := make([]float32, n) // dense accumulators: far cheaper than a map at 100k chunks
	var touched []int32
	seen := map[string]bool{}
	for _, t := range query {
		if seen[t] {
			continue
		}
		seen[t] = true
		ps := x.postings[t]
		if len(ps) == 0 {
			continue
		}
		idf := math.Log(1 + (float64(n)-float64(len(ps))+0.5)/(float64(len(ps))+0.5))
		for _, p := range ps {
			tf := float64(p.tf)
			norm := x.k1 * (1 - x.b + x.b*float64(x.lengths[p.doc])/avg)
			if acc[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			acc[p.doc] += float32(idf * tf * (x.k1 + 1) / (tf + norm))
		}
	}
	h := &minHeap{}
	for _, d := range touched {
		if keep != nil && !keep(d) {
			continue
		}
		s := float64(acc[d])
		if h.Len() < k {
			heap.Push(h, scored{d, s})
		} else if s > (*h)[0].score {
			(*h)[0] = scored{d, s}
			heap.Fix(h, 0)
		}
	}
	out := make([]scored, h.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(h).(scored)
	}
	return out
}

// topK sorts by score, highest first (ties by position), and keeps k.
func topK(s []scored, k int) []scored {
	sort.Slice(s, func(i, j int) bool {
		if s[i].score != s[j].score {
			return s[i].score > s[j].score
		}
		return s[i].doc < s[j].doc
	})
	if len(s) > k {
		s = s[:k]
	}
	return s
}
