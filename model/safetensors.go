package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"tutor"
	"tutor/model/ggml"
	"tutor/model/safetensors"
	"tutor/model/tokenizer"
)

// hfConfig is what Tutor reads of a Hugging Face config.json.
type hfConfig struct {
	ModelType         string  `json:"model_type"`
	HiddenSize        int     `json:"hidden_size"`
	Layers            int     `json:"num_hidden_layers"`
	Heads             int     `json:"num_attention_heads"`
	KVHeads           int     `json:"num_key_value_heads"`
	HeadDim           int     `json:"head_dim"`
	FFN               int     `json:"intermediate_size"`
	Vocab             int     `json:"vocab_size"`
	MaxPositions      int     `json:"max_position_embeddings"`
	RMSNormEps        float32 `json:"rms_norm_eps"`
	RopeTheta         float32 `json:"rope_theta"`
	TieWordEmbeddings bool    `json:"tie_word_embeddings"`
	RopeScaling       *struct {
		Type     string  `json:"type"`
		RopeType string  `json:"rope_type"`
		Factor   float64 `json:"factor"`
	} `json:"rope_scaling"`
}

// loadSafetensors reads a Hugging Face model folder: config.json, tokenizer.json (and
// tokenizer_config.json when present) and the weights in *.safetensors (F32, F16 or BF16,
// kept in their type). Hugging Face keeps q and k unpermuted and rotates halves of each head,
// so the model runs with neox-style RoPE; weight matrices take their GGUF names, so the same
// LoRA adapters apply.
func loadSafetensors(dir string) (*Model, error) {
	f, err := safetensors.OpenFolder(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if f.Config == nil {
		return nil, tutor.Errorf(tutor.EINVALID, "%s has no config.json", dir)
	}
	var hc hfConfig
	if err := f.DecodeConfig(&hc); err != nil {
		return nil, err
	}
	c := Config{Dim: hc.HiddenSize, Layers: hc.Layers, Heads: hc.Heads, KVHeads: hc.KVHeads, HeadDim: hc.HeadDim,
		FFN: hc.FFN, Vocab: hc.Vocab, ContextLength: hc.MaxPositions, NormEps: hc.RMSNormEps, RopeBase: hc.RopeTheta,
		RopeNeox: true, RopeScale: 1}
	switch hc.ModelType {
	case "llama", "mistral":
		c.Arch = "llama"
	case "qwen2":
		c.Arch = "qwen2"
	default:
		return nil, tutor.Errorf(tutor.EUNSUPPORTED, "config.json: model_type %q: only llama, mistral and qwen2 run in the built-in engine", hc.ModelType)
	}
	if c.NormEps == 0 {
		c.NormEps = 1e-6
	}
	if c.RopeBase == 0 {
		c.RopeBase = 10000
	}
	if rs := hc.RopeScaling; rs != nil && rs.Factor != 0 && rs.Factor != 1 {
		if typ := rs.Type + rs.RopeType; typ != "linear" {
			return nil, tutor.Errorf(tutor.EUNSUPPORTED, "config.json: rope scaling %q is not supported", typ)
		}
		c.RopeScale = float32(1 / rs.Factor)
	}
	if err := c.fill(); err != nil {
		return nil, err
	}
	m := &Model{Config: c}
	if m.Tokenizer, m.Template, err = hfTokenizer(dir); err != nil {
		return nil, err
	}
	if n := m.Tokenizer.VocabSize(); n > c.Vocab {
		return nil, tutor.Errorf(tutor.EINVALID, "tokenizer.json has %d tokens but config.json a vocabulary of %d", n, c.Vocab)
	}
	r := hfReader{f: f}
	qd, kvd := c.Heads*c.HeadDim, c.KVHeads*c.HeadDim
	m.TokenEmbd = r.matrix("model.embed_tokens.weight", "token_embd.weight", c.Vocab, c.Dim)
	m.OutputNorm = r.vector("model.norm.weight", c.Dim)
	if _, _, ok := f.Tensor("lm_head.weight"); ok && !hc.TieWordEmbeddings {
		m.Output = r.matrix("lm_head.weight", "output.weight", c.Vocab, c.Dim)
	} else if m.TokenEmbd != nil {
		m.Tied = true
		out := *m.TokenEmbd
		out.Name = "output.weight"
		m.Output = &out
	}
	m.Layers = make([]Layer, c.Layers)
	for i := range m.Layers {
		p, g := fmt.Sprintf("model.layers.%d.", i), fmt.Sprintf("blk.%d.", i)
		l := &m.Layers[i]
		l.AttnNorm = r.vector(p+"input_layernorm.weight", c.Dim)
		l.Wq = r.matrix(p+"self_attn.q_proj.weight", g+"attn_q.weight", qd, c.Dim)
		l.Wk = r.matrix(p+"self_attn.k_proj.weight", g+"attn_k.weight", kvd, c.Dim)
		l.Wv = r.matrix(p+"self_attn.v_proj.weight", g+"attn_v.weight", kvd, c.Dim)
		l.Wo = r.matrix(p+"self_attn.o_proj.weight", g+"attn_output.weight", c.Dim, qd)
		if _, _, ok := f.Tensor(p + "self_attn.q_proj.bias"); ok {
			l.Bq = r.vector(p+"self_attn.q_proj.bias", qd)
			l.Bk = r.vector(p+"self_attn.k_proj.bias", kvd)
			l.Bv = r.vector(p+"self_attn.v_proj.bias", kvd)
		}
		l.FFNNorm = r.vector(p+"post_attention_layernorm.weight", c.Dim)
		l.Wgate = r.matrix(p+"mlp.gate_proj.weight", g+"ffn_gate.weight", c.FFN, c.Dim)
		l.Wup = r.matrix(p+"mlp.up_proj.weight", g+"ffn_up.weight", c.FFN, c.Dim)
		l.Wdown = r.matrix(p+"mlp.down_proj.weight", g+"ffn_down.weight", c.Dim, c.FFN)
	}
	if r.err != nil {
		return nil, r.err
	}
	return m, nil
}

// hfTokenizer reads tokenizer.json, tokenizer_config.json (special tokens, flags and the
// chat template) from dir.
func hfTokenizer(dir string) (*tokenizer.Tokenizer, string, error) {
	tj, err := os.Open(filepath.Join(dir, "tokenizer.json"))
	if err != nil {
		return nil, "", tutor.Wrap(err, tutor.EINVALID, "%s has no readable tokenizer.json", dir)
	}
	defer tj.Close()
	v, err := tokenizer.ParseTokenizerJSON(tj)
	if err != nil {
		return nil, "", err
	}
	template := ""
	if b, err := os.ReadFile(filepath.Join(dir, "tokenizer_config.json")); err == nil {
		if err := tokenizer.ApplyTokenizerConfig(&v, bytes.NewReader(b)); err != nil {
			return nil, "", err
		}
		var tc struct {
			ChatTemplate any `json:"chat_template"`
		}
		if json.Unmarshal(b, &tc) == nil {
			template, _ = tc.ChatTemplate.(string)
		}
	}
	t, err := tokenizer.New(v)
	return t, template, err
}

// hfReader reads named tensors of an expected shape from a folder, keeping the first error.
type hfReader struct {
	f   *safetensors.Folder
	err error
}

func (r *hfReader) info(name string, shape ...int) (*safetensors.File, *safetensors.TensorInfo) {
	if r.err != nil {
		return nil, nil
	}
	file, ti, ok := r.f.Tensor(name)
	if !ok {
		r.err = tutor.Errorf(tutor.EINVALID, "safetensors: tensor %s missing", name)
		return nil, nil
	}
	same := len(ti.Shape) == len(shape)
	for i := 0; same && i < len(shape); i++ {
		same = ti.Shape[i] == shape[i]
	}
	if !same {
		r.err = tutor.Errorf(tutor.EINVALID, "safetensors: tensor %s has shape %v, want %v", name, ti.Shape, shape)
		return nil, nil
	}
	return file, ti
}

// hfTypes maps the safetensors element types the engine keeps as they are.
var hfTypes = map[safetensors.DType]ggml.Type{safetensors.F32: ggml.F32, safetensors.F16: ggml.F16, safetensors.BF16: ggml.BF16}

// matrix reads W [rows, cols] (PyTorch's [out, in]) and names it as GGUF does.
func (r *hfReader) matrix(name, ggufName string, rows, cols int) *Matrix {
	file, ti := r.info(name, rows, cols)
	if ti == nil {
		return nil
	}
	t, ok := hfTypes[ti.DType]
	if !ok {
		r.err = tutor.Errorf(tutor.EUNSUPPORTED, "safetensors: tensor %s: type %s is not supported", name, ti.DType)
		return nil
	}
	b, err := file.TensorData(ti)
	if err == nil {
		var m *Matrix
		if m, err = NewMatrix(ggufName, t, rows, cols, b); err == nil {
			return m
		}
	}
	r.err = err
	return nil
}

// vector reads a 1-D tensor as float32.
func (r *hfReader) vector(name string, n int) []float32 {
	file, ti := r.info(name, n)
	if ti == nil {
		return nil
	}
	v, err := file.Float32s(ti)
	if err != nil {
		r.err = err
	}
	return v
}
