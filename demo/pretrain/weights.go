package pretrain

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"tutor"
	"tutor/finetune"
	"tutor/model/ggml"
	"tutor/model/gguf"
	"tutor/model/tokenizer"
)

// Init returns the recipe's model with random weights: normal with deviation 0.02, output
// projections of each block scaled down by √(2·layers) as in GPT-2, norms at 1. The output
// layer shares the token embeddings. With r.CopyHeads, the first two layers, the embeddings
// and the final norm are then set to the copying circuit of copyheads.go, whose induction head
// falls back on the control tokens given.
func Init(r Recipe, controls ...int) *finetune.Weights {
	w := finetune.NewWeights(r.Shape(), true)
	w.Arch = "llama"
	rng := rand.New(rand.NewPCG(r.Seed, 0x1417))
	normal := func(x []float32, std float64) {
		for i := range x {
			x[i] = float32(std * rng.NormFloat64())
		}
	}
	ones := func(x []float32) {
		for i := range x {
			x[i] = 1
		}
	}
	proj := 0.02 / math.Sqrt(2*float64(r.Layers))
	normal(w.TokEmb, 0.02)
	for i := range w.Layers {
		l := &w.Layers[i]
		ones(l.AttnNorm)
		ones(l.FFNNorm)
		normal(l.Wq, 0.02)
		normal(l.Wk, 0.02)
		normal(l.Wv, 0.02)
		normal(l.Wo, proj)
		normal(l.Wgate, 0.02)
		normal(l.Wup, 0.02)
		normal(l.Wdown, proj)
	}
	ones(w.OutNorm)
	if r.CopyHeads {
		wireCopyHeads(w, rng, controls, r.CopyBigram, r.CopyTrigram)
	}
	return w
}

// WriteGGUF writes w as a llama GGUF model with the vocabulary, the chat template, and the
// recipe in the metadata (tutor.recipe, tutor.corpus): matrices as F16 (F32 when f32), norms
// as F32. The file appears whole or not at all.
func WriteGGUF(path string, w *finetune.Weights, v tokenizer.Vocab, r Recipe, f32 bool) error {
	s := w.Shape
	mt, ft := ggml.F16, uint32(1)
	if f32 {
		mt, ft = ggml.F32, 0
	}
	kv := []gguf.KV{
		{Key: "general.architecture", Value: gguf.String("llama")},
		{Key: "general.name", Value: gguf.String("tutor-demo")},
		{Key: "general.description", Value: gguf.String("The demo base model of Tutor, pretrained from scratch on a generated corpus of fictional companies.")},
		{Key: "general.file_type", Value: gguf.Uint32(ft)},
		{Key: "llama.context_length", Value: gguf.Uint32(uint32(s.Context))},
		{Key: "llama.embedding_length", Value: gguf.Uint32(uint32(s.Dim))},
		{Key: "llama.block_count", Value: gguf.Uint32(uint32(s.Layers))},
		{Key: "llama.feed_forward_length", Value: gguf.Uint32(uint32(s.FFN))},
		{Key: "llama.rope.dimension_count", Value: gguf.Uint32(uint32(s.HeadDim))},
		{Key: "llama.attention.head_count", Value: gguf.Uint32(uint32(s.Heads))},
		{Key: "llama.attention.head_count_kv", Value: gguf.Uint32(uint32(s.KVHeads))},
		{Key: "llama.attention.layer_norm_rms_epsilon", Value: gguf.Float32(s.NormEps)},
		{Key: "llama.rope.freq_base", Value: gguf.Float32(s.RopeTheta)},
		{Key: "llama.vocab_size", Value: gguf.Uint32(uint32(s.Vocab))},
		{Key: "tokenizer.chat_template", Value: gguf.String(template.Jinja)},
		{Key: "tutor.recipe", Value: gguf.String(r.JSON())},
		{Key: "tutor.corpus", Value: gguf.String(r.Corpus)},
	}
	kv = append(kv, tokenizer.GGUFMetadata(v)...)
	type tensor struct {
		name       string
		data       []float32
		rows, cols int
	}
	ts := []tensor{{"token_embd.weight", w.TokEmb, s.Vocab, s.Dim}}
	for i, l := range w.Layers {
		p := fmt.Sprintf("blk.%d.", i)
		ts = append(ts,
			tensor{p + "attn_norm.weight", l.AttnNorm, 1, s.Dim},
			tensor{p + "attn_q.weight", l.Wq, s.QDim(), s.Dim},
			tensor{p + "attn_k.weight", l.Wk, s.KVDim(), s.Dim},
			tensor{p + "attn_v.weight", l.Wv, s.KVDim(), s.Dim},
			tensor{p + "attn_output.weight", l.Wo, s.Dim, s.QDim()},
			tensor{p + "ffn_norm.weight", l.FFNNorm, 1, s.Dim},
			tensor{p + "ffn_gate.weight", l.Wgate, s.FFN, s.Dim},
			tensor{p + "ffn_up.weight", l.Wup, s.FFN, s.Dim},
			tensor{p + "ffn_down.weight", l.Wdown, s.Dim, s.FFN})
	}
	ts = append(ts, tensor{"output_norm.weight", w.OutNorm, 1, s.Dim})
	infos := make([]gguf.TensorInfo, len(ts))
	for i, t := range ts {
		infos[i] = gguf.TensorInfo{Name: t.name, Type: mt, Shape: []uint64{uint64(t.cols), uint64(t.rows)}}
		if t.rows == 1 {
			infos[i].Type, infos[i].Shape = ggml.F32, []uint64{uint64(t.cols)}
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "create folder for %s", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".model-*.tmp")
	if err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "create %s", path)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	gw, err := gguf.NewWriter(tmp, kv, infos)
	if err != nil {
		return err
	}
	for i, t := range ts {
		if err := gw.WriteTensor(encode(t.data, infos[i].Type)); err != nil {
			return err
		}
	}
	if err := gw.Close(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "write %s", path)
	}
	if err := tmp.Close(); err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "write %s", path)
	}
	return os.Rename(tmp.Name(), path)
}

func encode(x []float32, t ggml.Type) []byte {
	if t == ggml.F16 {
		b := make([]byte, 2*len(x))
		ggml.F32ToF16(x, b)
		return b
	}
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}
