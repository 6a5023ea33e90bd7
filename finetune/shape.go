package finetune

import (
	"fmt"

	"tutor"
)

// Shape is the geometry of a Llama-family transformer as the trainer needs it.
type Shape struct {
	Vocab     int     // V: vocabulary size
	Dim       int     // C: embedding width
	Layers    int     // L: transformer blocks
	Heads     int     // H: query heads
	KVHeads   int     // KV: key/value heads (grouped-query attention when < Heads)
	HeadDim   int     // hd: width of one head
	FFN       int     // F: feed-forward hidden width
	NormEps   float32 // RMSNorm epsilon
	RopeTheta float32 // RoPE base frequency
	RopeNeox  bool    // rotate halves (NeoX, e.g. Qwen) instead of adjacent pairs (Llama GGUF)
	RopeDim   int     // leading dimensions of each head that RoPE rotates (0: all)
	RopeScale float32 // position multiplier of linear RoPE scaling (0: 1)
	Context   int     // longest sequence the model was trained for
}

// ropeDim is the number of rotated dimensions of a head.
func (s Shape) ropeDim() int {
	if s.RopeDim == 0 {
		return s.HeadDim
	}
	return s.RopeDim
}

// QDim is the width of the concatenated query heads, H·hd.
func (s Shape) QDim() int { return s.Heads * s.HeadDim }

// KVDim is the width of the concatenated key (or value) heads, KV·hd.
func (s Shape) KVDim() int { return s.KVHeads * s.HeadDim }

// Validate reports a shape the trainer cannot run.
func (s Shape) Validate() error {
	switch {
	case s.Vocab <= 0 || s.Dim <= 0 || s.Layers <= 0 || s.FFN <= 0:
		return tutor.Errorf(tutor.EINVALID, "model shape: vocab, dim, layers and ffn must be positive (%+v)", s)
	case s.Heads <= 0 || s.KVHeads <= 0 || s.Heads%s.KVHeads != 0:
		return tutor.Errorf(tutor.EINVALID, "model shape: %d heads cannot share %d key/value heads", s.Heads, s.KVHeads)
	case s.HeadDim <= 0 || s.HeadDim%2 != 0:
		return tutor.Errorf(tutor.EINVALID, "model shape: head width %d must be positive and even", s.HeadDim)
	case s.RopeDim < 0 || s.RopeDim > s.HeadDim || s.RopeDim%2 != 0:
		return tutor.Errorf(tutor.EINVALID, "model shape: rope dimension %d does not fit head width %d", s.RopeDim, s.HeadDim)
	case s.NormEps <= 0 || s.RopeTheta <= 0:
		return tutor.Errorf(tutor.EINVALID, "model shape: norm epsilon and rope theta must be positive")
	}
	return nil
}

// Layer holds one transformer block's weights, row-major [out, in] as in GGUF.
type Layer struct {
	AttnNorm []float32 // [C]
	Wq       []float32 // [H·hd, C]
	Wk       []float32 // [KV·hd, C]
	Wv       []float32 // [KV·hd, C]
	Bq       []float32 // [H·hd] query bias (Qwen2), frozen; nil when absent
	Bk       []float32 // [KV·hd]
	Bv       []float32 // [KV·hd]
	Wo       []float32 // [C, H·hd]
	FFNNorm  []float32 // [C]
	Wgate    []float32 // [F, C]
	Wup      []float32 // [F, C]
	Wdown    []float32 // [C, F]
}

// Weights is a whole model as float32 buffers.
type Weights struct {
	Shape
	Arch      string    // the base's general.architecture (llama, qwen2), named in exported adapters
	RopeFreqs []float32 // per-frequency RoPE divisors (Llama 3.1 rope_freqs), or nil
	TokEmb    []float32 // [V, C]
	Layers    []Layer
	OutNorm   []float32 // [C]
	Output    []float32 // [V, C]; the same slice as TokEmb when the embeddings are tied
}

// Tied reports whether the output projection shares the token embeddings.
func (w *Weights) Tied() bool { return len(w.Output) > 0 && &w.Output[0] == &w.TokEmb[0] }

// NewWeights allocates zeroed weights of the given shape; tied shares TokEmb as Output.
func NewWeights(s Shape, tied bool) *Weights {
	C, F := s.Dim, s.FFN
	w := &Weights{Shape: s, TokEmb: make([]float32, s.Vocab*C), OutNorm: make([]float32, C)}
	w.Output = w.TokEmb
	if !tied {
		w.Output = make([]float32, s.Vocab*C)
	}
	w.Layers = make([]Layer, s.Layers)
	for i := range w.Layers {
		w.Layers[i] = Layer{
			AttnNorm: make([]float32, C),
			Wq:       make([]float32, s.QDim()*C),
			Wk:       make([]float32, s.KVDim()*C),
			Wv:       make([]float32, s.KVDim()*C),
			Wo:       make([]float32, C*s.QDim()),
			FFNNorm:  make([]float32, C),
			Wgate:    make([]float32, F*C),
			Wup:      make([]float32, F*C),
			Wdown:    make([]float32, C*F),
		}
	}
	return w
}

// Target names a linear layer of a block that can carry a LoRA adapter.
type Target string

// The LoRA targets, named as PEFT's short names.
const (
	TargetQ    Target = "q"
	TargetK    Target = "k"
	TargetV    Target = "v"
	TargetO    Target = "o"
	TargetGate Target = "gate"
	TargetUp   Target = "up"
	TargetDown Target = "down"
)

// AllTargets lists every target in block order.
var AllTargets = []Target{TargetQ, TargetK, TargetV, TargetO, TargetGate, TargetUp, TargetDown}

// ParseTarget accepts a short name (q, gate) or a PEFT/GGUF module name (q_proj, attn_q).
func ParseTarget(name string) (Target, error) {
	switch name {
	case "q", "q_proj", "attn_q":
		return TargetQ, nil
	case "k", "k_proj", "attn_k":
		return TargetK, nil
	case "v", "v_proj", "attn_v":
		return TargetV, nil
	case "o", "o_proj", "attn_output":
		return TargetO, nil
	case "gate", "gate_proj", "ffn_gate":
		return TargetGate, nil
	case "up", "up_proj", "ffn_up":
		return TargetUp, nil
	case "down", "down_proj", "ffn_down":
		return TargetDown, nil
	}
	return "", tutor.Errorf(tutor.EINVALID, "unknown LoRA target %q (want any of q, k, v, o, gate, up, down)", name)
}

// dims returns the (in, out) widths of a target's weight.
func (s Shape) dims(t Target) (in, out int) {
	switch t {
	case TargetQ:
		return s.Dim, s.QDim()
	case TargetK, TargetV:
		return s.Dim, s.KVDim()
	case TargetO:
		return s.QDim(), s.Dim
	case TargetGate, TargetUp:
		return s.Dim, s.FFN
	case TargetDown:
		return s.FFN, s.Dim
	}
	panic(fmt.Sprintf("finetune: unknown target %q", t))
}

// weight returns the layer's weight for a target.
func (l *Layer) weight(t Target) []float32 {
	switch t {
	case TargetQ:
		return l.Wq
	case TargetK:
		return l.Wk
	case TargetV:
		return l.Wv
	case TargetO:
		return l.Wo
	case TargetGate:
		return l.Wgate
	case TargetUp:
		return l.Wup
	case TargetDown:
		return l.Wdown
	}
	panic(fmt.Sprintf("finetune: unknown target %q", t))
}
