package kernel

import (
	"fmt"
	"sync"
)

// Gemm computes C = alpha·op(A)·op(B) + beta·C with BLAS sgemm semantics on
// row-major matrices: op(A) is m×k (A is stored k×m with leading dimension
// lda when transA), op(B) is k×n (B is stored n×k when transB), C is m×n.
// When beta is 0, C is overwritten without being read, so NaNs in it vanish.
//
// The work is split into tiles of C computed in parallel on all cores; B is
// packed into cache-sized panels, A is read in place (or packed when
// transposed), so neither operand is ever copied whole.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmOn(parallelFor, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// GemmSerial is [Gemm] computed on the calling goroutine alone, for callers that already keep
// every core busy with products of their own.
func GemmSerial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmOn(func(n int, fn func(worker, task int)) {
		for t := range n {
			fn(0, t)
		}
	}, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func gemmOn(run func(n int, fn func(worker, task int)), transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	p := gemmParams{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
		a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc}
	ar := currentGemmArch()
	tm, tn, rows, cols := planTiles(ar, m, n, k)
	run(rows*cols, func(w, t int) {
		i0, j0 := (t/cols)*tm, (t%cols)*tn
		s := gemmScratchPool.Get().(*gemmScratch)
		gemmTile(ar, s, &p, i0, min(i0+tm, m), j0, min(j0+tn, n))
		gemmScratchPool.Put(s)
	})
}

// MatMulNT computes dst[m×n] = x[m×k] · wᵀ where w is stored [n×k] row-major
// (the layout of GGUF and PyTorch weights): the forward pass Y = X·Wᵀ.
func MatMulNT(dst, x, w []float32, m, k, n int) {
	Gemm(false, true, m, n, k, 1, x, k, w, k, 0, dst, n)
}

// MatMulNN computes dst[m×n] = x[m×k] · w[k×n]: the input gradient
// dX = dY·W of a layer whose weight w is stored [out=k, in=n].
func MatMulNN(dst, x, w []float32, m, k, n int) {
	Gemm(false, false, m, n, k, 1, x, k, w, n, 0, dst, n)
}

// MatMulTN computes dst[m×n] = aᵀ · b where a is stored [k×m] and b [k×n]:
// the weight gradient dW = dYᵀ·X with dY [tokens×out] and X [tokens×in].
// When accumulate is true the product is added to dst instead of replacing it.
func MatMulTN(dst, a, b []float32, m, k, n int, accumulate bool) {
	var beta float32
	if accumulate {
		beta = 1
	}
	Gemm(true, false, m, n, k, 1, a, m, b, n, beta, dst, n)
}

type gemmParams struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
}

// gemmArch is one micro-kernel: it adds alpha·A·B to an mr×nr tile of C, or
// with set stores it there without reading C, reading A at a[r*rsa+p*csa]
// and B from a packed sliver (nr floats per p).
type gemmArch struct {
	mr, nr int
	kernel func(kc int, a []float32, rsa, csa int, b []float32, c []float32, ldc int, alpha float32, set bool)
	packBT func(dst, b []float32, ldb, j0, cols, p0, kc, nr int)
}

// Cache blocking: a B sliver of kc×nr floats stays in L1 (16 KiB for
// AVX2), an A block of mc×kc in L2; tiles of C are cut so that every core
// gets several and B panels stay in L3.
const (
	gemmKC    = 256
	gemmMC    = 96
	gemmMaxTN = 768
	gemmMaxTM = 1536
)

type gemmScratch struct {
	a, edge, b, tmp []float32
}

var gemmScratchPool = sync.Pool{New: func() any {
	return &gemmScratch{
		a:    make([]float32, gemmMC*gemmKC),
		edge: make([]float32, 16*gemmKC),
		b:    make([]float32, gemmKC*(gemmMaxTN+32)),
		tmp:  make([]float32, 32*32),
	}
}}

// planTiles cuts C into rows×cols tiles of tm×tn, multiples of the
// micro-tile, with enough tiles to keep every worker busy.
func planTiles(ar *gemmArch, m, n, k int) (tm, tn, rows, cols int) {
	rows = ceilDiv(m, gemmMaxTM)
	cols = ceilDiv(n, gemmMaxTN)
	w := workers()
	// Below ~1 MFLOP per tile the goroutine hand-off costs more than it saves.
	for rows*cols < 2*w && 2*m*n*k/(rows*cols) > 1<<21 {
		tmNow, tnNow := ceilDiv(m, rows), ceilDiv(n, cols)
		switch {
		// Columns first: a tile with all of A's rows packs its B panel once.
		case tnNow >= 4*ar.nr:
			cols++
		case tmNow >= 2*ar.mr:
			rows++
		default:
			goto done
		}
	}
done:
	tm = roundUp(ceilDiv(m, rows), ar.mr)
	tn = roundUp(ceilDiv(n, cols), ar.nr)
	return tm, tn, ceilDiv(m, tm), ceilDiv(n, tn)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
func roundUp(a, b int) int { return ceilDiv(a, b) * b }

func checkGemm(transA, transB bool, m, n, k, la, lda, lb, ldb, lc, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernel: Gemm: negative shape m=%d n=%d k=%d", m, n, k))
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMatrix("A", ar, ac, la, lda)
	checkMatrix("B", br, bc, lb, ldb)
	checkMatrix("C", m, n, lc, ldc)
}

func checkMatrix(name string, rows, cols, length, ld int) {
	if ld < max(cols, 1) {
		panic(fmt.Sprintf("kernel: Gemm: leading dimension of %s is %d, below its %d columns", name, ld, cols))
	}
	if rows > 0 && cols > 0 && length < (rows-1)*ld+cols {
		panic(fmt.Sprintf("kernel: Gemm: %s has %d elements, its %d×%d shape (ld %d) needs %d", name, length, rows, cols, ld, (rows-1)*ld+cols))
	}
}
