package finetune

import (
	"runtime"
	"sync"

	"tutor/model/kernel"
)

// gemmFunc is the signature of gemm.
type gemmFunc = func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// gemm computes C = alpha·op(A)·op(B) + beta·C on row-major matrices, op(A) [m,k], op(B) [k,n]:
// the project's blocked SIMD kernel.
var gemm = kernel.Gemm

// naiveGemm is a plain multi-core reference for the kernel, used by tests and benchmarks.
func naiveGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	workers := min(runtime.GOMAXPROCS(0), m)
	if workers <= 1 || m*n*k < 1<<15 {
		gemmRows(transA, transB, 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	var wg sync.WaitGroup
	per := (m + workers - 1) / workers
	for lo := 0; lo < m; lo += per {
		hi := min(lo+per, m)
		wg.Go(func() { gemmRows(transA, transB, lo, hi, n, k, alpha, a, lda, b, ldb, beta, c, ldc) })
	}
	wg.Wait()
}

func gemmRows(transA, transB bool, lo, hi, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	arow := make([]float32, k)
	for i := lo; i < hi; i++ {
		for p := range k {
			if transA {
				arow[p] = a[p*lda+i]
			} else {
				arow[p] = a[i*lda+p]
			}
		}
		crow := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(crow)
		} else if beta != 1 {
			for j := range crow {
				crow[j] *= beta
			}
		}
		if transB {
			for j := range n {
				brow := b[j*ldb : j*ldb+k]
				var s float32
				for p, v := range brow {
					s += arow[p] * v
				}
				crow[j] += alpha * s
			}
			continue
		}
		for p := range k {
			ap := alpha * arow[p]
			if ap == 0 {
				continue
			}
			brow := b[p*ldb : p*ldb+n]
			for j, v := range brow {
				crow[j] += ap * v
			}
		}
	}
}
