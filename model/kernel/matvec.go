package kernel

import "fmt"

// Q8_0 block layout (ggml): per 32 weights, a half-precision scale then 32
// signed bytes; weight = scale·q.
const (
	Q8_0BlockSize  = 32
	Q8_0BlockBytes = 34
)

// MatVecF32 computes y = W·x for W [rows×cols] row-major float32.
func MatVecF32(w []float32, rows, cols int, x, y []float32) {
	checkMatVec("MatVecF32", len(w), rows*cols, cols, x, y, rows)
	matVecRows(rows, cols, 4, func(r0, r1 int) {
		if useAVX2 {
			matVecF32AVX2(w[r0*cols:r1*cols], cols, x[:cols], y[r0:r1])
			return
		}
		for r := r0; r < r1; r++ {
			y[r] = dotGeneric(w[r*cols:(r+1)*cols], x[:cols])
		}
	})
}

// MatVecF16 computes y = W·x for W [rows×cols] of IEEE half bits, with x in
// float32 and float32 accumulation: the most accurate product, and no
// rounding of x (see [MatVecF16GGML] for ggml's semantics).
func MatVecF16(w []uint16, rows, cols int, x, y []float32) {
	checkMatVec("MatVecF16", len(w), rows*cols, cols, x, y, rows)
	matVecRows(rows, cols, 2, func(r0, r1 int) {
		if useAVX2 {
			matVecF16AVX2(w[r0*cols:r1*cols], cols, x[:cols], y[r0:r1])
			return
		}
		for r := r0; r < r1; r++ {
			var s float32
			for c, h := range w[r*cols : (r+1)*cols] {
				s += F16ToF32(h) * x[c]
			}
			y[r] = s
		}
	})
}

// MatVecQ8_0 computes y = W·x for W [rows×cols] in ggml Q8_0 blocks (cols a
// multiple of 32), with x in float32: weights are dequantized in registers,
// never in memory (see [MatVecQ8_0GGML] for ggml's semantics).
func MatVecQ8_0(w []byte, rows, cols int, x, y []float32) {
	checkQ8(w, rows, cols)
	checkMatVec("MatVecQ8_0", len(w), rows*(cols/Q8_0BlockSize)*Q8_0BlockBytes, cols, x, y, rows)
	rb := cols / Q8_0BlockSize * Q8_0BlockBytes
	matVecRows(rows, rb, 1, func(r0, r1 int) {
		if useAVX2 {
			matVecQ8AVX2(w[r0*rb:r1*rb], cols, x[:cols], y[r0:r1])
			return
		}
		for r := r0; r < r1; r++ {
			var s float32
			row := w[r*rb : (r+1)*rb]
			for b := 0; b < cols/Q8_0BlockSize; b++ {
				blk := row[b*Q8_0BlockBytes : (b+1)*Q8_0BlockBytes]
				var bs float32
				for j, q := range blk[2:] {
					bs += float32(int8(q)) * x[b*Q8_0BlockSize+j]
				}
				s += F16ToF32(uint16(blk[0])|uint16(blk[1])<<8) * bs
			}
			y[r] = s
		}
	})
}

// matVecRows splits rows into chunks of about 64 KiB of weights (rowBytes
// each), spread over the workers; a small matrix stays on the caller.
func matVecRows(rows, rowBytes, elemBytes int, fn func(r0, r1 int)) {
	total := rows * rowBytes * elemBytes
	if total < 96<<10 || workers() == 1 {
		fn(0, rows)
		return
	}
	chunk := max(8, (64<<10)/(rowBytes*elemBytes))
	chunk = min(chunk, ceilDiv(rows, 2*workers()))
	n := ceilDiv(rows, chunk)
	parallelFor(n, func(_, t int) {
		fn(t*chunk, min((t+1)*chunk, rows))
	})
}

func checkMatVec(name string, lw, need, cols int, x, y []float32, rows int) {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("kernel: %s: negative shape %d×%d", name, rows, cols))
	}
	if lw < need || len(x) < cols || len(y) < rows {
		panic(fmt.Sprintf("kernel: %s: %d×%d needs %d weights, x of %d, y of %d; got %d, %d, %d",
			name, rows, cols, need, cols, rows, lw, len(x), len(y)))
	}
}

func checkQ8(w []byte, rows, cols int) {
	if cols%Q8_0BlockSize != 0 {
		panic(fmt.Sprintf("kernel: Q8_0 row of %d columns is not a multiple of %d", cols, Q8_0BlockSize))
	}
}
