package finetune

import (
	"math"
	"testing"
)

// TestKernelMatchesReference runs one forward and backward pass with the project's kernel and
// with the plain reference matmul and expects the same LoRA gradients: every transpose, alpha
// and beta combination the trainer uses goes through both.
func TestKernelMatchesReference(t *testing.T) {
	run := func(mm func(bool, bool, int, int, int, float32, []float32, int, []float32, int, float32, []float32, int)) []float32 {
		saved := gemm
		gemm = mm
		defer func() { gemm = saved }()
		s := tinyShape(false)
		s.Dim, s.FFN, s.HeadDim = 32, 48, 8
		w := mustRandomWeights(t, s, false, 4)
		l := randomLoRA(s, 4, 8, 5)
		l.Dropout = 0.2
		n := newNet(w, nil, l, 16)
		backprop(n, 9, true)
		var g []float32
		for _, p := range l.Params() {
			g = append(g, grad(p.Param)...)
		}
		return g
	}
	want, got := run(naiveGemm), run(gemm)
	for i := range want {
		if d := math.Abs(float64(want[i] - got[i])); d > 1e-4*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("gradient %d: reference %v, kernel %v", i, want[i], got[i])
		}
	}
}
