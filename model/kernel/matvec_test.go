package kernel

import (
	"math"
	"math/rand/v2"
	"testing"

	"tutor/model/ggml"
)

// Float32 dot products of n terms: checked to 1e-5·Σ|w·x| against float64.
const matVecTol = 1e-5

var matVecShapes = [][2]int{{1, 1}, {1, 7}, {3, 8}, {5, 33}, {9, 64}, {17, 100}, {64, 576}, {300, 96}, {1100, 288}, {40, 1541}}

func checkRows(t *testing.T, name string, got []float32, want, scale []float64, tol float64) {
	t.Helper()
	for r := range want {
		if !closeRel(float64(got[r]), want[r], scale[r]+1e-30, tol) {
			t.Fatalf("%s: y[%d] = %g, want %g", name, r, got[r], want[r])
		}
	}
}

func TestMatVecF32(t *testing.T) {
	withEachArch(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 10))
		for _, s := range matVecShapes {
			rows, cols := s[0], s[1]
			w, x := randSlice(r, rows*cols), randSlice(r, cols)
			want, scale := make([]float64, rows), make([]float64, rows)
			for i := 0; i < rows; i++ {
				for j := 0; j < cols; j++ {
					want[i] += float64(w[i*cols+j]) * float64(x[j])
					scale[i] += math.Abs(float64(w[i*cols+j]) * float64(x[j]))
				}
			}
			y := make([]float32, rows)
			MatVecF32(w, rows, cols, x, y)
			checkRows(t, "MatVecF32", y, want, scale, matVecTol)
		}
	})
}

func randF16(r *rand.Rand, n int) []uint16 {
	h := make([]uint16, n)
	for i := range h {
		h[i] = F32ToF16(float32(r.NormFloat64() * 0.1))
	}
	return h
}

func TestMatVecF16(t *testing.T) {
	withEachArch(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(11, 12))
		for _, s := range matVecShapes {
			rows, cols := s[0], s[1]
			w, x := randF16(r, rows*cols), randSlice(r, cols)
			want, scale := make([]float64, rows), make([]float64, rows)
			for i := 0; i < rows; i++ {
				for j := 0; j < cols; j++ {
					p := float64(F16ToF32(w[i*cols+j])) * float64(x[j])
					want[i] += p
					scale[i] += math.Abs(p)
				}
			}
			y := make([]float32, rows)
			MatVecF16(w, rows, cols, x, y)
			checkRows(t, "MatVecF16", y, want, scale, matVecTol)
		}
	})
}

// ggmlDotF16 is ggml_vec_dot_f16 as compiled for baseline x86-64: x rounded
// to half, products summed in float64 in order.
func ggmlDotF16(w []uint16, x []float32) float32 {
	var s float64
	for i, h := range w {
		s += float64(F16ToF32(h) * F16ToF32(F32ToF16(x[i])))
	}
	return float32(s)
}

func TestMatVecF16GGML(t *testing.T) {
	withEachArch(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(13, 14))
		exact, total := 0, 0
		for _, s := range matVecShapes {
			rows, cols := s[0], s[1]
			w, x := randF16(r, rows*cols), randSlice(r, cols)
			y := make([]float32, rows)
			MatVecF16GGML(w, rows, cols, x, y)
			for i := 0; i < rows; i++ {
				want := ggmlDotF16(w[i*cols:(i+1)*cols], x)
				// Only the order of float64 additions differs: at most one
				// float32 ulp, and almost always none.
				if d := int64(math.Float32bits(y[i])) - int64(math.Float32bits(want)); d > 1 || d < -1 {
					t.Fatalf("%dx%d row %d: %g, ggml %g", rows, cols, i, y[i], want)
				}
				if y[i] == want {
					exact++
				}
				total++
			}
		}
		if exact < total*999/1000 {
			t.Fatalf("only %d of %d rows bit-identical to ggml", exact, total)
		}
	})
}

