package kernel

import "unsafe"

// The wrappers check bounds once so the assembly may run unchecked.

func matVecF32AVX2(w []float32, cols int, x, y []float32) {
	if len(y) == 0 || cols == 0 {
		clear(y)
		return
	}
	_ = w[len(y)*cols-1]
	_ = x[cols-1]
	matvecF32(unsafe.Pointer(&w[0]), unsafe.Pointer(&x[0]), unsafe.Pointer(&y[0]), len(y), cols)
}

func matVecF16AVX2(w []uint16, cols int, x, y []float32) {
	if len(y) == 0 || cols == 0 {
		clear(y)
		return
	}
	_ = w[len(y)*cols-1]
	_ = x[cols-1]
	matvecF16(unsafe.Pointer(&w[0]), unsafe.Pointer(&x[0]), unsafe.Pointer(&y[0]), len(y), cols)
}

func matVecF16F64AVX2(w []uint16, cols int, x, y []float32) {
	if len(y) == 0 || cols == 0 {
		clear(y)
		return
	}
	_ = w[len(y)*cols-1]
	_ = x[cols-1]
	matvecF16F64(unsafe.Pointer(&w[0]), unsafe.Pointer(&x[0]), unsafe.Pointer(&y[0]), len(y), cols)
}

func matVecF16F64AVX512(w []uint16, cols int, x, y []float32) {
	if len(y) == 0 || cols == 0 {
		clear(y)
		return
	}
	_ = w[len(y)*cols-1]
	_ = x[cols-1]
	matvecF16F64x512(unsafe.Pointer(&w[0]), unsafe.Pointer(&x[0]), unsafe.Pointer(&y[0]), len(y), cols)
}

func matVecF32F64AVX2(w []float32, cols int, x, y []float32) {
	if len(y) == 0 || cols == 0 {
		clear(y)
		return
	}
	_ = w[len(y)*cols-1]
	_ = x[cols-1]
	matvecF32F64(unsafe.Pointer(&w[0]), unsafe.Pointer(&x[0]), unsafe.Pointer(&y[0]), len(y), cols)
}

func matVecQ8AVX2(w []byte, cols int, x, y []float32) {
	nb := cols / Q8_0BlockSize
	if len(y) == 0 || nb == 0 {
		clear(y)
		return
	}
	_ = w[len(y)*nb*Q8_0BlockBytes-1]
	_ = x[nb*Q8_0BlockSize-1]
	matvecQ8(unsafe.Pointer(&w[0]), unsafe.Pointer(&x[0]), unsafe.Pointer(&y[0]), len(y), nb)
}

func matVecQ8Q8AVX2(w []byte, nb int, xq []byte, y []float32) {
	if len(y) == 0 || nb == 0 {
		clear(y)
		return
	}
	_ = w[len(y)*nb*Q8_0BlockBytes-1]
	_ = xq[nb*Q8_0BlockBytes-1]
	matvecQ8Q8(unsafe.Pointer(&w[0]), unsafe.Pointer(&xq[0]), unsafe.Pointer(&y[0]), len(y), nb)
}

func f16ToF32AVX2(dst []float32, src []uint16) int {
	n := len(src) &^ 7
	if n > 0 {
		_ = dst[n-1]
		f16ToF32(unsafe.Pointer(&dst[0]), unsafe.Pointer(&src[0]), n)
	}
	return n
}

func f32ToF16AVX2(dst []uint16, src []float32) int {
	n := len(src) &^ 7
	if n > 0 {
		_ = dst[n-1]
		f32ToF16(unsafe.Pointer(&dst[0]), unsafe.Pointer(&src[0]), n)
	}
	return n
}

// y[r] = Σ w[r,c]·x[c], float32 weights.
//
//go:noescape
func matvecF32(w, x, y unsafe.Pointer, rows, cols int)

// y[r] = Σ w[r,c]·x[c], half-precision weights, float32 sums.
//
//go:noescape
func matvecF16(w, x, y unsafe.Pointer, rows, cols int)

// y[r] = float32(Σ float64(w[r,c]·x[c])), half-precision weights.
//
//go:noescape
func matvecF16F64(w, x, y unsafe.Pointer, rows, cols int)

// matvecF16F64 with AVX-512: eight float64 lanes per accumulator.
//
//go:noescape
func matvecF16F64x512(w, x, y unsafe.Pointer, rows, cols int)

// y[r] = float32(Σ float64(w[r,c]·x[c])), float32 weights.
//
//go:noescape
func matvecF32F64(w, x, y unsafe.Pointer, rows, cols int)

// y[r] = Σ_b d_b·Σ_j q[b,j]·x[32b+j], Q8_0 rows of nb blocks, float32 x.
//
//go:noescape
func matvecQ8(w, x, y unsafe.Pointer, rows, nb int)

// ggml's Q8_0×Q8_0 row dot: integer block sums, float32 block-order sum.
//
//go:noescape
func matvecQ8Q8(w, xq, y unsafe.Pointer, rows, nb int)

//go:noescape
func f16ToF32(dst, src unsafe.Pointer, n int)

//go:noescape
func f32ToF16(dst, src unsafe.Pointer, n int)
