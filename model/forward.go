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
	if err := m.checkTokens(s, tokens); err != nil {
		return nil, err
	}
	var rows []slot
	for lo := 0; lo < len(tokens); lo += maxBatch {
		hi := min(lo+maxBatch, len(tokens))
		rows = s.slots(hi-lo, a)
		m.forward(&s.scratch, tokens[lo:hi], rows)
		s.Len += hi - lo
	}
	C := m.Config.Dim
	m.head(&s.scratch, s.logits, s.x[(s.n-1)*C:s.n*C], rows[len(rows)-1:]) // logits [V]
	return s.logits, nil
}

// checkTokens reports tokens that are outside the vocabulary or do not fit s's cache.
func (m *Model) checkTokens(s *State, tokens []int) error {
	if s.Len+len(tokens) > s.ctx {
		return tutor.Errorf(tutor.ETOOLARGE, "forward: %d cached + %d new tokens exceed the context of %d", s.Len, len(tokens), s.ctx)
	}
	for _, t := range tokens {
		if t < 0 || t >= m.Config.Vocab {
			return tutor.Errorf(tutor.EINVALID, "forward: token %d is outside the vocabulary of %d", t, m.Config.Vocab)
		}
	}
	return nil
}

// slot is where one token of a forward pass belongs: the cache its key and value go to,
// its position there, and the adapter applied to it (nil: none).
type slot struct {
	s   *State
	pos int
	a   *Adapter
}

// slots returns the slots of the next T tokens of s's sequence, reusing s's memory.
func (s *State) slots(T int, a *Adapter) []slot {
	s.rows = s.rows[:0]
	for t := range T {
		s.rows = append(s.rows, slot{s: s, pos: s.Len + t, a: a})
	}
	return s.rows
}

