package model

import (
	"tutor/model/ggml"
	"tutor/model/kernel"
)

// MatMul sets y [n, Rows] = x [n, Cols] Wᵀ: [Matrix.MatVec] for each of the n rows of x, so
// a token's result does not depend on the tokens it runs with. This is where a batched
// kernel plugs in; it must keep that property.
//
// F32, F16 and Q8_0 run package kernel's batched products, which give each row bit for bit
// what the matrix-vector product gives it alone while streaming W from memory once.
func (m *Matrix) MatMul(y, x []float32, n int) {
	switch m.Type {
	case ggml.F32:
		kernel.MatMulF32GGML(kernel.F32View(m.Data), m.Rows, m.Cols, x, y, n)
		return
	case ggml.F16:
		kernel.MatMulF16GGML(kernel.F16View(m.Data), m.Rows, m.Cols, x, y, n)
		return
	case ggml.Q8_0:
		kernel.MatMulQ8_0GGML(m.Data, m.Rows, m.Cols, x, y, n)
		return
	}
	for t := range n {
		m.MatVec(y[t*m.Rows:(t+1)*m.Rows], x[t*m.Cols:(t+1)*m.Cols])
	}
}
