package model

import (
	"runtime"
	"sync"

	"tutor"
	"tutor/model/ggml"
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
// result matches llama.cpp's to rounding.
func (m *Matrix) MatVec(y, x []float32) {
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

// parallel splits [0, n) into chunks of at least grain and runs fn on them on all cores.
func parallel(n, grain int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n/grain {
		workers = n / grain
	}
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}
