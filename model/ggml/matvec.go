package ggml

import (
	"encoding/binary"
	"fmt"
	"math"
)

// The products here are the reference that fast kernels are checked against. They follow
// ggml's CPU backend as Ollama builds it (plain x86-64, no AVX, so ggml's scalar paths):
// the activation vector is first converted to [VecDotType] of the weights — rounded to F16
// for F16 weights, to BF16 for BF16, quantized to Q8_0 (quantize_row_q8_0_ref) for Q8_0 and
// Q4_0, to Q8_K for Q4_K and Q6_K — and each row's dot product then runs ggml's scalar
// vec_dot in the same order: float64 accumulation for F32/F16/BF16, integer sums per
// block scaled and accumulated in float32 for the quantized types. Matching that is what
// makes greedy decoding pick the same tokens as Ollama.

// VecDotType returns the type the activation vector is converted to before it is
// multiplied with weights of type t (ggml's vec_dot_type).
func VecDotType(t Type) Type {
	switch t {
	case Q4_0, Q8_0:
		return Q8_0
	case Q4_K, Q6_K:
		return Q8_K
	}
	return t
}

// QuantizeVec converts the activation vector x to [VecDotType](t), ready for [VecDot] with
// rows of type t.
func QuantizeVec(t Type, x []float32) ([]byte, error) { return Quantize(VecDotType(t), x) }

// QuantizeRowQ8_0 quantizes x (a multiple of 32 long) to Q8_0 as ggml does for the
// activations of Q8_0 and Q4_0 matrix products. It panics when len(x)%32 != 0.
func QuantizeRowQ8_0(x []float32) []byte { return mustQuantize(Q8_0, x) }

// QuantizeRowQ8_K quantizes x (a multiple of 256 long) to Q8_K blocks {d f32; qs [256]int8;
// bsums [16]int16} as ggml does for the activations of K-quant products.
// It panics when len(x)%256 != 0.
func QuantizeRowQ8_K(x []float32) []byte { return mustQuantize(Q8_K, x) }

func mustQuantize(t Type, x []float32) []byte {
	b, err := Quantize(t, x)
	if err != nil {
		panic(err)
	}
	return b
}

// VecDot returns the dot product of one row w of type t with xq, the activation vector
// already converted by [QuantizeVec](t, x). It panics when t is unsupported or the sizes
// of w and xq disagree: callers check types when they load a model.
func VecDot(t Type, w, xq []byte) float32 {
	if !t.Supported() || len(w)%t.BlockBytes() != 0 {
		panic(fmt.Sprintf("ggml: VecDot on %d bytes of %s", len(w), t))
	}
	n := len(w) / t.BlockBytes() * t.BlockSize()
	if want, _ := VecDotType(t).RowBytes(n); len(xq) != want {
		panic(fmt.Sprintf("ggml: VecDot of %d %s elements with %d vector bytes, want %d", n, t, len(xq), want))
	}
	switch t {
	case F32:
		var sum float64
		for i := range n {
			a := math.Float32frombits(binary.LittleEndian.Uint32(w[4*i:]))
			b := math.Float32frombits(binary.LittleEndian.Uint32(xq[4*i:]))
			sum += float64(a * b)
		}
		return float32(sum)
	case F16, BF16:
		conv := FP16ToFP32
		if t == BF16 {
			conv = BF16ToFP32
		}
		var sum float64
		for i := range n {
			a := conv(binary.LittleEndian.Uint16(w[2*i:]))
			b := conv(binary.LittleEndian.Uint16(xq[2*i:]))
			sum += float64(a * b)
		}
		return float32(sum)
	case Q4_0:
		return dotQ4_0Q8_0(w, xq)
	case Q8_0:
		return dotQ8_0Q8_0(w, xq)
	case Q4_K:
		return dotQ4_KQ8_K(w, xq)
	default: // Q6_K
		return dotQ6_KQ8_K(w, xq)
	}
}

// MatVec sets y[r] = row r of w · x for the rows×cols matrix w of type t stored row-major,
// without dequantizing w, with ggml's semantics (see [VecDot]). It panics when t is
// unsupported, cols is not a whole number of blocks, or the lengths of w, x or y disagree
// with rows and cols.
func MatVec(t Type, w []byte, rows, cols int, x, y []float32) {
	rb, err := t.RowBytes(cols)
	if err != nil || rows < 0 || len(w) != rows*rb || len(x) != cols || len(y) != rows {
		panic(fmt.Sprintf("ggml: MatVec %s %dx%d with %d weight bytes, x %d, y %d: %v", t, rows, cols, len(w), len(x), len(y), err))
	}
	xq, err := QuantizeVec(t, x)
	if err != nil {
		panic(err)
	}
	for r := range rows {
		y[r] = VecDot(t, w[r*rb:(r+1)*rb], xq)
	}
}
