package ggml

import (
	"math"
	"testing"
)

// dequantVec decodes an activation vector in its vec-dot type, Q8_K included.
func dequantVec(tb testing.TB, typ Type, b []byte, n int) []float32 {
	tb.Helper()
	if typ != Q8_K {
		return mustDequantize(tb, typ, b, n)
	}
	out := make([]float32, n)
	for blk := 0; blk*QKK < n; blk++ {
		d, qs, _ := q8K(b[blk*292:])
		for i, q := range qs {
			out[blk*QKK+i] = d * float32(int8(q))
		}
	}
	return out
}

func TestMatVec(t *testing.T) {
	const rows, cols = 7, 512
	w := randomRow(10, rows*cols)
	x := randomRow(11, cols)
	for _, typ := range []Type{F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K} {
		t.Run(typ.String(), func(t *testing.T) {
			wq, err := Quantize(typ, w)
			if err != nil {
				t.Fatal(err)
			}
			y := make([]float32, rows)
			MatVec(typ, wq, rows, cols, x, y)

			// The same product computed the slow way: dequantize both sides, sum in float64.
			wd := mustDequantize(t, typ, wq, rows*cols)
			xq, _ := QuantizeVec(typ, x)
			xd := dequantVec(t, VecDotType(typ), xq, cols)
			for r := range rows {
				var want, exact, mag float64
				for i := range cols {
					want += float64(wd[r*cols+i]) * float64(xd[i])
					exact += float64(w[r*cols+i]) * float64(x[i])
					mag += math.Abs(float64(wd[r*cols+i]) * float64(xd[i]))
				}
				if diff := math.Abs(float64(y[r]) - want); diff > 1e-5*mag {
					t.Errorf("row %d: %g, dequantized product %g", r, y[r], want)
				}
				if diff := math.Abs(float64(y[r]) - exact); diff > 0.2*mag {
					t.Errorf("row %d: %g, far from the float64 product %g", r, y[r], exact)
				}
			}
		})
	}
}

func TestMatVecPanicsOnBadShape(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a short weight slice")
		}
	}()
	MatVec(Q8_0, make([]byte, 33), 1, 32, make([]float32, 32), make([]float32, 1))
}

func BenchmarkMatVec(b *testing.B) {
	const rows, cols = 256, 1024
	w := randomRow(1, rows*cols)
	x := randomRow(2, cols)
	y := make([]float32, rows)
	for _, typ := range []Type{F32, F16, Q8_0, Q4_0, Q4_K, Q6_K} {
		wq, _ := Quantize(typ, w)
		b.Run(typ.String(), func(b *testing.B) {
			for b.Loop() {
				MatVec(typ, wq, rows, cols, x, y)
			}
		})
	}
}
