package model

import (
	"math"

	"tutor"
)

// Forward runs tokens through the model at positions s.Len, s.Len+1, …, appends their keys
// and values to the cache and returns the logits [V] of the last token. The slice is
// reused by the next call. a, if not nil, is a LoRA adapter applied unmerged.
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
	for i, t := range tokens {
		m.step(s, t, a, i == len(tokens)-1)
	}
	return s.logits, nil
}

// step runs one token at position s.Len, as run.c's forward; logits only when wanted.
func (m *Model) step(s *State, token int, a *Adapter, logits bool) {
	c := &m.Config
	D, KV := c.HeadDim, c.KVHeads
	kvd := KV * D
	group := c.Heads / KV // query heads sharing one key/value head
	pos := s.Len
	T := pos + 1 // attended positions
	scale := float32(1 / math.Sqrt(float64(D)))

	m.TokenEmbd.Row(token, s.x) // x [C]
	ropeAngles(s.cos, s.sin, pos, c.RopeBase, c.RopeScale, m.RopeFreqs)

	for l := range m.Layers {
		w := &m.Layers[l]
		// Attention: xb [C] = rmsnorm(x); q [H*D], k, v [KV*D] = W xb (+ b).
		rmsnorm(s.xb, s.x, w.AttnNorm, c.NormEps)
		m.matmul(s, s.q, w.Wq, s.xb, a)
		m.matmul(s, s.k, w.Wk, s.xb, a)
		m.matmul(s, s.v, w.Wv, s.xb, a)
		if w.Bq != nil {
			add(s.q, w.Bq)
			add(s.k, w.Bk)
			add(s.v, w.Bv)
		}
		rope(s.q, D, s.cos, s.sin, c.RopeNeox)
		rope(s.k, D, s.cos, s.sin, c.RopeNeox)

		keys, vals := s.keys[l], s.vals[l] // [T, KV*D]
		roundF16(keys[pos*kvd:(pos+1)*kvd], s.k)
		roundF16(vals[pos*kvd:(pos+1)*kvd], s.v)

		roundF16(s.q, s.q) // llama.cpp multiplies F16 keys with q rounded to F16
		parallel(c.Heads, 1, func(lo, hi int) {
			scores := make([]float32, T)
			for h := lo; h < hi; h++ {
				q := s.q[h*D : (h+1)*D] // [D]
				kv := (h / group) * D   // offset of this head's key/value in a row
				for t := range T {
					scores[t] = dot(q, keys[t*kvd+kv:t*kvd+kv+D])
				}
				softmax(scores, scale)
				roundF16(scores, scores)    // and the probabilities to F16 before the values
				out := s.att[h*D : (h+1)*D] // [D]
				clear(out)
				for t := range T {
					p, v := scores[t], vals[t*kvd+kv:t*kvd+kv+D]
					for i := range out {
						out[i] += p * v[i]
					}
				}
			}
		})
		m.matmul(s, s.xb2, w.Wo, s.att, a) // xb2 [C] = Wo att
		add(s.x, s.xb2)

		// Feed-forward: x += Wdown (silu(Wgate xb) ⊙ Wup xb).
		rmsnorm(s.xb, s.x, w.FFNNorm, c.NormEps)
		m.matmul(s, s.hb, w.Wgate, s.xb, a) // hb [F]
		m.matmul(s, s.hb2, w.Wup, s.xb, a)  // hb2 [F]
		swiglu(s.hb, s.hb2)
		m.matmul(s, s.xb2, w.Wdown, s.hb, a) // xb2 [C]
		add(s.x, s.xb2)
	}
	s.Len++
	if !logits {
		return
	}
	rmsnorm(s.x, s.x, m.OutputNorm, c.NormEps)
	m.matmul(s, s.logits, m.Output, s.x, a) // logits [V]
}

// matmul sets y = W x, plus scale·B (A x) when the adapter has a LoRA for W.
func (m *Model) matmul(s *State, y []float32, w *Matrix, x []float32, a *Adapter) {
	w.MatVec(y, x)
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
	for i := range ax {
		ax[i] = dot(lo.A[i*w.Cols:(i+1)*w.Cols], x)
	}
	scale := a.scale(r)
	for o := range y[:w.Rows] {
		y[o] += scale * dot(lo.B[o*r:(o+1)*r], ax)
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
	s := m.NewState(len(tokens))
	sum := make([]float32, m.Config.Dim)    // [C]
	normed := make([]float32, m.Config.Dim) // [C]
	for _, t := range tokens {
		m.step(s, t, a, false)
		rmsnorm(normed, s.x, m.OutputNorm, m.Config.NormEps)
		add(sum, normed)
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
