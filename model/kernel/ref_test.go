package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naiveGemm is the textbook triple loop in float64, the reference every
// Gemm result is checked against.
func naiveGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				av, bv := at(a, lda, i, p, transA), at(b, ldb, p, j, transB)
				s += float64(av) * float64(bv)
			}
			old := float64(0)
			if beta != 0 {
				old = float64(beta) * float64(c[i*ldc+j])
			}
			c[i*ldc+j] = float32(float64(alpha)*s + old)
		}
	}
}

// at returns element (i, j) of op(X) for X stored row-major with leading
// dimension ld.
func at(x []float32, ld, i, j int, trans bool) float32 {
	if trans {
		return x[j*ld+i]
	}
	return x[i*ld+j]
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

// withEachArch runs f once with each SIMD level the CPU has (AVX-512,
// AVX2) and once with the pure Go kernels.
func withEachArch(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	s2, s512 := useAVX2, useAVX512
	defer func() { useAVX2, useAVX512 = s2, s512 }()
	if s512 {
		t.Run("avx512", f)
	}
	useAVX512 = false
	if s2 {
		t.Run("avx2", f)
	}
	useAVX2 = false
	t.Run("generic", f)
}

// closeRel reports whether got is within tol of want relative to scale.
func closeRel(got, want, scale, tol float64) bool {
	if math.IsNaN(got) || math.IsNaN(want) {
		return math.IsNaN(got) == math.IsNaN(want)
	}
	return math.Abs(got-want) <= tol*scale
}
