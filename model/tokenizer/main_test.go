package tokenizer

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"tutor/internal/testenv"
	"tutor/model/ggml"
	"tutor/model/gguf"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func storiesPath(tb testing.TB) string { return testenv.Stories260K(tb) }

// mustGGUF returns the tokenizer of the GGUF file at path.
func mustGGUF(tb testing.TB, path string) *Tokenizer {
	tb.Helper()
	f, err := gguf.OpenFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	tok, err := FromGGUF(f)
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// writeTinyLlama writes a one-layer llama model with random weights and vocabulary v, small
// enough to create in Ollama in a moment, and returns its path.
func writeTinyLlama(tb testing.TB, v Vocab) string {
	tb.Helper()
	const embd, ff, heads = 8, 16, 2
	n := uint64(len(v.Tokens))
	kv := []gguf.KV{
		{Key: "general.architecture", Value: gguf.String("llama")},
		{Key: "general.name", Value: gguf.String("tiny")},
		{Key: "llama.context_length", Value: gguf.Uint32(256)},
		{Key: "llama.embedding_length", Value: gguf.Uint32(embd)},
		{Key: "llama.block_count", Value: gguf.Uint32(1)},
		{Key: "llama.feed_forward_length", Value: gguf.Uint32(ff)},
		{Key: "llama.attention.head_count", Value: gguf.Uint32(heads)},
		{Key: "llama.attention.head_count_kv", Value: gguf.Uint32(heads)},
		{Key: "llama.rope.dimension_count", Value: gguf.Uint32(embd / heads)},
		{Key: "llama.attention.layer_norm_rms_epsilon", Value: gguf.Float32(1e-5)},
	}
	kv = append(kv, GGUFMetadata(v)...)
	rng := rand.New(rand.NewPCG(1, 2))
	tensor := func(name string, shape ...uint64) gguf.WriterTensor {
		size := uint64(1)
		for _, d := range shape {
			size *= d
		}
		var b bytes.Buffer
		for range size {
			binary.Write(&b, binary.LittleEndian, math.Float32bits(float32(rng.NormFloat64()*0.1)))
		}
		return gguf.WriterTensor{Name: name, Shape: shape, Type: ggml.F32, Data: b.Bytes()}
	}
	tensors := []gguf.WriterTensor{
		tensor("token_embd.weight", embd, n),
		tensor("output_norm.weight", embd),
		tensor("output.weight", embd, n),
		tensor("blk.0.attn_norm.weight", embd),
		tensor("blk.0.attn_q.weight", embd, embd),
		tensor("blk.0.attn_k.weight", embd, embd),
		tensor("blk.0.attn_v.weight", embd, embd),
		tensor("blk.0.attn_output.weight", embd, embd),
		tensor("blk.0.ffn_norm.weight", embd),
		tensor("blk.0.ffn_gate.weight", embd, ff),
		tensor("blk.0.ffn_up.weight", embd, ff),
		tensor("blk.0.ffn_down.weight", ff, embd),
	}
	path := filepath.Join(tb.TempDir(), "tiny.gguf")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := gguf.Write(f, kv, tensors); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}
