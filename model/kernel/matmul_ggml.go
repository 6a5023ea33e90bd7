package kernel

// The batched products below compute, for n activation rows at once, exactly
// what the matching MatVec…GGML computes for each row alone — the same
// kernel runs on the same row of W and the same converted x — so a token's
// result never depends on the tokens batched with it. The batch only changes
// the memory traffic: W is cut into blocks of about 32 KiB that stay in the
// cache while every activation row passes over them, so W streams from
// memory once per call instead of once per row.

// MatMulF32GGML sets y [n, rows] = x [n, cols] Wᵀ for float32 W [rows, cols],
// row by row as [MatVecF32GGML].
func MatMulF32GGML(w []float32, rows, cols int, x, y []float32, n int) {
	checkMatMul("MatMulF32GGML", len(w), rows*cols, rows, cols, x, y, n)
	blockRows(rows, cols*4, n, func(r0, r1, t int) {
		xt, yt := x[t*cols:(t+1)*cols], y[t*rows:(t+1)*rows]
		if useAVX2 {
			matVecF32F64AVX2(w[r0*cols:r1*cols], cols, xt, yt[r0:r1])
			return
		}
		for r := r0; r < r1; r++ {
			var s float64
			for c, v := range w[r*cols : (r+1)*cols] {
				s += float64(v * xt[c])
			}
			yt[r] = float32(s)
		}
	})
}

// MatMulF16GGML sets y [n, rows] = x [n, cols] Wᵀ for half-precision W
// [rows, cols], row by row as [MatVecF16GGML].
func MatMulF16GGML(w []uint16, rows, cols int, x, y []float32, n int) {
	checkMatMul("MatMulF16GGML", len(w), rows*cols, rows, cols, x, y, n)
	sp := getScratch(n * cols)
	defer putScratch(sp)
	xr := (*sp)[:n*cols]
	RoundF16(xr, x[:n*cols])
	blockRows(rows, cols*2, n, func(r0, r1, t int) {
		xt, yt := xr[t*cols:(t+1)*cols], y[t*rows:(t+1)*rows]
		switch {
		case useAVX512 && useAVX2:
			matVecF16F64AVX512(w[r0*cols:r1*cols], cols, xt, yt[r0:r1])
		case useAVX2:
			matVecF16F64AVX2(w[r0*cols:r1*cols], cols, xt, yt[r0:r1])
		default:
			for r := r0; r < r1; r++ {
				var s float64
				for c, h := range w[r*cols : (r+1)*cols] {
					s += float64(F16ToF32(h) * xt[c])
				}
				yt[r] = float32(s)
			}
		}
	})
}

// MatMulQ8_0GGML sets y [n, rows] = x [n, cols] Wᵀ for Q8_0 W [rows, cols],
// row by row as [MatVecQ8_0GGML].
func MatMulQ8_0GGML(w []byte, rows, cols int, x, y []float32, n int) {
	checkQ8(w, rows, cols)
	nb := cols / Q8_0BlockSize
	rb := nb * Q8_0BlockBytes
	checkMatMul("MatMulQ8_0GGML", len(w), rows*rb, rows, cols, x, y, n)
	bp := q8ScratchPool.Get().(*[]byte)
	defer q8ScratchPool.Put(bp)
	if cap(*bp) < n*rb {
		*bp = make([]byte, n*rb)
	}
	xq := (*bp)[:n*rb]
	for t := range n {
		QuantizeQ8_0(xq[t*rb:(t+1)*rb], x[t*cols:(t+1)*cols])
	}
	blockRows(rows, rb, n, func(r0, r1, t int) {
		q8Rows(w, nb, xq[t*rb:(t+1)*rb], y[t*rows:(t+1)*rows], r0, r1)
	})
}

// blockRows runs fn(r0, r1, t) for every activation row t < n and every
// block [r0, r1) of about 32 KiB of weights (rowBytes each), blocks spread
// over the cores and each block taken by all of t in turn.
func blockRows(rows, rowBytes, n int, fn func(r0, r1, t int)) {
	block := max(1, min(rows, (32<<10)/max(rowBytes, 1)))
	if n == 1 {
		block = rows // one pass: matVecRows' chunking is as good
	}
	matVecRows(rows, rowBytes, 1, func(c0, c1 int) {
		for r0 := c0; r0 < c1; r0 += block {
			r1 := min(r0+block, c1)
			for t := range n {
				fn(r0, r1, t)
			}
		}
	})
}

func checkMatMul(name string, lw, need, rows, cols int, x, y []float32, n int) {
	if n < 0 || rows < 0 || cols < 0 {
		panic("kernel: " + name + ": negative shape")
	}
	if lw < need || len(x) < n*cols || len(y) < n*rows {
		panic("kernel: " + name + ": weights, x or y shorter than the shape")
	}
}
