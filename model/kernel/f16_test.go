package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The hardware conversions (VCVTPH2PS, VCVTPS2PH with round-to-nearest-even)
// are the reference for the Go ones: every half, and floats at every
// rounding edge, must convert to the same bits.
func TestF16ConversionsMatchHardware(t *testing.T) {
	if !useAVX2 {
		t.Skip("no F16C on this CPU")
	}
	halves := make([]uint16, 1<<16)
	for i := range halves {
		halves[i] = uint16(i)
	}
	hw := make([]float32, len(halves))
	f16ToF32AVX2(hw, halves)
	for i, h := range halves {
		if g := F16ToF32(h); math.Float32bits(g) != math.Float32bits(hw[i]) {
			t.Fatalf("F16ToF32(%#04x) = %#08x, hardware %#08x", h, math.Float32bits(g), math.Float32bits(hw[i]))
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	fs := make([]float32, 0, 1<<18)
	for _, h := range halves {
		// The half itself, the midpoint to the next half, and one ulp around it.
		f := math.Float32bits(F16ToF32(h))
		fs = append(fs, math.Float32frombits(f), math.Float32frombits(f+0x1000),
			math.Float32frombits(f+0xfff), math.Float32frombits(f+0x1001))
	}
	for i := 0; i < 1<<16; i++ {
		fs = append(fs, math.Float32frombits(r.Uint32()))
	}
	fs = append(fs, 65504, 65519.99, 65520, 1e30, float32(math.Inf(1)), float32(math.NaN()), 1e-8, 2.98e-8, 2.99e-8)
	fs = fs[:len(fs)&^7]
	hwh := make([]uint16, len(fs))
	f32ToF16AVX2(hwh, fs)
	for i, f := range fs {
		if g := F32ToF16(f); g != hwh[i] {
			t.Fatalf("F32ToF16(%g = %#08x) = %#04x, hardware %#04x", f, math.Float32bits(f), g, hwh[i])
		}
	}
}

func TestF16SlicesRoundTrip(t *testing.T) {
	withEachArch(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(7, 8))
		for _, n := range []int{0, 1, 7, 8, 9, 100} {
			x := randSlice(r, n)
			h := make([]uint16, n)
			F32ToF16Slice(h, x)
			back := make([]float32, n)
			F16ToF32Slice(back, h)
			for i := range x {
				if h[i] != F32ToF16(x[i]) || back[i] != F16ToF32(h[i]) {
					t.Fatalf("n=%d i=%d: %g → %#04x → %g", n, i, x[i], h[i], back[i])
				}
				// Half precision keeps 11 significant bits.
				if math.Abs(float64(back[i]-x[i])) > math.Abs(float64(x[i]))/2048 {
					t.Fatalf("%g rounded to %g", x[i], back[i])
				}
			}
		}
	})
}
