package model

// MatMul sets y [n, Rows] = x [n, Cols] Wᵀ: [Matrix.MatVec] for each of the n rows of x, so
// a token's result does not depend on the tokens it runs with. This is where a batched
// kernel plugs in; it must keep that property.
func (m *Matrix) MatMul(y, x []float32, n int) {
	for t := range n {
		m.MatVec(y[t*m.Rows:(t+1)*m.Rows], x[t*m.Cols:(t+1)*m.Cols])
	}
}
