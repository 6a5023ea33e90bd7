package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Gemm sums in float32 with FMA in blocks of 256; against a float64 reference
// the error is bounded by a few ulps times sqrt(k) of the sum of |a·b|, so
// results are checked to 1e-5·(Σ|a||b| + |beta·c|) per element.
const gemmTol = 1e-5

func TestGemmMatchesNaive(t *testing.T) {
	withEachArch(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		shapes := [][3]int{{1, 1, 1}, {6, 16, 8}, {7, 17, 9}, {5, 15, 3}, {13, 33, 257}, {97, 65, 300},
			{1, 100, 576}, {64, 48, 1}, {12, 800, 70}, {200, 31, 513}, {130, 40, 20}}
		for i := 0; i < 12; i++ {
			shapes = append(shapes, [3]int{1 + r.IntN(70), 1 + r.IntN(90), 1 + r.IntN(600)})
		}
		for _, s := range shapes {
			for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
				checkGemmCase(t, r, tr[0], tr[1], s[0], s[1], s[2])
			}
		}
	})
}

func checkGemmCase(t *testing.T, r *rand.Rand, transA, transB bool, m, n, k int) {
	t.Helper()
	// Leading dimensions larger than the rows, to catch stride mistakes.
	lda, ldb, ldc := k+r.IntN(3), n+r.IntN(3), n+r.IntN(3)
	ar := m
	if transA {
		lda, ar = m+r.IntN(3), k
	}
	br := k
	if transB {
		ldb, br = k+r.IntN(3), n
	}
	a := randSlice(r, ar*lda)
	b := randSlice(r, br*ldb)
	c := randSlice(r, m*ldc)
	alpha, beta := float32(r.NormFloat64()), float32(r.NormFloat64())
	if r.IntN(3) == 0 {
		beta = 0
		for i := range c {
			c[i] = float32(math.NaN())
		}
	}
	want := append([]float32(nil), c...)
	naiveGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
	got := append([]float32(nil), c...)
	Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, got, ldc)
	for i := 0; i < m; i++ {
		for j := 0; j < ldc; j++ {
			g, w := got[i*ldc+j], want[i*ldc+j]
			if j >= n {
				if math.Float32bits(g) != math.Float32bits(c[i*ldc+j]) {
					t.Fatalf("%v%v %dx%dx%d: C[%d,%d] past n changed", transA, transB, m, n, k, i, j)
				}
				continue
			}
			scale := 0.0
			if beta != 0 {
				scale = math.Abs(float64(beta) * float64(c[i*ldc+j]))
			}
			for p := 0; p < k; p++ {
				av, bv := at(a, lda, i, p, transA), at(b, ldb, p, j, transB)
				scale += math.Abs(float64(alpha) * float64(av) * float64(bv))
			}
			if !closeRel(float64(g), float64(w), scale+1e-30, gemmTol) {
				t.Fatalf("transA=%v transB=%v %dx%dx%d: C[%d,%d] = %g, want %g", transA, transB, m, n, k, i, j, g, w)
			}
		}
	}
}

func TestGemmLargeShapes(t *testing.T) {
	// Shapes that cross the kc, mc and tile boundaries and use every worker.
	r := rand.New(rand.NewPCG(3, 4))
	for _, s := range [][3]int{{100, 800, 300}, {200, 40, 520}, {300, 70, 40}} {
		for _, tr := range [][2]bool{{false, true}, {false, false}, {true, false}} {
			checkGemmCase(t, r, tr[0], tr[1], s[0], s[1], s[2])
		}
	}
}

func TestGemmZeroSizes(t *testing.T) {
	c := []float32{1, 2, 3, 4}
	Gemm(false, false, 2, 2, 0, 1, nil, 1, nil, 2, 2, c, 2)
	if c[0] != 2 || c[3] != 8 {
		t.Fatalf("k=0 must scale C by beta, got %v", c)
	}
	Gemm(false, false, 0, 0, 5, 1, nil, 5, nil, 1, 0, nil, 1)
}

func TestGemmPanicsOnShortSlices(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a short A")
		}
	}()
	Gemm(false, false, 2, 2, 2, 1, make([]float32, 3), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2)
}

// TestGemmSerialMatchesGemm expects the single-goroutine product to equal the parallel one
// bit for bit: a tile of C is summed the same way whichever goroutine computes it.
func TestGemmSerialMatchesGemm(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	m, n, k := 300, 800, 300
	a, b, c := randSlice(r, m*k), randSlice(r, k*n), randSlice(r, m*n)
	want, got := append([]float32(nil), c...), append([]float32(nil), c...)
	Gemm(false, true, m, n, k, 0.5, a, k, b, k, 1, want, n)
	GemmSerial(false, true, m, n, k, 0.5, a, k, b, k, 1, got, n)
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("element %d: serial %v, parallel %v", i, got[i], want[i])
		}
	}
	if math.Float32bits(got[0]) == math.Float32bits(c[0]) {
		t.Fatal("GemmSerial left C unchanged")
	}
}
