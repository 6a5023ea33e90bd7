//go:build !amd64

package kernel

// Off amd64 useAVX2 is always false: these definitions only keep the
// dispatch in one place and are never called.

const hasAVX2Asm = false

var (
	avx2Gemm   = genericGemm
	avx512Gemm = genericGemm
)

func matVecF32AVX2(w []float32, cols int, x, y []float32)     {}
func matVecF16AVX2(w []uint16, cols int, x, y []float32)      {}
func matVecF16F64AVX2(w []uint16, cols int, x, y []float32)   {}
func matVecF16F64AVX512(w []uint16, cols int, x, y []float32) {}
func matVecF32F64AVX2(w []float32, cols int, x, y []float32)  {}
func matVecQ8AVX2(w []byte, cols int, x, y []float32)         {}
func matVecQ8Q8AVX2(w []byte, nb int, xq []byte, y []float32) {}
func f16ToF32AVX2(dst []float32, src []uint16) int            { return 0 }
func f32ToF16AVX2(dst []uint16, src []float32) int            { return 0 }
func dotAVX2(x, y []float32) float32                          { return dotGeneric(x, y) }
func axpyAVX2(alpha float32, x, y []float32) int              { return 0 }
func scaleAVX2(alpha float32, x []float32) int                { return 0 }
func mulAVX2(dst, x, y []float32) int                         { return 0 }
func sumSquaresAVX2(x []float32) (int, float64)               { return 0, 0 }
func scaleMulAVX2(dst, x, w []float32, s float32) int         { return 0 }
