package finetune

import "math/rand/v2"

// linear is one projection y = x·Wᵀ (+ the LoRA branch) with what its backward pass needs.
type linear struct {
	W       []float32 // [out, in], frozen unless dW is set
	dW      []float32 // [out, in] gradient for full-parameter training, else nil
	in, out int
	lora    *LoRAPair // nil when not adapted
	scale   float32   // alpha / rank
	dropout float32
	mm      gemmFunc // the matrix product

	// saved by forward for backward
	mask    []float32 // [T, in] dropout mask (0 or 1/(1−p))
	dropped bool      // the last forward pass applied the mask
	xd      []float32 // [T, in] dropped-out input of the LoRA branch
	u       []float32 // [T, r] = xd·Aᵀ
	du      []float32 // [T, r] scratch
}

// forward computes y [T,out] = x·Wᵀ + scale·(x̃·Aᵀ)·Bᵀ, x̃ = dropout(x) [T,in].
func (l *linear) forward(y, x []float32, T int, rng *rand.Rand, train bool) {
	l.mm(false, true, T, l.out, l.in, 1, x, l.in, l.W, l.in, 0, y, l.out)
	if l.lora == nil {
		return
	}
	r := l.lora.A.Shape()[0]
	l.ensure(T, r)
	xd := x
	if train && l.dropout > 0 {
		keep := 1 / (1 - l.dropout)
		xd = l.xd[:T*l.in]
		for i, v := range x[:T*l.in] {
			m := float32(0)
			if rng.Float32() >= l.dropout {
				m = keep
			}
			l.mask[i] = m
			xd[i] = v * m
		}
	}
	l.dropped = train && l.dropout > 0
	u := l.u[:T*r]
	l.mm(false, true, T, r, l.in, 1, xd, l.in, values(l.lora.A), l.in, 0, u, r)
	l.mm(false, true, T, l.out, r, l.scale, u, r, values(l.lora.B), r, 1, y, l.out)
}

// backward writes (or, with accumulate, adds) dx = dy·W + (scale·dy·B·A) ⊙ mask, and adds
// dB += scale·dyᵀ·u, dA += (scale·dy·B)ᵀ·x̃, dW += dyᵀ·x when trained.
func (l *linear) backward(dx, dy, x []float32, T int, accumulate bool) {
	beta := float32(0)
	if accumulate {
		beta = 1
	}
	l.mm(false, false, T, l.in, l.out, 1, dy, l.out, l.W, l.in, beta, dx, l.in)
	if l.dW != nil {
		l.mm(true, false, l.out, l.in, T, 1, dy, l.out, x, l.in, 1, l.dW, l.in)
	}
	if l.lora == nil {
		return
	}
	A, B := l.lora.A, l.lora.B
	r := A.Shape()[0]
	u, du := l.u[:T*r], l.du[:T*r]
	xd := x
	dropped := l.dropped
	if dropped {
		xd = l.xd[:T*l.in]
	}
	l.mm(true, false, l.out, r, T, l.scale, dy, l.out, u, r, 1, grad(B), r)
	l.mm(false, false, T, r, l.out, l.scale, dy, l.out, values(B), r, 0, du, r)
	l.mm(true, false, r, l.in, T, 1, du, r, xd, l.in, 1, grad(A), l.in)
	if !dropped {
		l.mm(false, false, T, l.in, r, 1, du, r, values(A), l.in, 1, dx, l.in)
		return
	}
	// The LoRA branch saw x ⊙ mask, so its input gradient is masked too.
	dxd := l.xd[:T*l.in]
	l.mm(false, false, T, l.in, r, 1, du, r, values(A), l.in, 0, dxd, l.in)
	for i, m := range l.mask[:T*l.in] {
		dx[i] += dxd[i] * m
	}
}

func (l *linear) ensure(T, r int) {
	if len(l.u) < T*r {
		l.u, l.du = make([]float32, T*r), make([]float32, T*r)
	}
	if l.dropout > 0 && len(l.xd) < T*l.in {
		l.xd, l.mask = make([]float32, T*l.in), make([]float32, T*l.in)
	}
}
