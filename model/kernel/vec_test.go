package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

var vecLens = []int{0, 1, 5, 8, 15, 16, 17, 33, 100, 576, 1029}

func TestDotAxpyScaleMul(t *testing.T) {
	withEachArch(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(19, 20))
		for _, n := range vecLens {
			x, y := randSlice(r, n), randSlice(r, n)
			var want, scale float64
			for i := range x {
				want += float64(x[i]) * float64(y[i])
				scale += math.Abs(float64(x[i]) * float64(y[i]))
			}
			if g := Dot(x, y); !closeRel(float64(g), want, scale+1e-30, 1e-6) {
				t.Fatalf("Dot n=%d = %g, want %g", n, g, want)
			}
			alpha := float32(r.NormFloat64())
			yy := append([]float32(nil), y...)
			Axpy(alpha, x, yy)
			for i := range x {
				// Axpy may fuse the multiply-add: within one rounding of either.
				if w := float64(y[i]) + float64(alpha)*float64(x[i]); !closeRel(float64(yy[i]), w, math.Abs(w)+math.Abs(float64(y[i])), 2e-7) {
					t.Fatalf("Axpy n=%d [%d] = %g, want %g", n, i, yy[i], w)
				}
			}
			xs := append([]float32(nil), x...)
			Scale(alpha, xs)
			m := make([]float32, n)
			Mul(m, x, y)
			for i := range x {
				if xs[i] != alpha*x[i] || m[i] != x[i]*y[i] {
					t.Fatalf("Scale/Mul n=%d [%d]: %g %g", n, i, xs[i], m[i])
				}
			}
		}
	})
}

func TestRMSNorm(t *testing.T) {
	withEachArch(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(21, 22))
		for _, n := range vecLens[1:] {
			x, w := randSlice(r, n), randSlice(r, n)
			var ss float64
			for _, v := range x {
				ss += float64(v) * float64(v)
			}
			rstd := 1 / math.Sqrt(ss/float64(n)+1e-5)
			dst := make([]float32, n)
			got := RMSNorm(dst, x, w, 1e-5)
			if !closeRel(float64(got), rstd, rstd, 1e-6) {
				t.Fatalf("n=%d: rstd %g, want %g", n, got, rstd)
			}
			for i := range x {
				want := float64(x[i]) * rstd * float64(w[i])
				if !closeRel(float64(dst[i]), want, math.Abs(want), 1e-6) {
					t.Fatalf("n=%d [%d] = %g, want %g", n, i, dst[i], want)
				}
			}
			// In place gives the same bits.
			RMSNorm(x, x, w, 1e-5)
			for i := range x {
				if x[i] != dst[i] {
					t.Fatalf("in place n=%d [%d]: %g vs %g", n, i, x[i], dst[i])
				}
			}
		}
	})
}

func TestSoftmax(t *testing.T) {
	withEachArch(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(23, 24))
		for _, n := range vecLens[1:] {
			x := randSlice(r, n)
			for i := range x {
				x[i] *= 10
			}
			x[0] = float32(math.Inf(-1)) // a masked position
			want := make([]float64, n)
			mx := math.Inf(-1)
			for _, v := range x {
				mx = math.Max(mx, float64(v))
			}
			var sum float64
			for i, v := range x {
				want[i] = math.Exp(float64(v) - mx)
				sum += want[i]
			}
			Softmax(x)
			for i := range x {
				// x-max is rounded to float32 first: exp's relative error
				// grows with its argument.
				if w := want[i] / sum; !closeRel(float64(x[i]), w, w, 1e-6+1.2e-7*math.Min(math.Abs(math.Log(want[i])), 200)) {
					t.Fatalf("n=%d [%d] = %g, want %g", n, i, x[i], w)
				}
			}
		}
	})
}

func TestSiLUMul(t *testing.T) {
	withEachArch(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(25, 26))
		for _, n := range vecLens {
			g, u := randSlice(r, n), randSlice(r, n)
			for i := range g {
				g[i] *= 8
			}
			if n > 3 {
				g[1], g[2] = 100, -100 // exp under- and overflow
			}
			dst := make([]float32, n)
			SiLUMul(dst, g, u)
			for i := range g {
				gv := float64(g[i])
				want := gv / (1 + math.Exp(-gv)) * float64(u[i])
				if !closeRel(float64(dst[i]), want, math.Abs(want)+1e-30, 1e-6) {
					t.Fatalf("n=%d [%d] silu(%g)·%g = %g, want %g", n, i, g[i], u[i], dst[i], want)
				}
			}
		}
	})
}
