package kernel

import "math"

// F16ToF32 converts IEEE 754 half-precision bits to float32 (exactly; a
// NaN comes out quiet).
func F16ToF32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f && mant != 0:
		// NaN comes out quiet, as from VCVTPH2PS.
		return math.Float32frombits(sign | 0x7fc00000 | mant<<13)
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000)
	case exp == 0:
		// Zero or subnormal: mant·2⁻²⁴, exact in float32.
		f := float32(mant) * (1.0 / (1 << 24))
		return math.Float32frombits(sign | math.Float32bits(f))
	}
	return math.Float32frombits(sign | (exp+112)<<23 | mant<<13)
}

// F32ToF16 rounds a float32 to the nearest IEEE 754 half (ties to even),
// as VCVTPS2PH and ggml's GGML_FP32_TO_FP16 do: overflow gives ±Inf, NaN
// stays a quiet NaN.
func F32ToF16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	mant := b & 0x7fffff
	if exp == 0xff {
		if mant != 0 {
			return sign | 0x7e00 | uint16(mant>>13)
		}
		return sign | 0x7c00
	}
	e := exp - 112
	if e >= 0x1f {
		return sign | 0x7c00
	}
	if e <= 0 {
		// Subnormal half: the 24-bit significand shifted right, rounded.
		shift := uint32(14 - e)
		if shift > 24 {
			return sign
		}
		m := mant | 0x800000
		h := m >> shift
		rem, half := m&(1<<shift-1), uint32(1)<<(shift-1)
		if rem > half || rem == half && h&1 == 1 {
			h++
		}
		return sign | uint16(h)
	}
	h := uint32(e)<<10 | mant>>13
	// A carry out of the mantissa bumps the exponent, up to Inf: still right.
	if rem := mant & 0x1fff; rem > 0x1000 || rem == 0x1000 && h&1 == 1 {
		h++
	}
	return sign | uint16(h)
}

// F16ToF32Slice converts len(src) halves into dst.
func F16ToF32Slice(dst []float32, src []uint16) {
	dst = dst[:len(src)]
	n := 0
	if useAVX2 {
		n = f16ToF32AVX2(dst, src)
	}
	for i := n; i < len(src); i++ {
		dst[i] = F16ToF32(src[i])
	}
}

// F32ToF16Slice rounds len(src) floats to halves into dst (ties to even).
func F32ToF16Slice(dst []uint16, src []float32) {
	dst = dst[:len(src)]
	n := 0
	if useAVX2 {
		n = f32ToF16AVX2(dst, src)
	}
	for i := n; i < len(src); i++ {
		dst[i] = F32ToF16(src[i])
	}
}

// RoundF16 rounds every element of x to the nearest half-precision value,
// keeping it as float32: what ggml does to activations before an F16 dot.
func RoundF16(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = F16ToF32(F32ToF16(v))
	}
}
