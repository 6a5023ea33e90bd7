package kernel

import "math"

// Dot returns Σ x[i]·y[i] over len(x) elements (y at least as long).
func Dot(x, y []float32) float32 {
	y = y[:len(x)]
	if useAVX2 && len(x) >= 16 {
		return dotAVX2(x, y)
	}
	return dotGeneric(x, y)
}

func dotGeneric(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// Axpy adds alpha·x to y over len(x) elements.
func Axpy(alpha float32, x, y []float32) {
	y = y[:len(x)]
	n := 0
	if useAVX2 {
		n = axpyAVX2(alpha, x, y)
	}
	for i := n; i < len(x); i++ {
		y[i] += alpha * x[i]
	}
}

// Scale multiplies every element of x by alpha.
func Scale(alpha float32, x []float32) {
	n := 0
	if useAVX2 {
		n = scaleAVX2(alpha, x)
	}
	for i := n; i < len(x); i++ {
		x[i] *= alpha
	}
}

// Mul sets dst[i] = x[i]·y[i] over len(x) elements.
func Mul(dst, x, y []float32) {
	dst, y = dst[:len(x)], y[:len(x)]
	n := 0
	if useAVX2 {
		n = mulAVX2(dst, x, y)
	}
	for i := n; i < len(x); i++ {
		dst[i] = x[i] * y[i]
	}
}

// RMSNorm sets dst = x · 1/sqrt(mean(x²)+eps) · w and returns that
// reciprocal (the backward pass needs it). It follows ggml's rms_norm: the
// squares are summed in float64, x is scaled first and multiplied by w after.
// dst may be x.
func RMSNorm(dst, x, w []float32, eps float32) float32 {
	if len(x) == 0 {
		return 0
	}
	dst, w = dst[:len(x)], w[:len(x)]
	var sum float64
	n := 0
	if useAVX2 {
		n, sum = sumSquaresAVX2(x)
	}
	for _, v := range x[n:] {
		sum += float64(v * v)
	}
	mean := float32(sum / float64(len(x)))
	rstd := 1 / float32(math.Sqrt(float64(mean+eps)))
	n = 0
	if useAVX2 {
		n = scaleMulAVX2(dst, x, w, rstd)
	}
	for i := n; i < len(x); i++ {
		dst[i] = float32(x[i]*rstd) * w[i]
	}
	return rstd
}

// Softmax replaces x by exp(x-max)/Σexp(x-max), the sum taken in float64
// as ggml does.
func Softmax(x []float32) {
	if len(x) == 0 {
		return
	}
	m := float32(math.Inf(-1))
	for _, v := range x {
		m = max(m, v)
	}
	var sum float64
	for i, v := range x {
		e := float32(math.Exp(float64(v - m)))
		x[i] = e
		sum += float64(e)
	}
	Scale(float32(1/sum), x)
}

// SiLUMul sets dst[i] = silu(gate[i])·up[i] with silu(g) = g/(1+exp(-g)):
// the SwiGLU of a Llama feed-forward block. dst may alias gate or up.
func SiLUMul(dst, gate, up []float32) {
	dst, up = dst[:len(gate)], up[:len(gate)]
	for i, g := range gate {
		s := g / (1 + float32(math.Exp(float64(-g))))
		dst[i] = s * up[i]
	}
}
