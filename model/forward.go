package model

import (
	"math"

	"tutor"
)

// maxBatch is how many prompt tokens one forward pass handles at once; longer prompts run
// in chunks, so the scratch memory stays bounded.
const maxBatch = 64

// Forward runs tokens through the model at positions s.Len, s.Len+1, …, appends their keys
// and values to the cache and returns the logits [V] of the last token. The slice is
// reused by the next call. a, if not nil, is a LoRA adapter applied unmerged. Prompt tokens
// go through each weight matrix together ([Matrix.MatMul]); every token's result is the same
// as when it runs alone.
func (m *Model) Forward(s *State, tokens []int, a *Adapter) ([]float32, error) {
	if len(tokens) == 0 {
		return nil, tutor.Errorf(tutor.EINVALID, "forward: no tokens")
	}
	if s.Len+len(tokens) > s.ctx {
		return nil, tutor.Errorf(tutor.ETOOLARGE, "forward: %d cached + %d new tokens exceed the context of %d", s.Len, len(tokens), s.ctx)
	}
	for _, t := range tokens {
		if t < 0 || t >= m.Config.Vocab {
			return nil, tutor.Errorf(tutor.EINVALID, "forward: token %d is outside the vocabulary of %d", t, m.Config.Vocab)
		}
	}
	for lo := 0; lo < len(tokens); lo += maxBatch {
		hi := min(lo+maxBatch, len(tokens))
		m.forward(s, tokens[lo:hi], a)
	}
	c := &m.Config
	last := s.x[(s.n-1)*c.Dim : s.n*c.Dim]
	rmsnorm(last, last, m.OutputNorm, c.NormEps)
	m.matmul(s, s.logits, m.Output, last, 1, a) // logits [V]
	return s.logits, nil
}

// forward runs T = len(tokens) ≤ maxBatch tokens at positions s.Len … s.Len+T-1, as
// run.c's forward does for one, leaving their hidden states in s.x [T, C].
func (m *Model) forward(s *State, tokens []int, a *Adapter) {
	c := &m.Config
	C, D, KV := c.Dim, c.HeadDim, c.KVHeads
	qd, kvd := c.Heads*D, KV*D
	group := c.Heads / KV // query heads sharing one key/value head
	T, pos := len(tokens), s.Len
	s.batch(T)
	scale := float32(1 / math.Sqrt(float64(D)))
	half := c.RopeDim / 2

	for t, tok := range tokens {
		m.TokenEmbd.Row(tok, s.x[t*C:(t+1)*C]) // x [T, C]
		ropeAngles(s.cos[t*half:(t+1)*half], s.sin[t*half:(t+1)*half], pos+t, c.RopeBase, c.RopeScale, m.RopeFreqs)
	}
	for l := range m.Layers {
		w := &m.Layers[l]
		// Attention: xb [T, C] = rmsnorm(x); q [T, H*D], k, v [T, KV*D] = xb Wᵀ (+ b).
		for t := range T {
			rmsnorm(s.xb[t*C:(t+1)*C], s.x[t*C:(t+1)*C], w.AttnNorm, c.NormEps)
		}
		m.matmul(s, s.q, w.Wq, s.xb, T, a)
		m.matmul(s, s.k, w.Wk, s.xb, T, a)
		m.matmul(s, s.v, w.Wv, s.xb, T, a)
		keys, vals := s.keys[l], s.vals[l] // [ctx, KV*D]
		for t := range T {
			q, k, v := s.q[t*qd:(t+1)*qd], s.k[t*kvd:(t+1)*kvd], s.v[t*kvd:(t+1)*kvd]
			if w.Bq != nil {
				add(q, w.Bq)
				add(k, w.Bk)
				add(v, w.Bv)
			}
			cos, sin := s.cos[t*half:(t+1)*half], s.sin[t*half:(t+1)*half]
			rope(q, D, cos, sin, c.RopeNeox)
			rope(k, D, cos, sin, c.RopeNeox)
			p := pos + t
			roundF16(keys[p*kvd:(p+1)*kvd], k)
			roundF16(vals[p*kvd:(p+1)*kvd], v)
			roundF16(q, q) // llama.cpp multiplies F16 keys with q rounded to F16
		}
		// Each token attends to the cached positions up to its own.
		parallel(T*c.Heads, 1, func(lo, hi int) {
			scores := make([]float32, pos+T)
			for th := lo; th < hi; th++ {
				t, h := th/c.Heads, th%c.Heads
				n := pos + t + 1
				q := s.q[t*qd+h*D : t*qd+(h+1)*D] // [D]
				kv := (h / group) * D             // offset of this head's key/value in a row
				sc := scores[:n]
				for i := range n {
					sc[i] = dot(q, keys[i*kvd+kv:i*kvd+kv+D])
				}
				softmax(sc, scale)
				roundF16(sc, sc)                      // and the probabilities to F16 before the values
				out := s.att[t*qd+h*D : t*qd+(h+1)*D] // [D]
				clear(out)
				for i := range n {
					p, v := sc[i], vals[i*kvd+kv:i*kvd+kv+D]
					for j := range out {
						out[j] += p * v[j]
					}
				}
			}
		})
		m.matmul(s, s.xb2, w.Wo, s.att, T, a) // xb2 [T, C] = att Woᵀ
		add(s.x, s.xb2)

		// Feed-forward: x += Wdown (silu(Wgate xb) ⊙ Wup xb).
		for t := range T {
			rmsnorm(s.xb[t*C:(t+1)*C], s.x[t*C:(t+1)*C], w.FFNNorm, c.NormEps)
		}
		m.matmul(s, s.hb, w.Wgate, s.xb, T, a) // hb [T, F]
		m.matmul(s, s.hb2, w.Wup, s.xb, T, a)  // hb2 [T, F]
		swiglu(s.hb, s.hb2)
		m.matmul(s, s.xb2, w.Wdown, s.hb, T, a) // xb2 [T, C]
		add(s.x, s.xb2)
	}
	s.Len += T
}

