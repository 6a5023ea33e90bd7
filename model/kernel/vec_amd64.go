package kernel

import "unsafe"

func dotAVX2(x, y []float32) float32 {
	return dotF32(unsafe.Pointer(&x[0]), unsafe.Pointer(&y[0]), len(x))
}

func axpyAVX2(alpha float32, x, y []float32) int {
	n := len(x) &^ 15
	if n > 0 {
		_ = y[n-1]
		axpyF32(alpha, unsafe.Pointer(&x[0]), unsafe.Pointer(&y[0]), n)
	}
	return n
}

func scaleAVX2(alpha float32, x []float32) int {
	n := len(x) &^ 15
	if n > 0 {
		scaleF32(alpha, unsafe.Pointer(&x[0]), n)
	}
	return n
}

func mulAVX2(dst, x, y []float32) int {
	n := len(x) &^ 7
	if n > 0 {
		_, _ = dst[n-1], y[n-1]
		mulF32(unsafe.Pointer(&dst[0]), unsafe.Pointer(&x[0]), unsafe.Pointer(&y[0]), n)
	}
	return n
}

func sumSquaresAVX2(x []float32) (int, float64) {
	n := len(x) &^ 7
	if n == 0 {
		return 0, 0
	}
	return n, sumSquaresF64(unsafe.Pointer(&x[0]), n)
}

func scaleMulAVX2(dst, x, w []float32, s float32) int {
	n := len(x) &^ 7
	if n > 0 {
		_, _ = dst[n-1], w[n-1]
		scaleMulF32(unsafe.Pointer(&dst[0]), unsafe.Pointer(&x[0]), unsafe.Pointer(&w[0]), s, n)
	}
	return n
}

// dotF32 returns Σ x[i]·y[i] for any n ≥ 1.
//
//go:noescape
func dotF32(x, y unsafe.Pointer, n int) float32

// axpyF32: y += alpha·x, n a multiple of 16.
//
//go:noescape
func axpyF32(alpha float32, x, y unsafe.Pointer, n int)

// scaleF32: x *= alpha, n a multiple of 16.
//
//go:noescape
func scaleF32(alpha float32, x unsafe.Pointer, n int)

// mulF32: dst = x·y, n a multiple of 8.
//
//go:noescape
func mulF32(dst, x, y unsafe.Pointer, n int)

// sumSquaresF64 returns Σ float64(x[i]·x[i]), n a multiple of 8.
//
//go:noescape
func sumSquaresF64(x unsafe.Pointer, n int) float64

// scaleMulF32: dst = (x·s)·w, n a multiple of 8.
//
//go:noescape
func scaleMulF32(dst, x, w unsafe.Pointer, s float32, n int)
