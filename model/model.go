package model

import (
	"fmt"
	"tutor/model/tokenizer"
)

// Model is a loaded Llama-family transformer: its shape and its weights, kept in their file
// types. A Model is read-only after loading, so any number of generations may share it,
// each with its own [State] and, optionally, its own [Adapter].
type Model struct {
	Config     Config
	TokenEmbd  *Matrix              // [V, C]
	Layers     []Layer              // [L]
	OutputNorm []float32            // [C]
	Output     *Matrix              // [V, C]; the same Matrix as TokenEmbd when the embedding is tied
	RopeFreqs  []float32            // [RopeDim/2] per-frequency divisors (Llama 3.1 rope_freqs), or nil
	Tied       bool                 // Output shares TokenEmbd's weights
	Tokenizer  *tokenizer.Tokenizer // from the GGUF tokenizer.ggml.* keys
	Template   string               // tokenizer.chat_template, when the file has one
}

// Layer is one transformer block. H heads of width D, KV key/value heads, C = Dim, F = FFN.
type Layer struct {
	AttnNorm []float32 // [C]
	Wq       *Matrix   // [H*D, C]
	Wk       *Matrix   // [KV*D, C]
	Wv       *Matrix   // [KV*D, C]
	Bq       []float32 // [H*D], qwen2 only
	Bk       []float32 // [KV*D], qwen2 only
	Bv       []float32 // [KV*D], qwen2 only
	Wo       *Matrix   // [C, H*D]
	FFNNorm  []float32 // [C]
	Wgate    *Matrix   // [F, C]
	Wup      *Matrix   // [F, C]
	Wdown    *Matrix   // [C, F]
}

// matrices lists the block's weight matrices by their GGUF names, as LoRA adapters name them.
func (l *Layer) matrices(i int) map[string]*Matrix {
	p := fmt.Sprintf("blk.%d.", i)
	return map[string]*Matrix{
		p + "attn_q.weight":      l.Wq,
		p + "attn_k.weight":      l.Wk,
		p + "attn_v.weight":      l.Wv,
		p + "attn_output.weight": l.Wo,
		p + "ffn_gate.weight":    l.Wgate,
		p + "ffn_up.weight":      l.Wup,
		p + "ffn_down.weight":    l.Wdown,
	}
}

// Matrices returns every weight matrix an adapter may modify, keyed by GGUF tensor name.
func (m *Model) Matrices() map[string]*Matrix {
	all := map[string]*Matrix{"output.weight": m.Output}
	for i := range m.Layers {
		for k, v := range m.Layers[i].matrices(i) {
			all[k] = v
		}
	}
	return all
}

// Parameters returns the number of weights.
func (m *Model) Parameters() int64 { return m.Config.Parameters(m.Tied) }
