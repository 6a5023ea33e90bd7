package finetune

import (
	"runtime"
	"sync"

	"tutor"
	"tutor/model"
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
