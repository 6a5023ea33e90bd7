package finetune

import "math"

func sigmoid(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }

// swigluForward computes the gated feed-forward activation h = silu(g) ⊙ u, silu(g) = g·σ(g);
// g, u, h [T,F].
func swigluForward(h, g, u []float32) {
	for i, gi := range g {
		h[i] = gi * sigmoid(gi) * u[i]
	}
}

// swigluBackward writes dg = dh ⊙ u ⊙ σ(g)(1 + g(1 − σ(g))) and du = dh ⊙ silu(g).
func swigluBackward(dg, du, dh, g, u []float32) {
	for i, gi := range g {
		s := sigmoid(gi)
		du[i] = dh[i] * gi * s
		dg[i] = dh[i] * u[i] * s * (1 + gi*(1-s))
	}
}
