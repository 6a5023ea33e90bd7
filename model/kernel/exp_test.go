package kernel

import (
	"math"
	"testing"
)

func TestExp32(t *testing.T) {
	worst := 0.0
	for x := float32(-87.3); x <= 88.7; x += 0.0137 {
		want := math.Exp(float64(x))
		got := float64(Exp32(x))
		rel := math.Abs(got-want) / want
		worst = max(worst, rel)
		if rel > 3e-7 {
			t.Fatalf("Exp32(%g) = %g, want %g (relative error %.2g)", x, got, want, rel)
		}
	}
	t.Logf("worst relative error %.2g", worst)
	for _, c := range []struct{ x, want float32 }{{0, 1}, {-100, 0}, {100, float32(math.Inf(1))}} {
		if got := Exp32(c.x); got != c.want {
			t.Errorf("Exp32(%g) = %g, want %g", c.x, got, c.want)
		}
	}
	if nan := float32(math.NaN()); Exp32(nan) == Exp32(nan) {
		t.Error("Exp32(NaN) is not NaN")
	}
}

func BenchmarkExp32(b *testing.B) {
	xs := make([]float32, 1024)
	for i := range xs {
		xs[i] = -float32(i) / 64
	}
	b.Run("Exp32", func(b *testing.B) {
		var s float32
		for b.Loop() {
			for _, x := range xs {
				s += Exp32(x)
			}
		}
		_ = s
	})
	b.Run("math.Exp", func(b *testing.B) {
		var s float32
		for b.Loop() {
			for _, x := range xs {
				s += float32(math.Exp(float64(x)))
			}
		}
		_ = s
	})
}
