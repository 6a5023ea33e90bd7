package model

import (
	"tutor"
	"tutor/model/ggml"
	"tutor/model/kernel"
)

// Matrix is a weight matrix W [Rows, Cols] kept in its GGUF type, row-major; GGUF lists its
// shape the other way round, as [Cols, Rows].
type Matrix struct {
	Name       string
	Type       ggml.Type
	Rows, Cols int
	Data       []byte // Rows × RowBytes(Cols) bytes
	rowBytes   int
}

// NewMatrix wraps data as a Rows×Cols matrix of type t, checking its size.
func NewMatrix(name string, t ggml.Type, rows, cols int, data []byte) (*Matrix, error) {
	if !t.Supported() {
		return nil, tutor.Errorf(tutor.EUNSUPPORTED, "tensor %s: type %s is not supported", name, t)
	}
	rb, err := t.RowBytes(cols)
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINVALID, "tensor %s: %d columns of %s", name, cols, t)
	}
	if rows <= 0 || len(data) != rows*rb {
		return nil, tutor.Errorf(tutor.EINVALID, "tensor %s: %d bytes for %d×%d %s", name, len(data), rows, cols, t)
	}
	return &Matrix{Name: name, Type: t, Rows: rows, Cols: cols, Data: data, rowBytes: rb}, nil
}

// Row dequantizes row r into dst [Cols].
func (m *Matrix) Row(r int, dst []float32) {
	if err := ggml.Dequantize(m.Type, m.Data[r*m.rowBytes:(r+1)*m.rowBytes], dst[:m.Cols]); err != nil {
		panic(err) // the type and size were checked by NewMatrix
	}
}

// MatVec sets y [Rows] = W x, x [Cols], with ggml's semantics: x is first converted to the
// weights' vec-dot type (F16 for F16, Q8_0 for Q8_0 and Q4_0, Q8_K for the K types), so the
// result matches llama.cpp's to rounding. F32, F16 and Q8_0 run package kernel's SIMD
// products, which agree with package ggml's (Q8_0 bit for bit, F32 and F16 but for the order
// of float64 additions); every product runs on all cores.
func (m *Matrix) MatVec(y, x []float32) {
	switch m.Type {
	case ggml.F32:
		kernel.MatVecF32GGML(kernel.F32View(m.Data), m.Rows, m.Cols, x, y)
		return
	case ggml.F16:
		kernel.MatVecF16GGML(kernel.F16View(m.Data), m.Rows, m.Cols, x, y)
		return
	case ggml.Q8_0:
		kernel.MatVecQ8_0GGML(m.Data, m.Rows, m.Cols, x, y)
		return
	}
	xq, err := ggml.QuantizeVec(m.Type, x[:m.Cols])
	if err != nil {
		panic(err)
	}
	parallel(m.Rows, 16, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			y[r] = ggml.VecDot(m.Type, m.Data[r*m.rowBytes:(r+1)*m.rowBytes], xq)
		}
	})
}

// parallel splits [0, n) into chunks of at least grain and runs fn on them on all cores,
// on package kernel's persistent workers.
func parallel(n, grain int, fn func(lo, hi int)) { kernel.Parallel(n, grain, fn) }