// matmul sets y [n, Rows] = x [n, Cols] Wᵀ, plus scale·(x Aᵀ) Bᵀ when the adapter has a
// LoRA for W.
func (m *Model) matmul(s *State, y []float32, w *Matrix, x []float32, n int, a *Adapter) {
	y, x = y[:n*w.Rows], x[:n*w.Cols]
	w.MatMul(y, x, n)
	if a == nil {
		return
	}
	lo, ok := a.Tensors[w.Name]
	if !ok {
		return
	}
	r := len(lo.A) / w.Cols
	if cap(s.lora) < r {
		s.lora = make([]float32, r)
	}
	ax := s.lora[:r] // [r] = A x
	scale := a.scale(r)
	for t := range n {
		xt, yt := x[t*w.Cols:(t+1)*w.Cols], y[t*w.Rows:(t+1)*w.Rows]
		for i := range ax {
			ax[i] = dot(lo.A[i*w.Cols:(i+1)*w.Cols], xt)
		}
		for o := range yt {
			yt[o] += scale * dot(lo.B[o*r:(o+1)*r], ax)
		}
	}
}

// Embed runs tokens through the model in a fresh cache of len(tokens) positions and returns
// the mean over positions of the final normalised hidden state [C], L2-normalised: a sentence
// vector for models that have no pooling head of their own.
func (m *Model) Embed(tokens []int, a *Adapter) ([]float32, error) {
	if len(tokens) == 0 {
		return nil, tutor.Errorf(tutor.EINVALID, "embed: no tokens")
	}
	if len(tokens) > m.Config.ContextLength {
		return nil, tutor.Errorf(tutor.ETOOLARGE, "embed: %d tokens exceed the context of %d", len(tokens), m.Config.ContextLength)
	}
	for _, t := range tokens {
		if t < 0 || t >= m.Config.Vocab {
			return nil, tutor.Errorf(tutor.EINVALID, "embed: token %d is outside the vocabulary of %d", t, m.Config.Vocab)
		}
	}
	C := m.Config.Dim
	s := m.NewState(len(tokens))
	sum := make([]float32, C)    // [C]
	normed := make([]float32, C) // [C]
	for lo := 0; lo < len(tokens); lo += maxBatch {
		hi := min(lo+maxBatch, len(tokens))
		m.forward(s, tokens[lo:hi], a)
		for t := range hi - lo {
			rmsnorm(normed, s.x[t*C:(t+1)*C], m.OutputNorm, m.Config.NormEps)
			add(sum, normed)
		}
	}
	var n2 float64
	for _, v := range sum {
		n2 += float64(v) * float64(v)
	}
	if n2 > 0 {
		inv := float32(1 / math.Sqrt(n2))
		for i := range sum {
			sum[i] *= inv
		}
	}
	return sum, nil
}
