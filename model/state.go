package model

// State is one sequence's key/value cache and scratch buffers, as run.c's RunState.
// Keys and values are stored rounded to F16, as llama.cpp's default cache keeps them.
type State struct {
	Len int // positions filled in the cache

	ctx  int         // capacity in positions, T
	keys [][]float32 // [L][T, KV*D]
	vals [][]float32 // [L][T, KV*D]

	x      []float32 // [C] residual stream
	xb     []float32 // [C] normalised input of a sub-block
	xb2    []float32 // [C] output of a sub-block
	q      []float32 // [H*D]
	k      []float32 // [KV*D]
	v      []float32 // [KV*D]
	att    []float32 // [H*D] attention output
	scores []float32 // [T]
	hb     []float32 // [F] gate
	hb2    []float32 // [F] up
	lora   []float32 // [max rank] A x of a LoRA
	tmp    []float32 // [max(F, H*D, V)] LoRA B (A x)
	logits []float32 // [V]
	cos    []float32 // [RopeDim/2]
	sin    []float32 // [RopeDim/2]
}

// NewState returns an empty cache for up to ctx positions.
func (m *Model) NewState(ctx int) *State {
	c := m.Config
	if ctx <= 0 || ctx > c.ContextLength {
		ctx = c.ContextLength
	}
	qd, kvd := c.Heads*c.HeadDim, c.KVHeads*c.HeadDim
	s := &State{
		ctx:    ctx,
		keys:   make([][]float32, c.Layers),
		vals:   make([][]float32, c.Layers),
		x:      make([]float32, c.Dim),
		xb:     make([]float32, c.Dim),
		xb2:    make([]float32, c.Dim),
		q:      make([]float32, qd),
		k:      make([]float32, kvd),
		v:      make([]float32, kvd),
		att:    make([]float32, qd),
		scores: make([]float32, ctx),
		hb:     make([]float32, c.FFN),
		hb2:    make([]float32, c.FFN),
		tmp:    make([]float32, max(c.FFN, qd, c.Dim, c.Vocab)),
		logits: make([]float32, c.Vocab),
		cos:    make([]float32, c.RopeDim/2),
		sin:    make([]float32, c.RopeDim/2),
	}
	for l := range s.keys {
		s.keys[l] = make([]float32, ctx*kvd)
		s.vals[l] = make([]float32, ctx*kvd)
	}
	return s
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
