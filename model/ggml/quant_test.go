package ggml

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomRow returns n normally distributed values with a few outliers, like real weights.
func randomRow(seed uint64, n int) []float32 {
	r := rand.New(rand.NewPCG(seed, 7))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 0.02)
		if r.IntN(97) == 0 {
			x[i] *= 8
		}
	}
	return x
}

// relRMSE returns ‖a-b‖/‖a‖.
func relRMSE(a, b []float32) float64 {
	var num, den float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		num += d * d
		den += float64(a[i]) * float64(a[i])
	}
	return math.Sqrt(num / den)
}

func TestQuantizeRoundTrip(t *testing.T) {
	tests := []struct {
		typ   Type
		bound float64 // relative RMS error allowed after quantize→dequantize
	}{
		{F32, 0},
		{F16, 1e-3},
		{BF16, 8e-3},
		{Q8_0, 0.015},
		{Q6_K, 0.04},
		{Q4_K, 0.12},
		{Q4_0, 0.18},
	}
	x := randomRow(1, 4096)
	for _, tt := range tests {
		t.Run(tt.typ.String(), func(t *testing.T) {
			q, err := Quantize(tt.typ, x)
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := tt.typ.RowBytes(len(x)); len(q) != want {
				t.Fatalf("%d bytes, want %d", len(q), want)
			}
			y := mustDequantize(t, tt.typ, q, len(x))
			if e := relRMSE(x, y); e > tt.bound {
				t.Errorf("relative RMS error %.4f over %.4f", e, tt.bound)
			} else {
				t.Logf("relative RMS error %.5f", e)
			}
			// Quantizing what dequantization gave is stable: the same bytes again
			// (the K formats refit their scales, so allow them a small drift).
			q2, _ := Quantize(tt.typ, y)
			if tt.typ.BlockSize() == 1 || tt.typ == Q8_0 {
				if string(q2) != string(q) {
					t.Errorf("re-quantizing changed the bytes")
				}
			} else if e := relRMSE(y, mustDequantize(t, tt.typ, q2, len(x))); e > tt.bound/2 {
				t.Errorf("re-quantizing drifted by %.4f", e)
			}
		})
	}
}

func TestQuantizeQ8_0Exact(t *testing.T) {
	// Values on the grid of d = 127/127 = 1 quantize exactly; halves round away from zero.
	x := make([]float32, 32)
	for i := range x {
		x[i] = float32(i - 16)
	}
	x[31] = 127
	x[30] = -2.5 // -2.5 rounds to -3 like C's roundf
	q, _ := Quantize(Q8_0, x)
	if d := fp16(q); d != 1 {
		t.Fatalf("scale %v, want 1", d)
	}
	for i, v := range x {
		want := int8(v)
		if i == 30 {
			want = -3
		}
		if got := int8(q[2+i]); got != want {
			t.Errorf("element %d: %d, want %d", i, got, want)
		}
	}
}

func TestQuantizeZeros(t *testing.T) {
	for _, typ := range []Type{Q4_0, Q8_0, Q4_K, Q6_K} {
		q, err := Quantize(typ, make([]float32, 256))
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range mustDequantize(t, typ, q, 256) {
			if v != 0 {
				t.Errorf("%s: element %d of zeros is %v", typ, i, v)
				break
			}
		}
	}
}

func TestQuantizeQ8_K(t *testing.T) {
	x := randomRow(3, 512)
	q := QuantizeRowQ8_K(x)
	for blk := range 2 {
		d, qs, bsum := q8K(q[blk*292:])
		for j := range 16 {
			var s int32
			for _, v := range qs[16*j : 16*j+16] {
				s += int32(int8(v))
			}
			if s != bsum(j) {
				t.Fatalf("block %d: bsum %d is %d, want %d", blk, j, bsum(j), s)
			}
		}
		for i, v := range qs {
			if diff := math.Abs(float64(d)*float64(int8(v)) - float64(x[blk*256+i])); diff > math.Abs(float64(d))/2+1e-9 {
				t.Fatalf("block %d element %d off by %g with scale %g", blk, i, diff, d)
			}
		}
	}
}
