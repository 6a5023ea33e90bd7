package gguf

import (
	"bytes"
	"math"
	"os"
	"testing"

	"tutor/internal/testenv"
	"tutor/model/ggml"
)

func TestStories260KRoundTrip(t *testing.T) {
	path := testenv.Stories260K(t)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Version != 3 || len(f.Tensors) != 48 || len(f.KV) != 19 || f.Architecture() != "llama" {
		t.Errorf("version %d, %d tensors, %d keys, architecture %q", f.Version, len(f.Tensors), len(f.KV), f.Architecture())
	}
	if n, ok := f.Uint("llama.embedding_length"); !ok || n != 64 {
		t.Errorf("llama.embedding_length = %d, %v", n, ok)
	}
	if toks, ok := f.Strings("tokenizer.ggml.tokens"); !ok || len(toks) != 512 {
		t.Errorf("tokenizer.ggml.tokens: %d, %v", len(toks), ok)
	}
	if scores, ok := f.Float32s("tokenizer.ggml.scores"); !ok || len(scores) != 512 {
		t.Errorf("tokenizer.ggml.scores: %d, %v", len(scores), ok)
	}
	if types, ok := f.Int32s("tokenizer.ggml.token_type"); !ok || len(types) != 512 {
		t.Errorf("tokenizer.ggml.token_type: %d, %v", len(types), ok)
	}
	var params uint64
	for i := range f.Tensors {
		params += f.Tensors[i].NumElements()
	}
	if params != 292800 {
		t.Errorf("%d parameters, want 292800", params)
	}
	ti, ok := f.Tensor("token_embd.weight")
	if !ok || ti.Type != ggml.F32 || len(ti.Shape) != 2 || ti.Shape[0] != 64 || ti.Shape[1] != 512 {
		t.Fatalf("token_embd.weight: %+v", ti)
	}
	var out bytes.Buffer
	if err := Write(&out, f.KV, tensorsOf(t, f)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), orig) {
		t.Fatalf("write→read→write: %d bytes, the file has %d, first difference at %d", out.Len(), len(orig), firstDiff(out.Bytes(), orig))
	}
}

func TestMiniLMQuantized(t *testing.T) {
	f, err := OpenFile(testenv.MiniLM(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	if err := Write(&out, f.KV, tensorsOf(t, f)); err != nil {
		t.Fatal(err)
	}
	if orig, _ := os.ReadFile(testenv.MiniLM(t)); !bytes.Equal(out.Bytes(), orig) {
		t.Errorf("write→read→write: %d bytes, the file has %d, first difference at %d", out.Len(), len(orig), firstDiff(out.Bytes(), orig))
	}
	if f.Architecture() != "bert" {
		t.Errorf("architecture %q", f.Architecture())
	}
	if n, ok := f.Uint("bert.embedding_length"); !ok || n != 384 {
		t.Errorf("bert.embedding_length = %d, %v", n, ok)
	}
	types := map[ggml.Type]int{}
	for i := range f.Tensors {
		types[f.Tensors[i].Type]++
	}
	if types[ggml.Q4_K] == 0 || types[ggml.Q6_K] == 0 {
		t.Fatalf("tensor types %v: want Q4_K and Q6_K", types)
	}
	for _, typ := range []ggml.Type{ggml.Q4_K, ggml.Q6_K} {
		var ti *TensorInfo
		for i := range f.Tensors {
			if f.Tensors[i].Type == typ && len(f.Tensors[i].Shape) == 2 {
				ti = &f.Tensors[i]
				break
			}
		}
		x, err := f.TensorFloat32s(ti)
		if err != nil {
			t.Fatal(err)
		}
		// Trained weights: finite, not all zero, of a plausible size per element.
		var sum2 float64
		for _, v := range x {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("%s (%s): non-finite value", ti.Name, typ)
			}
			sum2 += float64(v) * float64(v)
		}
		rms := math.Sqrt(sum2 / float64(len(x)))
		if rms < 1e-3 || rms > 10 {
			t.Errorf("%s (%s %v): RMS %g", ti.Name, typ, ti.Shape, rms)
		}
		t.Logf("%s (%s %v): RMS %.4f", ti.Name, typ, ti.Shape, rms)
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
