package model

// State is one sequence's key/value cache and scratch buffers, as run.c's RunState, for up
// to maxBatch tokens at a time. Keys and values are stored rounded to F16, as llama.cpp's
// default cache keeps them.
type State struct {
	Len int // positions filled in the cache

	ctx  int         // capacity in positions
	keys [][]float32 // [L][ctx, KV*D]
	vals [][]float32 // [L][ctx, KV*D]

	scratch
	logits []float32 // [V] of the last token run
}

// scratch holds the activations of the T tokens of one forward pass, which may come from
// one sequence (a prompt) or from several (one decoding step of a [Batcher]).
type scratch struct {
	cfg Config
	n   int // tokens in the buffers, T

	x    []float32 // [T, C] residual stream
	xb   []float32 // [T, C] normalised input of a sub-block
	xb2  []float32 // [T, C] output of a sub-block
	q    []float32 // [T, H*D]
	k    []float32 // [T, KV*D]
	v    []float32 // [T, KV*D]
	att  []float32 // [T, H*D] attention output
	hb   []float32 // [T, F] gate
	hb2  []float32 // [T, F] up
	cos  []float32 // [T, RopeDim/2]
	sin  []float32 // [T, RopeDim/2]
	lora []float32 // [max rank] A x of a LoRA
	rows []slot    // [T] where each token belongs
}

// NewState returns an empty cache for up to ctx positions.
func (m *Model) NewState(ctx int) *State {
	c := m.Config
	if ctx <= 0 || ctx > c.ContextLength {
		ctx = c.ContextLength
	}
	kvd := c.KVHeads * c.HeadDim
	s := &State{
		ctx:     ctx,
		keys:    make([][]float32, c.Layers),
		vals:    make([][]float32, c.Layers),
		scratch: scratch{cfg: c},
		logits:  make([]float32, c.Vocab),
	}
	for l := range s.keys {
		s.keys[l] = make([]float32, ctx*kvd)
		s.vals[l] = make([]float32, ctx*kvd)
	}
	s.batch(1)
	return s
}

// batch sizes the scratch buffers for T tokens, growing them when needed.
func (s *scratch) batch(T int) {
	c := s.cfg
	qd, kvd := c.Heads*c.HeadDim, c.KVHeads*c.HeadDim
	grow(&s.x, T*c.Dim)
	grow(&s.xb, T*c.Dim)
	grow(&s.xb2, T*c.Dim)
	grow(&s.q, T*qd)
	grow(&s.k, T*kvd)
	grow(&s.v, T*kvd)
	grow(&s.att, T*qd)
	grow(&s.hb, T*c.FFN)
	grow(&s.hb2, T*c.FFN)
	grow(&s.cos, T*c.RopeDim/2)
	grow(&s.sin, T*c.RopeDim/2)
	s.n = T
}

// grow sets *b to n values, reallocating only when its capacity is short.
func grow(b *[]float32, n int) {
	if cap(*b) < n {
		*b = make([]float32, n)
	}
	*b = (*b)[:n]
}

// Cap returns the number of positions the cache holds.
func (s *State) Cap() int { return s.ctx }

// Reset empties the cache, keeping its memory.
func (s *State) Reset() { s.Len = 0 }

// Truncate drops the cached positions from n on, so a new prompt sharing the first n tokens
// continues from there.
func (s *State) Truncate(n int) {
	if n < s.Len {
		s.Len = max(n, 0)
	}
}
