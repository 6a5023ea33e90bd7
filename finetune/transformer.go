package finetune

import (
	"math/rand/v2"

	"tutor/model/kernel"
)

// layerActs are one block's activations for a sequence of T tokens, kept for the backward pass.
type layerActs struct {
	x      []float32 // [T,C] block input (residual stream)
	xn1    []float32 // [T,C] attention norm output
	rstd1  []float32 // [T]
	q      []float32 // [T,H·hd] after RoPE
	k, v   []float32 // [T,KV·hd], k after RoPE
	att    []float32 // [H,T,T] attention probabilities
	ao     []float32 // [T,H·hd] attention output
	x2     []float32 // [T,C] residual after attention
	xn2    []float32 // [T,C] feed-forward norm output
	rstd2  []float32 // [T]
	gt, up []float32 // [T,F] gate and up projections
	h      []float32 // [T,F] silu(gate) ⊙ up
}

// net runs the transformer forward and backward on one sequence at a time, reusing its buffers.
type net struct {
	w    *Weights
	g    *Weights // gradients of every weight (full-parameter training), else nil
	lora *LoRA    // the trained adapter, else nil
	rope *rope
	lin  [][]*linear // [L][target index in AllTargets]
	head lmHead
	maxT int
	mm   gemmFunc // the matrix product
	one  bool     // keep all the work on the calling goroutine (see confine)

	layers         []layerActs
	xL, xnf, rstdf []float32 // [T,C], [T,C], [T]
	dx, dxn        []float32 // [T,C]
	dq, dao        []float32 // [T,H·hd]
	dk, dv         []float32 // [T,KV·hd]
	dS             []float32 // [attnWorkers(KV),T,T]
	dh, dgt, dup   []float32 // [T,F]
}

// newNet prepares buffers for sequences of up to maxT tokens.
func newNet(w, g *Weights, lora *LoRA, maxT int) *net {
	s := w.Shape
	C, T, F := s.Dim, maxT, s.FFN
	n := &net{w: w, g: g, lora: lora, rope: newRope(T, s, w.RopeFreqs), maxT: T, mm: gemm}
	n.head.mm = gemm
	f := func(k int) []float32 { return make([]float32, k) }
	n.layers = make([]layerActs, s.Layers)
	n.lin = make([][]*linear, s.Layers)
	for i := range n.layers {
		n.layers[i] = layerActs{
			x: f(T * C), xn1: f(T * C), rstd1: f(T), q: f(T * s.QDim()), k: f(T * s.KVDim()), v: f(T * s.KVDim()),
			att: f(s.Heads * T * T), ao: f(T * s.QDim()), x2: f(T * C), xn2: f(T * C), rstd2: f(T),
			gt: f(T * F), up: f(T * F), h: f(T * F),
		}
		n.lin[i] = make([]*linear, len(AllTargets))
		for j, t := range AllTargets {
			in, out := s.dims(t)
			l := &linear{W: w.Layers[i].weight(t), in: in, out: out, mm: gemm}
			if g != nil {
				l.dW = g.Layers[i].weight(t)
			}
			if lora != nil && lora.Layers[i][t] != nil {
				l.lora, l.scale, l.dropout = lora.Layers[i][t], lora.Scale(), lora.Dropout
			}
			n.lin[i][j] = l
		}
	}
	n.xL, n.xnf, n.rstdf = f(T*C), f(T*C), f(T)
	n.dx, n.dxn = f(T*C), f(T*C)
	n.dq, n.dao, n.dk, n.dv = f(T*s.QDim()), f(T*s.QDim()), f(T*s.KVDim()), f(T*s.KVDim())
	n.dS = f(attnWorkers(s.KVHeads) * T * T)
	n.dh, n.dgt, n.dup = f(T*F), f(T*F), f(T*F)
	return n
}

// confine with one keeps the net's work on the goroutine that runs it: matrix products, attention
// and softmax use no helpers, for nets that run side by side on one core each.
// Without one, the work spreads over every core again.
func (n *net) confine(one bool) {
	mm, workers := gemm, 0
	if one {
		mm, workers = kernel.GemmSerial, 1
	}
	n.one, n.mm = one, mm
	n.head.mm, n.head.workers = mm, workers
	for _, lins := range n.lin {
		for _, l := range lins {
			l.mm = mm
		}
	}
}