// randQ8 makes Q8_0 rows with random scales and quants, -128 included.
func randQ8(r *rand.Rand, rows, cols int) []byte {
	w := make([]byte, rows*cols/32*34)
	for b := 0; b < len(w); b += 34 {
		h := F32ToF16(float32(r.Float64() * 0.02))
		w[b], w[b+1] = byte(h), byte(h>>8)
		for j := 0; j < 32; j++ {
			w[b+2+j] = byte(r.IntN(256))
		}
	}
	return w
}

func dequantQ8(w []byte, i int) float64 {
	b := i / 32 * 34
	return float64(F16ToF32(uint16(w[b])|uint16(w[b+1])<<8)) * float64(int8(w[b+2+i%32]))
}

var q8Shapes = [][2]int{{1, 32}, {3, 64}, {7, 96}, {33, 576}, {500, 128}, {64, 1536}}

func TestMatVecQ8_0(t *testing.T) {
	withEachArch(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(15, 16))
		for _, s := range q8Shapes {
			rows, cols := s[0], s[1]
			w, x := randQ8(r, rows, cols), randSlice(r, cols)
			want, scale := make([]float64, rows), make([]float64, rows)
			for i := 0; i < rows; i++ {
				for j := 0; j < cols; j++ {
					p := dequantQ8(w, i*cols+j) * float64(x[j])
					want[i] += p
					scale[i] += math.Abs(p)
				}
			}
			y := make([]float32, rows)
			MatVecQ8_0(w, rows, cols, x, y)
			checkRows(t, "MatVecQ8_0", y, want, scale, matVecTol)
		}
	})
}

func TestMatVecQ8_0GGMLBitExact(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, s := range q8Shapes {
		rows, cols := s[0], s[1]
		w, x := randQ8(r, rows, cols), randSlice(r, cols)
		// The pure Go loop is ggml_vec_dot_q8_0_q8_0's scalar path, line by line.
		saved := useAVX2
		useAVX2 = false
		want := make([]float32, rows)
		MatVecQ8_0GGML(w, rows, cols, x, want)
		useAVX2 = saved
		y := make([]float32, rows)
		MatVecQ8_0GGML(w, rows, cols, x, y)
		for i := range y {
			if math.Float32bits(y[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%dx%d row %d: %g, want %g bit for bit", rows, cols, i, y[i], want[i])
			}
			ref := 0.0
			for j := 0; j < cols; j++ {
				ref += dequantQ8(w, i*cols+j) * float64(x[j])
			}
			// Quantizing x costs up to half a step (amax/254) per element.
			if math.Abs(float64(y[i])-ref) > 0.02*math.Sqrt(float64(cols)) {
				t.Fatalf("row %d: %g far from the exact %g", i, y[i], ref)
			}
		}
	}
}

func TestQuantizeQ8_0(t *testing.T) {
	// amax 127 gives d = 1: roundf sends 2.5 to 3 and -2.5 to -3 (away from
	// zero, not to even), and the scale is stored as a half.
	x := make([]float32, 64)
	x[0], x[1], x[2], x[3] = 127, 2.5, -2.5, 0.49
	q := make([]byte, 68)
	QuantizeQ8_0(q, x)
	if got := []int8{int8(q[2]), int8(q[3]), int8(q[4]), int8(q[5])}; got[0] != 127 || got[1] != 3 || got[2] != -3 || got[3] != 0 {
		t.Fatalf("quants %v, want [127 3 -3 0]", got)
	}
	if d := F16ToF32(uint16(q[0]) | uint16(q[1])<<8); d != 1 {
		t.Fatalf("scale %g, want 1", d)
	}
	// An all-zero block has scale 0 and zero quants.
	for _, b := range q[34:] {
		if b != 0 {
			t.Fatalf("zero block quantized to %v", q[34:])
		}
	}
}

func TestMatVecPanicsOnShortInput(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for short weights")
		}
	}()
	MatVecF32(make([]float32, 5), 2, 3, make([]float32, 3), make([]float32, 2))
}

