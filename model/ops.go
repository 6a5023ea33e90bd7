package model

import (
	"math"

	"tutor/model/ggml"
)

// The element-wise steps follow ggml's CPU code so that results agree with llama.cpp's to
// the last bits where that is cheap: sums of squares in float64, scales in float32.

// rmsnorm sets o [C] = x / sqrt(mean(x²) + eps) ⊙ w.
func rmsnorm(o, x, w []float32, eps float32) {
	var sum float64
	for _, v := range x {
		sum += float64(v * v)
	}
	mean := float32(sum / float64(len(x)))
	scale := 1 / float32(math.Sqrt(float64(mean+eps)))
	for i, v := range x {
		o[i] = (v * scale) * w[i]
	}
}

// ropeAngles fills cos, sin [RopeDim/2] for position pos: θ_i = scale·pos·base^(-2i/RopeDim)
// divided by freqs[i] when given, with θ advanced by repeated multiplication as ggml does.
func ropeAngles(cos, sin []float32, pos int, base, scale float32, freqs []float32) {
	step := float32(math.Pow(float64(base), float64(float32(-2)/float32(2*len(cos)))))
	theta := float32(pos)
	for i := range cos {
		t := theta
		if freqs != nil {
			t /= freqs[i]
		}
		t *= scale
		cos[i] = float32(math.Cos(float64(t)))
		sin[i] = float32(math.Sin(float64(t)))
		theta *= step
	}
}

// rope rotates the first 2·len(cos) dimensions of every head of width d in x.
// Normal style (llama) rotates adjacent pairs (x[2i], x[2i+1]); neox style (qwen2) rotates
// halves (x[i], x[i+n/2]).
func rope(x []float32, d int, cos, sin []float32, neox bool) {
	n := len(cos)
	for h := 0; h+d <= len(x); h += d {
		v := x[h : h+d]
		for i := range n {
			a, b := 2*i, 2*i+1
			if neox {
				a, b = i, i+n
			}
			x0, x1 := v[a], v[b]
			v[a] = x0*cos[i] - x1*sin[i]
			v[b] = x0*sin[i] + x1*cos[i]
		}
	}
}

// softmax turns x into probabilities in place after multiplying by scale.
func softmax(x []float32, scale float32) {
	maxv := float32(math.Inf(-1))
	for i := range x {
		x[i] *= scale
		maxv = max(maxv, x[i])
	}
	var sum float64
	for i, v := range x {
		e := float32(math.Exp(float64(v - maxv)))
		x[i] = e
		sum += float64(e)
	}
	inv := float32(1 / sum)
	for i := range x {
		x[i] *= inv
	}
}

// swiglu sets g [F] = silu(g) ⊙ u.
func swiglu(g, u []float32) {
	for i, v := range g {
		g[i] = v / (1 + float32(math.Exp(float64(-v)))) * u[i]
	}
}

// roundF16 rounds every element of x to the nearest F16 value, as ggml does when it
// multiplies float32 activations with an F16 key/value cache.
func roundF16(dst, x []float32) {
	for i, v := range x {
		dst[i] = ggml.FP16ToFP32(ggml.FP32ToFP16(v))
	}
}

func add(x, y []float32) {
	for i := range x {
		x[i] += y[i]
	}
}

func dot(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