// forward runs tokens [T] through the model, leaving the final normed states in xnf [T,C].
func (n *net) forward(tokens []int32, rng *rand.Rand, train bool) {
	s, T := n.w.Shape, len(tokens)
	C := s.Dim
	x0 := n.layers[0].x
	for t, tok := range tokens {
		copy(x0[t*C:(t+1)*C], n.w.TokEmb[int(tok)*C:(int(tok)+1)*C])
	}
	for i := range n.layers {
		a, W, lin := &n.layers[i], &n.w.Layers[i], n.lin[i]
		rmsnormForward(a.xn1, a.rstd1, a.x, W.AttnNorm, T, C, s.NormEps)
		lin[0].forward(a.q, a.xn1, T, rng, train)
		lin[1].forward(a.k, a.xn1, T, rng, train)
		lin[2].forward(a.v, a.xn1, T, rng, train)
		if W.Bq != nil {
			addBias(a.q, W.Bq, T)
			addBias(a.k, W.Bk, T)
			addBias(a.v, W.Bv, T)
		}
		n.rope.rotate(a.q, T, s.Heads, false)
		n.rope.rotate(a.k, T, s.KVHeads, false)
		attentionForward(n.mm, n.one, a.ao, a.att, a.q, a.k, a.v, T, s.Heads, s.KVHeads, s.HeadDim)
		lin[3].forward(a.x2, a.ao, T, rng, train)
		addInPlace(a.x2[:T*C], a.x[:T*C])
		rmsnormForward(a.xn2, a.rstd2, a.x2, W.FFNNorm, T, C, s.NormEps)
		lin[4].forward(a.gt, a.xn2, T, rng, train)
		lin[5].forward(a.up, a.xn2, T, rng, train)
		swigluForward(a.h[:T*s.FFN], a.gt[:T*s.FFN], a.up[:T*s.FFN])
		next := n.xL
		if i+1 < len(n.layers) {
			next = n.layers[i+1].x
		}
		lin[6].forward(next, a.h, T, rng, train)
		addInPlace(next[:T*C], a.x2[:T*C])
	}
	rmsnormForward(n.xnf, n.rstdf, n.xL, n.w.OutNorm, T, C, s.NormEps)
}

// loss returns the summed cross-entropy and the number of positions with a target, after forward.
func (n *net) loss(targets []int32) (float64, int) {
	s := n.w.Shape
	return n.head.run(n.xnf, n.w.Output, targets, len(targets), s.Dim, s.Vocab, 0, nil, nil)
}

// backward adds scale·∂(summed loss)/∂θ to every trained parameter, after forward on the
// same tokens, and returns the summed loss and the number of positions with a target.
func (n *net) backward(tokens, targets []int32, scale float32) (float64, int) {
	s, T := n.w.Shape, len(tokens)
	C, F := s.Dim, s.FFN
	var gOut, gOutNorm []float32
	if n.g != nil {
		gOut, gOutNorm = n.g.Output, n.g.OutNorm
	}
	loss, cnt := n.head.run(n.xnf, n.w.Output, targets, T, C, s.Vocab, scale, n.dxn, gOut)
	clear(n.dx[:T*C])
	rmsnormBackward(n.dx, gOutNorm, n.dxn, n.xL, n.w.OutNorm, n.rstdf, T, C)
	for i := len(n.layers) - 1; i >= 0; i-- {
		a, W, lin := &n.layers[i], &n.w.Layers[i], n.lin[i]
		var dAttnN, dFFNN []float32
		if n.g != nil {
			dAttnN, dFFNN = n.g.Layers[i].AttnNorm, n.g.Layers[i].FFNNorm
		}
		// x_next = x2 + down(swiglu(gate(xn2), up(xn2))), xn2 = norm(x2); n.dx holds ∂x_next.
		lin[6].backward(n.dh, n.dx, a.h, T, false)
		swigluBackward(n.dgt[:T*F], n.dup[:T*F], n.dh[:T*F], a.gt[:T*F], a.up[:T*F])
		lin[4].backward(n.dxn, n.dgt, a.xn2, T, false)
		lin[5].backward(n.dxn, n.dup, a.xn2, T, true)
		rmsnormBackward(n.dx, dFFNN, n.dxn, a.x2, W.FFNNorm, a.rstd2, T, C)
		// x2 = x + o(attention(rope(q(xn1)), rope(k(xn1)), v(xn1))), xn1 = norm(x); n.dx holds ∂x2.
		lin[3].backward(n.dao, n.dx, a.ao, T, false)
		attentionBackward(n.mm, n.one, n.dq, n.dk, n.dv, n.dao, a.att, a.q, a.k, a.v, n.dS, T, s.Heads, s.KVHeads, s.HeadDim)
		n.rope.rotate(n.dq, T, s.Heads, true)
		n.rope.rotate(n.dk, T, s.KVHeads, true)
		lin[0].backward(n.dxn, n.dq, a.xn1, T, false)
		lin[1].backward(n.dxn, n.dk, a.xn1, T, true)
		lin[2].backward(n.dxn, n.dv, a.xn1, T, true)
		rmsnormBackward(n.dx, dAttnN, n.dxn, a.x, W.AttnNorm, a.rstd1, T, C)
	}
	if n.g != nil {
		for t, tok := range tokens {
			addInPlace(n.g.TokEmb[int(tok)*C:(int(tok)+1)*C], n.dx[t*C:(t+1)*C])
		}
	}
	return loss, cnt
}

func addInPlace(dst, src []float32) {
	for i, v := range src {
		dst[i] += v
	}
}

// addBias adds b [n] to every row of x [T, n].
func addBias(x, b []float32, T int) {
	n := len(b)
	for t := range T {
		addInPlace(x[t*n:(t+1)*n], b)
	}
}