// TestGGMLVariantsMatchGGMLPackage checks the fast ggml-semantics products
// against package ggml's scalar reference on the same bytes: Q8_0 bit for
// bit, F32 and F16 within one float32 ulp (only the order of the float64
// additions differs) and almost always identical.
func TestGGMLVariantsMatchGGMLPackage(t *testing.T) {
	withEachArch(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(21, 22))
		exact, total := 0, 0
		for _, s := range [][2]int{{1, 32}, {7, 96}, {33, 576}, {300, 160}, {64, 1536}, {5, 40}, {3, 17}} {
			rows, cols := s[0], s[1]
			x := randSlice(r, cols)
			wf, wh := randSlice(r, rows*cols), randF16(r, rows*cols)
			cases := []struct {
				typ  ggml.Type
				raw  []byte
				fast func(y []float32)
			}{
				{ggml.F32, f32Bytes(wf), func(y []float32) { MatVecF32GGML(wf, rows, cols, x, y) }},
				{ggml.F16, f16Bytes(wh), func(y []float32) { MatVecF16GGML(wh, rows, cols, x, y) }},
			}
			if cols%32 == 0 {
				wq := randQ8(r, rows, cols)
				cases = append(cases, struct {
					typ  ggml.Type
					raw  []byte
					fast func(y []float32)
				}{ggml.Q8_0, wq, func(y []float32) { MatVecQ8_0GGML(wq, rows, cols, x, y) }})
			}
			for _, c := range cases {
				want, got := make([]float32, rows), make([]float32, rows)
				ggml.MatVec(c.typ, c.raw, rows, cols, x, want)
				c.fast(got)
				for i := range got {
					d := int64(math.Float32bits(got[i])) - int64(math.Float32bits(want[i]))
					if d > 1 || d < -1 || (c.typ == ggml.Q8_0 && d != 0) {
						t.Fatalf("%s %dx%d row %d: %g, ggml %g", c.typ, rows, cols, i, got[i], want[i])
					}
					if d == 0 {
						exact++
					}
					total++
				}
			}
		}
		t.Logf("%d of %d rows bit-identical", exact, total)
		if exact < total*995/1000 {
			t.Fatalf("only %d of %d rows bit-identical to ggml", exact, total)
		}
	})
}

// TestMatMulGGMLEqualsRowByRow checks that the batched products give each
// activation row exactly, bit for bit, what the matrix-vector product gives
// it alone, so a token's result does not depend on its batch.
func TestMatMulGGMLEqualsRowByRow(t *testing.T) {
	withEachArch(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(23, 24))
		for _, s := range [][3]int{{7, 96, 1}, {33, 576, 5}, {1100, 64, 3}, {300, 160, 9}} {
			rows, cols, n := s[0], s[1], s[2]
			x := randSlice(r, n*cols)
			wf, wh, wq := randSlice(r, rows*cols), randF16(r, rows*cols), randQ8(r, rows, cols)
			for _, c := range []struct {
				name   string
				batch  func(y []float32)
				single func(x, y []float32)
			}{
				{"F32", func(y []float32) { MatMulF32GGML(wf, rows, cols, x, y, n) }, func(x, y []float32) { MatVecF32GGML(wf, rows, cols, x, y) }},
				{"F16", func(y []float32) { MatMulF16GGML(wh, rows, cols, x, y, n) }, func(x, y []float32) { MatVecF16GGML(wh, rows, cols, x, y) }},
				{"Q8_0", func(y []float32) { MatMulQ8_0GGML(wq, rows, cols, x, y, n) }, func(x, y []float32) { MatVecQ8_0GGML(wq, rows, cols, x, y) }},
			} {
				got := make([]float32, n*rows)
				c.batch(got)
				want := make([]float32, rows)
				for tk := range n {
					c.single(x[tk*cols:(tk+1)*cols], want)
					for i, w := range want {
						if g := got[tk*rows+i]; math.Float32bits(g) != math.Float32bits(w) {
							t.Fatalf("%s %dx%d n=%d: row %d of token %d = %g, alone %g", c.name, rows, cols, n, i, tk, g, w)
						}
					}
				}
			}
		}
	})
}
