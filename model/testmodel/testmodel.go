// Package testmodel writes tiny random Llama-family models as GGUF files, deterministic
// from a seed, for tests and benchmarks across Tutor; Ollama and llama.cpp load them too.
package testmodel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"tutor/model/ggml"
	"tutor/model/gguf"
)

// Options describe a generated model. Zero fields take the defaults of [Options.withDefaults].
type Options struct {
	Arch    string    // "llama" (SentencePiece vocabulary) or "qwen2" (byte-level BPE, q/k/v biases)
	Type    ggml.Type // type of the weight matrices: F32 (the zero value), F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K
	Dim     int       // embedding width; default 64, or 256 for the K types (blocks of 256)
	Layers  int       // default 2
	Heads   int       // default 4
	KVHeads int       // default 2 (grouped-query attention)
	FFN     int       // default 2·Dim
	Vocab   int       // default 512 (llama) or 600 (qwen2)
	Context int       // default 2048
	Tied    bool      // no output.weight: the output projection shares token_embd
	Seed    uint64
	Name    string // general.name; default "tiny-<arch>"
	// RopeScale, when above 1, writes linear RoPE scaling with this factor (positions are
	// divided by it), as models extended to longer contexts carry.
	RopeScale float32
}

// Bench returns the options of the ~110M-parameter llama-shaped benchmark model
// (dim 768, 12 layers, 12 heads, ffn 2048, vocab 32000, tied output) in type t.
func Bench(t ggml.Type) Options {
	return Options{Arch: "llama", Type: t, Dim: 768, Layers: 12, Heads: 12, KVHeads: 12, FFN: 2048,
		Vocab: 32000, Tied: true, Seed: 1, Name: "bench-110m"}
}

func (o Options) withDefaults() Options {
	if o.Arch == "" {
		o.Arch = "llama"
	}
	if o.Dim == 0 {
		o.Dim = 64
		if o.Type.BlockSize() == ggml.QKK {
			o.Dim = 256
		}
	}
	if o.Layers == 0 {
		o.Layers = 2
	}
	if o.Heads == 0 {
		o.Heads = 4
	}
	if o.KVHeads == 0 {
		o.KVHeads = min(2, o.Heads)
	}
	if o.FFN == 0 {
		o.FFN = 2 * o.Dim
	}
	if o.Vocab == 0 {
		o.Vocab = map[string]int{"qwen2": 600}[o.Arch]
		if o.Vocab == 0 {
			o.Vocab = 512
		}
	}
	if o.Context == 0 {
		o.Context = 2048
	}
	if o.Name == "" {
		o.Name = "tiny-" + o.Arch
	}
	return o
}

// fileTypes maps a weight type to general.file_type (llama_ftype).
var fileTypes = map[ggml.Type]uint32{ggml.F32: 0, ggml.F16: 1, ggml.Q4_0: 2, ggml.Q8_0: 7, ggml.Q4_K: 14, ggml.Q6_K: 18, ggml.BF16: 32}

