package finetune

// Full trains every weight of a (small) model: each tensor of Weights becomes a spago
// parameter sharing its storage, and grads mirrors Weights with the gradients.
type Full struct {
	w      *Weights
	params []NamedParam
	grads  *Weights
}

// NewFull makes every weight of w trainable in place.
func NewFull(w *Weights) *Full {
	f := &Full{w: w, grads: &Weights{Shape: w.Shape, Layers: make([]Layer, len(w.Layers))}}
	add := func(name string, data []float32, rows, cols int) []float32 {
		p := newParam(data, rows, cols)
		f.params = append(f.params, NamedParam{name, p})
		return grad(p)
	}
	s := w.Shape
	C, F, Q, KV := s.Dim, s.FFN, s.QDim(), s.KVDim()
	f.grads.TokEmb = add("token_embd.weight", w.TokEmb, s.Vocab, C)
	for i := range w.Layers {
		l, g := &w.Layers[i], &f.grads.Layers[i]
		blk := "blk." + itoa(i) + "."
		g.AttnNorm = add(blk+"attn_norm.weight", l.AttnNorm, 1, C)
		g.Wq = add(blk+"attn_q.weight", l.Wq, Q, C)
		g.Wk = add(blk+"attn_k.weight", l.Wk, KV, C)
		g.Wv = add(blk+"attn_v.weight", l.Wv, KV, C)
		g.Wo = add(blk+"attn_output.weight", l.Wo, C, Q)
		g.FFNNorm = add(blk+"ffn_norm.weight", l.FFNNorm, 1, C)
		g.Wgate = add(blk+"ffn_gate.weight", l.Wgate, F, C)
		g.Wup = add(blk+"ffn_up.weight", l.Wup, F, C)
		g.Wdown = add(blk+"ffn_down.weight", l.Wdown, C, F)
	}
	f.grads.OutNorm = add("output_norm.weight", w.OutNorm, 1, C)
	f.grads.Output = f.grads.TokEmb
	if !w.Tied() {
		f.grads.Output = add("output.weight", w.Output, s.Vocab, C)
	}
	return f
}

// Params lists every weight as a named parameter, with GGUF tensor names.
func (f *Full) Params() []NamedParam { return f.params }

// LoadCheckpoint sets every weight of w from the newest checkpoint in dir of a full-parameter
// run on w's shape that reads whole (a run may be writing the next one meanwhile), and returns
// its step; ok is false when dir has no checkpoint. w is only usable when err is nil.
func LoadCheckpoint(w *Weights, dir string) (step int, ok bool, err error) {
	params := NewFull(w).Params()
	paths := checkpointFiles(dir)
	for _, path := range paths {
		meta, rerr := readCheckpoint(path, params, nil)
		if rerr == nil {
			return meta.Step, true, nil
		}
		err = rerr
	}
	return 0, false, err
}
