package ggml

import (
	"math"
	"math/rand/v2"
	"testing"
)

// plainFP16 decodes a half by its definition, as an independent check of FP16ToFP32.
func plainFP16(h uint16) float32 {
	sign := float64(1)
	if h&0x8000 != 0 {
		sign = -1
	}
	exp, frac := int(h>>10&0x1F), float64(h&0x3FF)
	switch exp {
	case 0:
		return float32(sign * frac * math.Pow(2, -24))
	case 31:
		if frac != 0 {
			return float32(math.NaN())
		}
		return float32(sign * math.Inf(1))
	}
	return float32(sign * (1 + frac/1024) * math.Pow(2, float64(exp-15)))
}

func TestFP16Exhaustive(t *testing.T) {
	for i := range 1 << 16 {
		h := uint16(i)
		got, want := FP16ToFP32(h), plainFP16(h)
		if math.IsNaN(float64(want)) {
			if !math.IsNaN(float64(got)) {
				t.Fatalf("%#04x: got %v, want NaN", h, got)
			}
			continue
		}
		if math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("%#04x: got %v, want %v", h, got, want)
		}
		if back := FP32ToFP16(got); back != h {
			t.Fatalf("%#04x -> %v -> %#04x", h, got, back)
		}
	}
}

func TestFP32ToFP16Rounding(t *testing.T) {
	tests := []struct {
		f    float32
		want uint16
	}{
		{0, 0}, {float32(math.Copysign(0, -1)), 0x8000}, {1, 0x3C00}, {-2, 0xC000},
		{65504, 0x7BFF}, {65520, 0x7C00}, {1e10, 0x7C00}, {float32(math.Inf(-1)), 0xFC00},
		{1 + 1.0/2048, 0x3C00},            // a tie rounds to the even mantissa
		{1 + 3.0/2048, 0x3C02},            // a tie rounds up to the even mantissa
		{1 + 1.0/2048 + 1.0/8192, 0x3C01}, // above the tie rounds up
		{5.960464477539063e-08, 0x0001},   // smallest subnormal
		{2.98e-08, 0x0000},                // below half of it
	}
	for _, tt := range tests {
		if got := FP32ToFP16(tt.f); got != tt.want {
			t.Errorf("FP32ToFP16(%v) = %#04x, want %#04x", tt.f, got, tt.want)
		}
	}
	if h := FP32ToFP16(float32(math.NaN())); h&0x7C00 != 0x7C00 || h&0x3FF == 0 {
		t.Errorf("NaN -> %#04x", h)
	}
	// Any finite value converts to the nearest half, ties to even.
	r := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		f := math.Float32frombits(r.Uint32())
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) || abs32(f) >= 65504 {
			continue
		}
		h := FP32ToFP16(f)
		err := math.Abs(float64(FP16ToFP32(h)) - float64(f))
		for _, n := range []uint16{h - 1, h + 1} {
			if n&0x7C00 == 0x7C00 || (h&0x7FFF == 0 && n == h-1) {
				continue
			}
			other := math.Abs(float64(FP16ToFP32(n)) - float64(f))
			if other < err || (other == err && h&1 == 1) {
				t.Fatalf("FP32ToFP16(%g) = %#04x (err %g), but %#04x is nearer or even (err %g)", f, h, err, n, other)
			}
		}
	}
}

func TestBF16(t *testing.T) {
	tests := []struct {
		f    float32
		want uint16
	}{
		{1, 0x3F80}, {-2, 0xC000},
		{math.Float32frombits(0x3F808000), 0x3F80}, // tie to even (down)
		{math.Float32frombits(0x3F818000), 0x3F82}, // tie to even (up)
		{math.Float32frombits(0x3F808001), 0x3F81},
		{math.Float32frombits(0x7F800001), 0x7FC0}, // NaN stays NaN, quiet
	}
	for _, tt := range tests {
		if got := FP32ToBF16(tt.f); got != tt.want {
			t.Errorf("FP32ToBF16(%#08x) = %#04x, want %#04x", math.Float32bits(tt.f), got, tt.want)
		}
	}
	for i := range 1 << 16 {
		h := uint16(i)
		if f := BF16ToFP32(h); !math.IsNaN(float64(f)) && FP32ToBF16(f) != h {
			t.Fatalf("%#04x does not round-trip", h)
		}
	}
}
