package model

import (
	"fmt"
	"os"

	"tutor"
	"tutor/model/gguf"
	"tutor/model/tokenizer"
)

// Load reads a model from a GGUF file. The weights stay in their file types.
func Load(path string) (*Model, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, tutor.Wrap(err, tutor.ENOTFOUND, "model %s not found", path)
	}
	if st.IsDir() {
		return loadSafetensors(path)
	}
	f, err := gguf.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return FromGGUF(f)
}

// FromGGUF builds a model from an open GGUF file, reading all its tensors into memory.
func FromGGUF(f *gguf.File) (*Model, error) {
	if typ, _ := f.String("general.type"); typ == "adapter" {
		return nil, tutor.Errorf(tutor.EINVALID, "the file is a LoRA adapter, not a model")
	}
	emb, ok := f.Tensor("token_embd.weight")
	if !ok || len(emb.Shape) != 2 {
		return nil, tutor.Errorf(tutor.EINVALID, "gguf: token_embd.weight missing or not a matrix")
	}
	cfg, err := configFromMeta(f, int(emb.Shape[1]))
	if err != nil {
		return nil, err
	}
	m := &Model{Config: cfg}
	m.Template, _ = f.String("tokenizer.chat_template")
	if m.Tokenizer, err = tokenizer.New(vocabFromGGUF(f)); err != nil {
		return nil, err
	}
	if n := m.Tokenizer.VocabSize(); n != cfg.Vocab {
		return nil, tutor.Errorf(tutor.EINVALID, "gguf: %d tokens in the vocabulary but %d rows in token_embd", n, cfg.Vocab)
	}
	r := tensorReader{f: f}
	c := cfg
	qd, kvd := c.Heads*c.HeadDim, c.KVHeads*c.HeadDim
	m.TokenEmbd = r.matrix("token_embd.weight", c.Vocab, c.Dim)
	m.OutputNorm = r.vector("output_norm.weight", c.Dim)
	if _, ok := f.Tensor("output.weight"); ok {
		m.Output = r.matrix("output.weight", c.Vocab, c.Dim)
	} else if m.TokenEmbd != nil {
		m.Tied = true
		out := *m.TokenEmbd
		out.Name = "output.weight" // adapters name the output projection so even when tied
		m.Output = &out
	}
	if _, ok := f.Tensor("rope_freqs.weight"); ok {
		m.RopeFreqs = r.vector("rope_freqs.weight", c.RopeDim/2)
	}
	m.Layers = make([]Layer, c.Layers)
	for i := range m.Layers {
		p := fmt.Sprintf("blk.%d.", i)
		l := &m.Layers[i]
		l.AttnNorm = r.vector(p+"attn_norm.weight", c.Dim)
		l.Wq = r.matrix(p+"attn_q.weight", qd, c.Dim)
		l.Wk = r.matrix(p+"attn_k.weight", kvd, c.Dim)
		l.Wv = r.matrix(p+"attn_v.weight", kvd, c.Dim)
		l.Wo = r.matrix(p+"attn_output.weight", c.Dim, qd)
		if _, ok := f.Tensor(p + "attn_q.bias"); ok {
			l.Bq = r.vector(p+"attn_q.bias", qd)
			l.Bk = r.vector(p+"attn_k.bias", kvd)
			l.Bv = r.vector(p+"attn_v.bias", kvd)
		}
		l.FFNNorm = r.vector(p+"ffn_norm.weight", c.Dim)
		l.Wgate = r.matrix(p+"ffn_gate.weight", c.FFN, c.Dim)
		l.Wup = r.matrix(p+"ffn_up.weight", c.FFN, c.Dim)
		l.Wdown = r.matrix(p+"ffn_down.weight", c.Dim, c.FFN)
	}
	if r.err != nil {
		return nil, r.err
	}
	return m, nil
}

// tensorReader reads named tensors of an expected shape, keeping the first error.
type tensorReader struct {
	f   *gguf.File
	err error
}

func (r *tensorReader) info(name string, shape ...int) *gguf.TensorInfo {
	if r.err != nil {
		return nil
	}
	ti, ok := r.f.Tensor(name)
	if !ok {
		r.err = tutor.Errorf(tutor.EINVALID, "gguf: tensor %s missing", name)
		return nil
	}
	same := len(ti.Shape) == len(shape)
	for i := 0; same && i < len(shape); i++ {
		same = ti.Shape[i] == uint64(shape[i])
	}
	if !same {
		r.err = tutor.Errorf(tutor.EINVALID, "gguf: tensor %s has shape %v, want %v", name, ti.Shape, shape)
		return nil
	}
	return ti
}

// matrix reads W [rows, cols], GGUF shape [cols, rows], keeping its type.
func (r *tensorReader) matrix(name string, rows, cols int) *Matrix {
	ti := r.info(name, cols, rows)
	if ti == nil {
		return nil
	}
	b, err := r.f.TensorData(ti)
	if err == nil {
		var m *Matrix
		if m, err = NewMatrix(name, ti.Type, rows, cols, b); err == nil {
			return m
		}
	}
	r.err = err
	return nil
}

// vector reads a 1-D tensor as float32.
func (r *tensorReader) vector(name string, n int) []float32 {
	ti := r.info(name, n)
	if ti == nil {
		return nil
	}
	if !ti.Type.Supported() {
		r.err = tutor.Errorf(tutor.EUNSUPPORTED, "gguf: tensor %s: type %s is not supported", name, ti.Type)
		return nil
	}
	v, err := r.f.TensorFloat32s(ti)
	if err != nil {
		r.err = err
	}
	return v
}
