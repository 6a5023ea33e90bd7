package finetune

import (
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"tutor"
	"tutor/model"
	"tutor/model/safetensors"
)

// ggufNames are the GGUF tensor names of the targets within a block.
var ggufNames = map[Target]string{TargetQ: "attn_q", TargetK: "attn_k", TargetV: "attn_v", TargetO: "attn_output",
	TargetGate: "ffn_gate", TargetUp: "ffn_up", TargetDown: "ffn_down"}

// peftNames are the Hugging Face module paths of the targets within a layer.
var peftNames = map[Target]string{TargetQ: "self_attn.q_proj", TargetK: "self_attn.k_proj", TargetV: "self_attn.v_proj",
	TargetO: "self_attn.o_proj", TargetGate: "mlp.gate_proj", TargetUp: "mlp.up_proj", TargetDown: "mlp.down_proj"}

// ggufName is the base tensor a target of block i adapts, e.g. blk.0.attn_q.weight.
func ggufName(i int, t Target) string {
	return "blk." + strconv.Itoa(i) + "." + ggufNames[t] + ".weight"
}

// Adapter copies the trained LoRA into model/'s adapter, which the built-in engine applies per
// request and which exports as GGUF. arch is the base's general.architecture.
func (l *LoRA) Adapter(arch string) *model.Adapter {
	a := &model.Adapter{Alpha: l.Alpha, Rank: l.Rank, Arch: arch, Tensors: map[string]model.LoRA{}}
	for i, m := range l.Layers {
		for t, p := range m {
			a.Tensors[ggufName(i, t)] = model.LoRA{A: slices.Clone(values(p.A)), B: slices.Clone(values(p.B))}
		}
	}
	return a
}

// ExportGGUF writes the adapter as a GGUF LoRA (general.type=adapter, adapter.type=lora,
// adapter.lora.alpha f32, F32 tensors <base>.lora_a [in, r] and .lora_b [r, out]) that
// Ollama's ADAPTER, llama.cpp and model/ load. The file appears whole or not at all.
func ExportGGUF(path string, l *LoRA, arch string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "create folder for %s", path)
	}
	return model.WriteAdapter(path, l.Adapter(arch), arch)
}

// peftConfig is the adapter_config.json PEFT reads.
type peftConfig struct {
	PeftType        string   `json:"peft_type"`
	TaskType        string   `json:"task_type"`
	BaseModel       string   `json:"base_model_name_or_path"`
	R               int      `json:"r"`
	LoRAAlpha       int      `json:"lora_alpha"`
	LoRADropout     float32  `json:"lora_dropout"`
	TargetModules   []string `json:"target_modules"`
	Bias            string   `json:"bias"`
	FanInFanOut     bool     `json:"fan_in_fan_out"`
	InferenceMode   bool     `json:"inference_mode"`
	InitLoRAWeights bool     `json:"init_lora_weights"`
	UseRSLoRA       bool     `json:"use_rslora"`
	ModulesToSave   []string `json:"modules_to_save"`
}

// ExportPEFT writes the adapter for Hugging Face PEFT into dir: adapter_config.json (with an
// integer lora_alpha; a fractional alpha is folded into lora_B so the update stays exact) and
// adapter_model.safetensors with PEFT's names. For Llama bases the query and key rows are put
// back in Hugging Face's order (GGUF conversion interleaves the RoPE halves of each head).
func ExportPEFT(dir string, l *LoRA, w *Weights, baseModel string) error {
	alpha := max(1, int(math.Round(float64(l.Alpha))))
	fold := l.Alpha / float32(alpha)
	cfg := peftConfig{PeftType: "LORA", TaskType: "CAUSAL_LM", BaseModel: baseModel, R: l.Rank, LoRAAlpha: alpha,
		LoRADropout: l.Dropout, Bias: "none", InferenceMode: true, InitLoRAWeights: true}
	var tensors []safetensors.Tensor
	for _, t := range AllTargets {
		if slices.Contains(l.Targets, t) {
			_, module, _ := strings.Cut(peftNames[t], ".")
			cfg.TargetModules = append(cfg.TargetModules, module)
		}
	}
	for i, m := range l.Layers {
		for _, t := range AllTargets {
			p := m[t]
			if p == nil {
				continue
			}
			b := slices.Clone(values(p.B))
			for j := range b {
				b[j] *= fold
			}
			if heads := w.permutedHeads(t); heads > 0 {
				b = unpermuteRows(b, heads, w.HeadDim, l.Rank)
			}
			prefix := "base_model.model.model.layers." + strconv.Itoa(i) + "." + peftNames[t]
			ta, err := safetensors.F32Tensor(prefix+".lora_A.weight", safetensors.F32, []int{l.Rank, p.In}, values(p.A))
			if err != nil {
				return err
			}
			tb, err := safetensors.F32Tensor(prefix+".lora_B.weight", safetensors.F32, []int{p.Out, l.Rank}, b)
			if err != nil {
				return err
			}
			tensors = append(tensors, ta, tb)
		}
	}
	js, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "adapter_config.json")
	}
	if err := writeAtomic(filepath.Join(dir, "adapter_model.safetensors"), func(f io.Writer) error {
		return safetensors.Write(f, tensors, map[string]string{"format": "pt"})
	}); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, "adapter_config.json"), func(f io.Writer) error {
		_, err := f.Write(append(js, '\n'))
		return err
	})
}

