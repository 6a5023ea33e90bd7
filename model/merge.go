package model

import (
	"encoding/binary"
	"math"
	"path/filepath"

	"tutor/model/ggml"
)

// Merge returns a copy of base with every adapted matrix replaced by W + scale·B·A, in
// F32 where the base type is F32, otherwise requantized to the base matrix's type. The
// base is not changed; matrices the adapter does not touch are shared.
func Merge(base *Model, a *Adapter) (*Model, error) {
	if err := a.Check(base); err != nil {
		return nil, err
	}
	m := *base
	m.Layers = append([]Layer(nil), base.Layers...)
	merged := map[*Matrix]*Matrix{}
	for name, lo := range a.Tensors {
		w := base.Matrices()[name]
		r := len(lo.A) / w.Cols
		scale := a.scale(r)
		dense := make([]float32, w.Rows*w.Cols) // [out, in]
		for o := range w.Rows {
			row := dense[o*w.Cols : (o+1)*w.Cols]
			w.Row(o, row)
			for k := range r {
				b := scale * lo.B[o*r+k]
				for i, av := range lo.A[k*w.Cols : (k+1)*w.Cols] {
					row[i] += b * av
				}
			}
		}
		data, err := ggml.Quantize(w.Type, dense)
		if err != nil {
			return nil, err
		}
		nw, err := NewMatrix(w.Name, w.Type, w.Rows, w.Cols, data)
		if err != nil {
			return nil, err
		}
		merged[w] = nw
	}
	swap := func(p **Matrix) {
		if nw, ok := merged[*p]; ok {
			*p = nw
		}
	}
	swap(&m.Output)
	if m.Tied && m.Output != base.Output {
		m.Tied = false // the merged output no longer equals the embedding
	}
	for i := range m.Layers {
		l := &m.Layers[i]
		for _, p := range []**Matrix{&l.Wq, &l.Wk, &l.Wv, &l.Wo, &l.Wgate, &l.Wup, &l.Wdown} {
			swap(p)
		}
	}
	return &m, nil
}

func f32Bytes(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func dirOf(path string) string { return filepath.Dir(path) }
