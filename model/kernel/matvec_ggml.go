package kernel

import (
	"math"
	"sync"
)

// The GGML variants reproduce what Ollama v0.6.5 computes on the CPU, so a
// greedy decode agrees with it token for token. Its ggml is built by cgo
// without -march flags, so the baseline x86-64 (scalar) paths run:
//
//   - F16 weights: the activation row is rounded to half precision first
//     (ggml_fp32_to_fp16_row, ties to even); each product of two halves is
//     exact in float32 and is summed in float64 (ggml_vec_dot_f16), the sum
//     rounded to float32 once. Here the float64 sums run in SIMD lanes, so
//     only the order of float64 additions differs, far below float32's ulp.
//   - Q8_0 weights: the activation is quantized to Q8_0 blocks
//     (quantize_row_q8_0_ref: d = amax/127, q = roundf(x/d), d stored as a
//     half); each block's dot is an exact integer sum, and the row sum is
//     sumf += float(sumi)·(dw·dx) in float32, block after block
//     (ggml_vec_dot_q8_0_q8_0) — reproduced here bit for bit.

// MatVecF32GGML computes y = W·x for float32 W with ggml's semantics: each
// product rounded to float32, the products summed in float64.
func MatVecF32GGML(w []float32, rows, cols int, x, y []float32) {
	checkMatVec("MatVecF32GGML", len(w), rows*cols, cols, x, y, rows)
	MatMulF32GGML(w, rows, cols, x[:cols], y[:rows], 1)
}

// MatVecF16GGML computes y = W·x for half-precision W with ggml's
// semantics: x rounded to half, products summed in float64.
func MatVecF16GGML(w []uint16, rows, cols int, x, y []float32) {
	checkMatVec("MatVecF16GGML", len(w), rows*cols, cols, x, y, rows)
	MatMulF16GGML(w, rows, cols, x[:cols], y[:rows], 1)
}

// QuantizeQ8_0 quantizes x (a multiple of 32 long) into dst as ggml's
// quantize_row_q8_0_ref does, the form ggml gives activations before a
// Q8_0 dot product. dst must hold len(x)/32·34 bytes.
func QuantizeQ8_0(dst []byte, x []float32) {
	checkQ8(nil, 1, len(x))
	nb := len(x) / Q8_0BlockSize
	dst = dst[:nb*Q8_0BlockBytes]
	for b := 0; b < nb; b++ {
		xs := x[b*Q8_0BlockSize : (b+1)*Q8_0BlockSize]
		var amax float32
		for _, v := range xs {
			amax = max(amax, float32(math.Abs(float64(v))))
		}
		d := amax / 127
		var id float32
		if d != 0 {
			id = 1 / d
		}
		h := F32ToF16(d)
		blk := dst[b*Q8_0BlockBytes : (b+1)*Q8_0BlockBytes]
		blk[0], blk[1] = byte(h), byte(h>>8)
		for j, v := range xs {
			// roundf: halves away from zero.
			blk[2+j] = byte(int8(math.Round(float64(v * id))))
		}
	}
}

// MatVecQ8_0GGML computes y = W·x for Q8_0 W with ggml's semantics: x is
// quantized with [QuantizeQ8_0], block dots are integer, the row sum is
// accumulated in float32 in block order, bit for bit as ggml.
func MatVecQ8_0GGML(w []byte, rows, cols int, x, y []float32) {
	checkQ8(w, rows, cols)
	checkMatVec("MatVecQ8_0GGML", len(x), cols, cols, x, y, rows)
	MatMulQ8_0GGML(w, rows, cols, x[:cols], y[:rows], 1)
}

var q8ScratchPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// MatVecQ8_0Q8 is [MatVecQ8_0GGML] on an activation already quantized with
// [QuantizeQ8_0], so one quantized x serves several matrices (q, k, v).
func MatVecQ8_0Q8(w []byte, rows, cols int, xq []byte, y []float32) {
	checkQ8(w, rows, cols)
	nb := cols / Q8_0BlockSize
	rb := nb * Q8_0BlockBytes
	checkMatVec("MatVecQ8_0Q8", len(w), rows*rb, 0, nil, y, rows)
	if len(xq) < rb {
		panic("kernel: MatVecQ8_0Q8: quantized x is shorter than a row")
	}
	matVecRows(rows, rb, 1, func(r0, r1 int) { q8Rows(w, nb, xq, y, r0, r1) })
}

// q8Rows sets y[r0:r1] to the rows r0…r1-1 of the Q8_0 W times the quantized xq.
func q8Rows(w []byte, nb int, xq []byte, y []float32, r0, r1 int) {
	rb := nb * Q8_0BlockBytes
	if useAVX2 {
		matVecQ8Q8AVX2(w[r0*rb:r1*rb], nb, xq, y[r0:r1])
		return
	}
	for r := r0; r < r1; r++ {
		row := w[r*rb : (r+1)*rb]
		var sumf float32
		for b := 0; b < nb; b++ {
			blk := row[b*Q8_0BlockBytes : (b+1)*Q8_0BlockBytes]
			xb := xq[b*Q8_0BlockBytes : (b+1)*Q8_0BlockBytes]
			var sumi int32
			for j, q := range blk[2:] {
				sumi += int32(int8(q)) * int32(int8(xb[2+j]))
			}
			dw := F16ToF32(uint16(blk[0]) | uint16(blk[1])<<8)
			dx := F16ToF32(uint16(xb[0]) | uint16(xb[1])<<8)
			// Each conversion rounds, so no fused multiply-add forms.
			sumf += float32(float32(sumi) * float32(dw*dx))
		}
		y[r] = sumf
	}
}

var scratchPool = sync.Pool{New: func() any { s := make([]float32, 0, 4096); return &s }}

func getScratch(n int) *[]float32 {
	sp := scratchPool.Get().(*[]float32)
	if cap(*sp) < n {
		*sp = make([]float32, n)
	}
	*sp = (*sp)[:n]
	return sp
}

func putScratch(sp *[]float32) { scratchPool.Put(sp) }
