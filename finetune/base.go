package finetune

import (
	"runtime"
	"sync"

	"tutor"
	"tutor/llm"
	"tutor/model"
	"tutor/model/chat"
)

// LoadBase reads a model file (any GGUF type model/ reads, or a safetensors folder) as the
// frozen float32 base of a training run.
func LoadBase(path string) (*Weights, *model.Model, error) {
	m, err := model.Load(path)
	if err != nil {
		return nil, nil, err
	}
	w, err := FromModel(m)
	if err != nil {
		return nil, nil, err
	}
	return w, m, nil
}

// FromModel dequantizes a loaded model into float32 training weights. The embeddings stay
// tied when the model ties them.
func FromModel(m *model.Model) (*Weights, error) {
	c := m.Config
	s := Shape{Vocab: c.Vocab, Dim: c.Dim, Layers: c.Layers, Heads: c.Heads, KVHeads: c.KVHeads,
		HeadDim: c.HeadDim, FFN: c.FFN, NormEps: c.NormEps, RopeTheta: c.RopeBase, RopeNeox: c.RopeNeox,
		RopeDim: c.RopeDim, RopeScale: c.RopeScale, Context: c.ContextLength}
	if s.RopeDim == s.HeadDim {
		s.RopeDim = 0
	}
	if s.RopeScale == 1 {
		s.RopeScale = 0
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if m.TokenEmbd == nil || m.Output == nil || len(m.Layers) != s.Layers {
		return nil, tutor.Errorf(tutor.EINVALID, "model %s is incomplete", c)
	}
	w := NewWeights(s, m.Tied)
	w.Arch = c.Arch
	w.RopeFreqs = m.RopeFreqs
	var jobs []func()
	mat := func(dst []float32, src *model.Matrix) {
		jobs = append(jobs, func() {
			for r := range src.Rows {
				src.Row(r, dst[r*src.Cols:(r+1)*src.Cols])
			}
		})
	}
	mat(w.TokEmb, m.TokenEmbd)
	if !m.Tied {
		mat(w.Output, m.Output)
	}
	copy(w.OutNorm, m.OutputNorm)
	for i := range m.Layers {
		src, dst := &m.Layers[i], &w.Layers[i]
		copy(dst.AttnNorm, src.AttnNorm)
		copy(dst.FFNNorm, src.FFNNorm)
		mat(dst.Wq, src.Wq)
		mat(dst.Wk, src.Wk)
		mat(dst.Wv, src.Wv)
		mat(dst.Wo, src.Wo)
		mat(dst.Wgate, src.Wgate)
		mat(dst.Wup, src.Wup)
		mat(dst.Wdown, src.Wdown)
		if src.Bq != nil {
			dst.Bq, dst.Bk, dst.Bv = src.Bq, src.Bk, src.Bv
		}
	}
	runAll(jobs)
	return w, nil
}

// runAll runs jobs on all cores.
func runAll(jobs []func()) {
	ch := make(chan func())
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range ch {
				j()
			}
		})
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
}

// Template returns the chat format the built-in engine prompts m with.
func Template(m *model.Model) chat.Template {
	return chat.Detect(m.Template, m.Config.Arch, func(s string) bool {
		_, ok := m.Tokenizer.TokenID(s)
		return ok
	})
}

// NewFormatter formats records for m as the built-in engine will prompt the tuned model: m's
// chat template and tokenizer. The plain format has no end-of-turn token, and base models
// without a chat format often never saw their end-of-sequence token; there the answer is
// followed by the next turn's "User:", which the format's stop texts end generation on.
func NewFormatter(m *model.Model, maxLen int) Formatter {
	t := Template(m)
	f := Formatter{
		Tokenize: m.Tokenizer.Tokenize,
		Render: func(msgs []llm.Message, add bool) (string, error) {
			return t.Format(msgs, add), nil
		},
		EOS:    -1,
		MaxLen: maxLen,
	}
	if t.Name == chat.Plain.Name {
		f.EndText = "User:"
	}
	return f
}
