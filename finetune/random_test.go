package finetune

import (
	"math/rand/v2"
	"testing"
)

// tinyShape is a model small enough for finite differences: GQA with 4 query and 2 KV heads.
func tinyShape(neox bool) Shape {
	return Shape{Vocab: 11, Dim: 8, Layers: 2, Heads: 4, KVHeads: 2, HeadDim: 4, FFN: 12,
		NormEps: 1e-5, RopeTheta: 10000, RopeNeox: neox, Context: 16}
}

// mustRandomWeights fills a model with small random weights and norms near one.
func mustRandomWeights(tb testing.TB, s Shape, tied bool, seed uint64) *Weights {
	tb.Helper()
	if err := s.Validate(); err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	w := NewWeights(s, tied)
	fill := func(x []float32, center, spread float64) {
		for i := range x {
			x[i] = float32(center + spread*(2*rng.Float64()-1))
		}
	}
	fill(w.TokEmb, 0, 1)
	if !tied {
		fill(w.Output, 0, 0.5)
	}
	fill(w.OutNorm, 1, 0.2)
	for i := range w.Layers {
		l := &w.Layers[i]
		fill(l.AttnNorm, 1, 0.2)
		fill(l.FFNNorm, 1, 0.2)
		for _, m := range [][]float32{l.Wq, l.Wk, l.Wv, l.Wo, l.Wgate, l.Wup, l.Wdown} {
			fill(m, 0, 0.5)
		}
	}
	return w
}