// ReadPEFT reads a PEFT LoRA folder written for a base of shape w into model/'s adapter
// (GGUF names and row order), the inverse of ExportPEFT.
func ReadPEFT(dir string, w *Weights) (*model.Adapter, error) {
	b, err := os.ReadFile(filepath.Join(dir, "adapter_config.json"))
	if err != nil {
		return nil, tutor.Wrap(err, tutor.ENOTFOUND, "PEFT adapter %s", dir)
	}
	var cfg struct {
		R         int     `json:"r"`
		LoRAAlpha float32 `json:"lora_alpha"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return nil, tutor.Errorf(tutor.EINVALID, "%s/adapter_config.json: %v", dir, err)
	}
	if cfg.R <= 0 || cfg.R > model.MaxAdapterRank {
		return nil, tutor.Errorf(tutor.EINVALID, "%s/adapter_config.json: rank %d out of range", dir, cfg.R)
	}
	f, err := safetensors.OpenFile(filepath.Join(dir, "adapter_model.safetensors"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a := &model.Adapter{Alpha: cfg.LoRAAlpha, Rank: cfg.R, Arch: w.Arch, Tensors: map[string]model.LoRA{}}
	for i := range w.Layers {
		for _, t := range AllTargets {
			prefix := "base_model.model.model.layers." + strconv.Itoa(i) + "." + peftNames[t]
			ta, okA := f.Tensor(prefix + ".lora_A.weight")
			tb, okB := f.Tensor(prefix + ".lora_B.weight")
			if !okA && !okB {
				continue
			}
			in, out := w.dims(t)
			if !okA || !okB || !slices.Equal(ta.Shape, []int{cfg.R, in}) || !slices.Equal(tb.Shape, []int{out, cfg.R}) {
				return nil, tutor.Errorf(tutor.EINVALID, "%s: %s needs lora_A [%d %d] and lora_B [%d %d]", dir, prefix, cfg.R, in, out, cfg.R)
			}
			av, err := f.Float32s(ta)
			if err != nil {
				return nil, err
			}
			bv, err := f.Float32s(tb)
			if err != nil {
				return nil, err
			}
			if heads := w.permutedHeads(t); heads > 0 {
				bv = permuteRows(bv, heads, w.HeadDim, cfg.R)
			}
			a.Tensors[ggufName(i, t)] = model.LoRA{A: av, B: bv}
		}
	}
	if len(a.Tensors) == 0 {
		return nil, tutor.Errorf(tutor.EINVALID, "%s: no LoRA tensors for this model", dir)
	}
	return a, nil
}

// permutedHeads returns the head count whose rows GGUF interleaves for target t (query and key
// of Llama-style RoPE), or 0 when the rows are in Hugging Face's order.
func (w *Weights) permutedHeads(t Target) int {
	if w.RopeNeox {
		return 0
	}
	switch t {
	case TargetQ:
		return w.Heads
	case TargetK:
		return w.KVHeads
	}
	return 0
}

// unpermuteRows maps rows [heads·hd, cols] from GGUF order (row 2i+a of a head) to Hugging
// Face's (row a·hd/2+i), undoing llama.cpp's convert permutation.
func unpermuteRows(x []float32, heads, hd, cols int) []float32 {
	out := make([]float32, len(x))
	half := hd / 2
	for h := range heads {
		for i := range half {
			for a := range 2 {
				src, dst := h*hd+2*i+a, h*hd+a*half+i
				copy(out[dst*cols:(dst+1)*cols], x[src*cols:(src+1)*cols])
			}
		}
	}
	return out
}

// permuteRows is the inverse of unpermuteRows: Hugging Face's row order to GGUF's.
func permuteRows(x []float32, heads, hd, cols int) []float32 {
	out := make([]float32, len(x))
	half := hd / 2
	for h := range heads {
		for i := range half {
			for a := range 2 {
				src, dst := h*hd+a*half+i, h*hd+2*i+a
				copy(out[dst*cols:(dst+1)*cols], x[src*cols:(src+1)*cols])
			}
		}
	}
	return out
}