// forward runs T = len(tokens) ≤ maxBatch tokens, token t at rows[t], as run.c's forward
// does for one, leaving their hidden states in sc.x [T, C]. The tokens may come from one
// sequence (consecutive positions of one cache) or from several (one token per cache); each
// attends to its own cache up to its own position. It does not advance any cache's Len.
func (m *Model) forward(sc *scratch, tokens []int, rows []slot) {
	c := &m.Config
	C, D, KV := c.Dim, c.HeadDim, c.KVHeads
	qd, kvd := c.Heads*D, KV*D
	group := c.Heads / KV // query heads sharing one key/value head
	T := len(tokens)
	sc.batch(T)
	scale := float32(1 / math.Sqrt(float64(D)))
	half := c.RopeDim / 2

	last := 0 // the furthest position any token attends to
	for t, tok := range tokens {
		m.TokenEmbd.Row(tok, sc.x[t*C:(t+1)*C]) // x [T, C]
		ropeAngles(sc.cos[t*half:(t+1)*half], sc.sin[t*half:(t+1)*half], rows[t].pos, c.RopeBase, c.RopeScale, m.RopeFreqs)
		last = max(last, rows[t].pos)
	}
	for l := range m.Layers {
		w := &m.Layers[l]
		// Attention: xb [T, C] = rmsnorm(x); q [T, H*D], k, v [T, KV*D] = xb Wᵀ (+ b).
		for t := range T {
			rmsnorm(sc.xb[t*C:(t+1)*C], sc.x[t*C:(t+1)*C], w.AttnNorm, c.NormEps)
		}
		m.matmul(sc, sc.q, w.Wq, sc.xb, rows)
		m.matmul(sc, sc.k, w.Wk, sc.xb, rows)
		m.matmul(sc, sc.v, w.Wv, sc.xb, rows)
		for t, r := range rows {
			q, k, v := sc.q[t*qd:(t+1)*qd], sc.k[t*kvd:(t+1)*kvd], sc.v[t*kvd:(t+1)*kvd]
			if w.Bq != nil {
				add(q, w.Bq)
				add(k, w.Bk)
				add(v, w.Bv)
			}
			cos, sin := sc.cos[t*half:(t+1)*half], sc.sin[t*half:(t+1)*half]
			rope(q, D, cos, sin, c.RopeNeox)
			rope(k, D, cos, sin, c.RopeNeox)
			keys, vals, p := r.s.keys[l], r.s.vals[l], r.pos // [ctx, KV*D]
			roundF16(keys[p*kvd:(p+1)*kvd], k)
			roundF16(vals[p*kvd:(p+1)*kvd], v)
			roundF16(q, q) // llama.cpp multiplies F16 keys with q rounded to F16
		}
		// Each token attends to its cache's positions up to its own.
		parallel(T*c.Heads, 1, func(lo, hi int) {
			scores := make([]float32, last+1)
			for th := lo; th < hi; th++ {
				t, h := th/c.Heads, th%c.Heads
				keys, vals, n := rows[t].s.keys[l], rows[t].s.vals[l], rows[t].pos+1
				q := sc.q[t*qd+h*D : t*qd+(h+1)*D] // [D]
				kv := (h / group) * D              // offset of this head's key/value in a row
				sco := scores[:n]
				for i := range n {
					sco[i] = dot(q, keys[i*kvd+kv:i*kvd+kv+D])
				}
				softmax(sco, scale)
				roundF16(sco, sco)                     // and the probabilities to F16 before the values
				out := sc.att[t*qd+h*D : t*qd+(h+1)*D] // [D]
				clear(out)
				for i := range n {
					p, v := sco[i], vals[i*kvd+kv:i*kvd+kv+D]
					for j := range out {
						out[j] += p * v[j]
					}
				}
			}
		})
		m.matmul(sc, sc.xb2, w.Wo, sc.att, rows) // xb2 [T, C] = att Woᵀ
		add(sc.x, sc.xb2)

		// Feed-forward: x += Wdown (silu(Wgate xb) ⊙ Wup xb).
		for t := range T {
			rmsnorm(sc.xb[t*C:(t+1)*C], sc.x[t*C:(t+1)*C], w.FFNNorm, c.NormEps)
		}
		m.matmul(sc, sc.hb, w.Wgate, sc.xb, rows) // hb [T, F]
		m.matmul(sc, sc.hb2, w.Wup, sc.xb, rows)  // hb2 [T, F]
		swiglu(sc.hb, sc.hb2)
		m.matmul(sc, sc.xb2, w.Wdown, sc.hb, rows) // xb2 [T, C]
		add(sc.x, sc.xb2)
	}
}

// head sets logits [n, V] from the hidden states x [n, C] of the n tokens at rows, which it
// normalises in place.
func (m *Model) head(sc *scratch, logits, x []float32, rows []slot) {
	C := m.Config.Dim
	for t := range rows {
		xt := x[t*C : (t+1)*C]
		rmsnorm(xt, xt, m.OutputNorm, m.Config.NormEps)
	}
	m.matmul(sc, logits, m.Output, x, rows)
}

// matmul sets y [n, Rows] = x [n, Cols] Wᵀ for the n = len(rows) tokens, plus, for each
// token whose adapter has a LoRA for W, scale·(x Aᵀ) Bᵀ in its row.
func (m *Model) matmul(sc *scratch, y []float32, w *Matrix, x []float32, rows []slot) {
	n := len(rows)
	y, x = y[:n*w.Rows], x[:n*w.Cols]
	w.MatMul(y, x, n)
	for t, row := range rows {
		if row.a == nil {
			continue
		}
		lo, ok := row.a.Tensors[w.Name]
		if !ok {
			continue
		}
		r := len(lo.A) / w.Cols
		grow(&sc.lora, r)
		ax := sc.lora // [r] = A x
		scale := row.a.scale(r)
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
		m.forward(&s.scratch, tokens[lo:hi], s.slots(hi-lo, a))
		s.Len += hi - lo
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