// Write writes the model described by o to path.
func Write(path string, o Options) error {
	o = o.withDefaults()
	ft, ok := fileTypes[o.Type]
	if !ok {
		return fmt.Errorf("testmodel: weight type %s is not supported", o.Type)
	}
	if o.Arch != "llama" && o.Arch != "qwen2" {
		return fmt.Errorf("testmodel: architecture %q, want llama or qwen2", o.Arch)
	}
	if o.Dim%o.Heads != 0 || o.Heads%o.KVHeads != 0 || o.Dim%o.Type.BlockSize() != 0 || o.FFN%o.Type.BlockSize() != 0 {
		return fmt.Errorf("testmodel: dim %d, heads %d/%d, ffn %d do not fit %s blocks", o.Dim, o.Heads, o.KVHeads, o.FFN, o.Type)
	}
	var v vocab
	var err error
	if o.Arch == "llama" {
		v, err = spmVocab(o.Vocab)
	} else {
		v, err = bpeVocab(o.Vocab)
	}
	if err != nil {
		return err
	}
	a := o.Arch
	kv := []gguf.KV{
		{Key: "general.architecture", Value: gguf.String(a)},
		{Key: "general.name", Value: gguf.String(o.Name)},
		{Key: "general.file_type", Value: gguf.Uint32(ft)},
		{Key: a + ".context_length", Value: gguf.Uint32(uint32(o.Context))},
		{Key: a + ".embedding_length", Value: gguf.Uint32(uint32(o.Dim))},
		{Key: a + ".block_count", Value: gguf.Uint32(uint32(o.Layers))},
		{Key: a + ".feed_forward_length", Value: gguf.Uint32(uint32(o.FFN))},
		{Key: a + ".rope.dimension_count", Value: gguf.Uint32(uint32(o.Dim / o.Heads))},
		{Key: a + ".attention.head_count", Value: gguf.Uint32(uint32(o.Heads))},
		{Key: a + ".attention.head_count_kv", Value: gguf.Uint32(uint32(o.KVHeads))},
		{Key: a + ".attention.layer_norm_rms_epsilon", Value: gguf.Float32(1e-5)},
		{Key: a + ".rope.freq_base", Value: gguf.Float32(map[string]float32{"llama": 10000, "qwen2": 1000000}[a])},
		{Key: a + ".vocab_size", Value: gguf.Uint32(uint32(o.Vocab))},
	}
	if o.RopeScale > 1 {
		kv = append(kv, gguf.KV{Key: a + ".rope.scaling.type", Value: gguf.String("linear")},
			gguf.KV{Key: a + ".rope.scaling.factor", Value: gguf.Float32(o.RopeScale)})
	}
	kv = append(kv, v.kv...)
	tensors := o.tensors()
	infos := make([]gguf.TensorInfo, len(tensors))
	for i, t := range tensors {
		infos[i] = gguf.TensorInfo{Name: t.name, Shape: t.shape, Type: t.typ}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := gguf.NewWriter(f, kv, infos)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x7e57))
	for _, t := range tensors {
		data, err := t.generate(rng)
		if err != nil {
			return fmt.Errorf("testmodel: %s: %w", t.name, err)
		}
		if err := w.WriteTensor(data); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	return f.Close()
}

// tensor is one weight to generate: normal values of the given mean and deviation.
type tensor struct {
	name      string
	shape     []uint64 // GGUF order, ne0 first
	typ       ggml.Type
	mean, std float64
}

// tensors lists the model's tensors in llama.cpp's order, with deviations that keep the
// residual stream's scale steady and make the output logits decisive.
func (o Options) tensors() []tensor {
	C, F, V := uint64(o.Dim), uint64(o.FFN), uint64(o.Vocab)
	D := C / uint64(o.Heads)
	KV := D * uint64(o.KVHeads)
	w := func(name string, cols, rows uint64, std float64) tensor {
		return tensor{name: name, shape: []uint64{cols, rows}, typ: o.Type, std: std}
	}
	vec := func(name string, n uint64, mean, std float64) tensor {
		return tensor{name: name, shape: []uint64{n}, typ: ggml.F32, mean: mean, std: std}
	}
	inv := func(n uint64) float64 { return 1 / math.Sqrt(float64(n)) }
	ts := []tensor{w("token_embd.weight", C, V, 1)}
	for i := range o.Layers {
		p := fmt.Sprintf("blk.%d.", i)
		ts = append(ts, vec(p+"attn_norm.weight", C, 1, 0.1),
			w(p+"attn_q.weight", C, C, 2*inv(C)), w(p+"attn_k.weight", C, KV, 2*inv(C)), w(p+"attn_v.weight", C, KV, inv(C)))
		if o.Arch == "qwen2" {
			ts = append(ts, vec(p+"attn_q.bias", C, 0, 0.2), vec(p+"attn_k.bias", KV, 0, 0.2), vec(p+"attn_v.bias", KV, 0, 0.2))
		}
		ts = append(ts, w(p+"attn_output.weight", C, C, inv(C)),
			vec(p+"ffn_norm.weight", C, 1, 0.1),
			w(p+"ffn_gate.weight", C, F, inv(C)), w(p+"ffn_up.weight", C, F, inv(C)), w(p+"ffn_down.weight", F, C, inv(F)))
	}
	ts = append(ts, vec("output_norm.weight", C, 1, 0.1))
	if !o.Tied {
		ts = append(ts, w("output.weight", C, V, 3*inv(C)))
	}
	return ts
}

func (t tensor) generate(rng *rand.Rand) ([]byte, error) {
	n := uint64(1)
	for _, d := range t.shape {
		n *= d
	}
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(t.mean + t.std*rng.NormFloat64())
	}
	return ggml.Quantize(t.typ, x)
}
