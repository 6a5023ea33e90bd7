package rag

import (
	"context"
	"hash/fnv"
	"math"
	"strconv"
	"unicode/utf8"
)

// HashEmbedder is the built-in embedder: it needs no model. Each text becomes a bag of
// features — the index terms of [Terms] (stemmed English words, Chinese characters and
// bigrams) plus the character trigrams of every English word, so "reimburse" and
// "reimbursement" share most of their features — hashed into Dim signed buckets with
// sublinear term-frequency weights and a fixed weight per feature kind, then L2-normalised.
type HashEmbedder struct {
	Dim int
}

// NewHashEmbedder returns the built-in embedder with dim dimensions (0: 384).
func NewHashEmbedder(dim int) *HashEmbedder {
	if dim <= 0 {
		dim = 384
	}
	return &HashEmbedder{Dim: dim}
}

// Name identifies the embedder, its version and dimension.
func (h *HashEmbedder) Name() string { return "builtin-hash-v1-" + strconv.Itoa(h.Dim) }

// Embed returns one L2-normalised vector per text.
func (h *HashEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out[i] = h.vector(t)
	}
	return out, nil
}

// Feature weights: whole terms carry the meaning; trigrams only bridge word forms.
const (
	weightTerm    = 1.0
	weightTrigram = 0.35
)

func (h *HashEmbedder) vector(text string) []float32 {
	tf := map[string]float64{}
	for _, t := range Terms(text) {
		tf[t] += weightTerm
		if r, _ := utf8.DecodeRuneInString(t); isCJK(r) || len(t) < 4 {
			continue
		}
		w := "<" + t + ">"
		for i := 0; i+3 <= len(w); i++ {
			tf["#"+w[i:i+3]] += weightTrigram
		}
	}
	v := make([]float32, h.Dim)
	for f, n := range tf {
		hs := fnv.New64a()
		hs.Write([]byte(f))
		x := hs.Sum64()
		w := float32(1 + math.Log(n))
		if n < 1 {
			w = float32(n)
		}
		if x>>63 == 1 {
			w = -w
		}
		v[x%uint64(h.Dim)] += w
	}
	normalize(v)
	return v
}

// normalize scales v to unit length in place; a zero vector stays zero.
func normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
}
