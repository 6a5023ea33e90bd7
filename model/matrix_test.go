package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"tutor/model/ggml"
)

// TestMatVecMatchesGGML checks Matrix.MatVec and Matrix.MatMul, which runs package kernel's SIMD products for
// F32, F16 and Q8_0, against package ggml's scalar reference for every supported type:
// within one float32 ulp (the order of float64 additions may differ), quantized types bit
// for bit.
func TestMatVecMatchesGGML(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	rows, cols := 300, 512
	x := make([]float32, cols)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	w := make([]float32, rows*cols)
	for i := range w {
		w[i] = float32(0.05 * r.NormFloat64())
	}
	for _, typ := range []ggml.Type{ggml.F32, ggml.F16, ggml.BF16, ggml.Q8_0, ggml.Q4_0, ggml.Q4_K, ggml.Q6_K} {
		data, err := ggml.Quantize(typ, w)
		if err != nil {
			t.Fatal(err)
		}
		m, err := NewMatrix("w", typ, rows, cols, data)
		if err != nil {
			t.Fatal(err)
		}
		got, want := make([]float32, rows), make([]float32, rows)
		m.MatVec(got, x)
		ggml.MatVec(typ, data, rows, cols, x, want)
		for i := range got {
			d := int64(math.Float32bits(got[i])) - int64(math.Float32bits(want[i]))
			if d > 1 || d < -1 || (typ.BlockSize() > 1 && d != 0) {
				t.Fatalf("%s row %d: %g, ggml %g", typ, i, got[i], want[i])
			}
		}
		// MatMul on a batch of three gives each row what MatVec gives it alone.
		xs := append(append(append([]float32(nil), x...), w[:cols]...), x...)
		batch := make([]float32, 3*rows)
		m.MatMul(batch, xs, 3)
		for tk := range 3 {
			m.MatVec(got, xs[tk*cols:(tk+1)*cols])
			for i := range got {
				if math.Float32bits(batch[tk*rows+i]) != math.Float32bits(got[i]) {
					t.Fatalf("%s: MatMul row %d of token %d = %g, MatVec %g", typ, i, tk, batch[tk*rows+i], got[i])
				}
			}
		}
	}
}
