package model

import (
	"sort"

	"tutor"
)

// Adapter is a LoRA adapter: low-rank updates W' = W + (Alpha/r)·B·A to some of a base
// model's weight matrices, applied at run time without changing the base, so one loaded
// model serves any adapter per request.
type Adapter struct {
	Alpha   float32         // scale numerator; scale = Alpha/r (1 when Alpha is 0, as llama.cpp)
	Rank    int             // r, the rank the adapter was trained with
	Arch    string          // the base model's architecture, e.g. llama
	Tensors map[string]LoRA // key: base tensor name, e.g. "blk.0.attn_q.weight"
}

// LoRA is the pair of low-rank factors for one weight matrix W [out, in].
type LoRA struct {
	A []float32 // [r, in] row-major, as GGUF lora_a of shape [in, r]
	B []float32 // [out, r] row-major, as GGUF lora_b of shape [r, out]
}

// scale returns the factor applied to B·A x for a LoRA of rank r.
func (a *Adapter) scale(r int) float32 {
	if a.Alpha == 0 || r == 0 {
		return 1
	}
	return a.Alpha / float32(r)
}

// Names returns the adapted tensor names in sorted order.
func (a *Adapter) Names() []string {
	names := make([]string, 0, len(a.Tensors))
	for k := range a.Tensors {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Check verifies that every LoRA fits a matrix of m, so Forward can apply it without checks.
func (a *Adapter) Check(m *Model) error {
	if a.Arch != "" && a.Arch != m.Config.Arch {
		return tutor.Errorf(tutor.EINVALID, "adapter for %s does not fit a %s model", a.Arch, m.Config.Arch)
	}
	mats := m.Matrices()
	for _, name := range a.Names() {
		lo := a.Tensors[name]
		w, ok := mats[name]
		if !ok {
			return tutor.Errorf(tutor.EINVALID, "adapter tensor %s: the model has no such weight matrix", name)
		}
		if len(lo.A) == 0 || len(lo.A)%w.Cols != 0 {
			return tutor.Errorf(tutor.EINVALID, "adapter tensor %s: A has %d values, not a multiple of %d inputs", name, len(lo.A), w.Cols)
		}
		r := len(lo.A) / w.Cols
		if len(lo.B) != w.Rows*r {
			return tutor.Errorf(tutor.EINVALID, "adapter tensor %s: B has %d values, want %d outputs × rank %d", name, len(lo.B), w.Rows, r)
		}
	}
	return nil
}
