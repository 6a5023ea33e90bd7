package testmodel

import (
	"fmt"
	"math"
	"math/rand/v2"

	"tutor/model"
)

// Adapter returns a random LoRA adapter of rank r for the model o describes, adapting the
// attention projections and the feed-forward up projection of every layer. B is not zero,
// so the adapter changes the model's output.
func Adapter(o Options, r int, seed uint64) *model.Adapter {
	o = o.withDefaults()
	rng := rand.New(rand.NewPCG(seed, 0xada))
	C, F := o.Dim, o.FFN
	KV := C / o.Heads * o.KVHeads
	a := &model.Adapter{Alpha: float32(2 * r), Rank: r, Arch: o.Arch, Tensors: map[string]model.LoRA{}}
	normal := func(n int, std float64) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(std * rng.NormFloat64())
		}
		return x
	}
	for i := range o.Layers {
		for _, t := range []struct {
			name    string
			in, out int
		}{{"attn_q", C, C}, {"attn_k", C, KV}, {"attn_v", C, KV}, {"attn_output", C, C}, {"ffn_up", C, F}} {
			a.Tensors[fmt.Sprintf("blk.%d.%s.weight", i, t.name)] = model.LoRA{
				A: normal(r*t.in, 1/math.Sqrt(float64(t.in))), // [r, in]
				B: normal(t.out*r, 0.5/math.Sqrt(float64(r))), // [out, r]
			}
		}
	}
	return a
}
