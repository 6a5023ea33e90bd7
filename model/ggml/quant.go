package ggml

import (
	"encoding/binary"
	"math"

	"tutor"
)

// Quantize converts src to type t with ggml's reference quantizers (quantize_row_*_ref,
// the ones llama-quantize uses without an importance matrix), so the bytes equal those
// llama.cpp writes for the same values. len(src) must be a whole number of blocks.
func Quantize(t Type, src []float32) ([]byte, error) {
	if !t.Supported() && t != Q8_K {
		return nil, tutor.Errorf(tutor.EUNSUPPORTED, "cannot quantize to tensor type %s", t)
	}
	n, err := t.RowBytes(len(src))
	if err != nil {
		return nil, err
	}
	dst := make([]byte, n)
	switch t {
	case F32:
		for i, v := range src {
			binary.LittleEndian.PutUint32(dst[4*i:], math.Float32bits(v))
		}
	case F16:
		F32ToF16(src, dst)
	case BF16:
		F32ToBF16(src, dst)
	case Q4_0:
		quantBlocks(src, dst, t, quantQ4_0)
	case Q8_0:
		quantBlocks(src, dst, t, quantQ8_0)
	case Q4_K:
		quantBlocks(src, dst, t, quantQ4_K)
	case Q6_K:
		quantBlocks(src, dst, t, quantQ6_K)
	case Q8_K:
		quantBlocks(src, dst, t, quantQ8_K)
	}
	return dst, nil
}

// quantBlocks calls f on each block of src and its slice of dst.
func quantBlocks(src []float32, dst []byte, t Type, f func(x []float32, b []byte)) {
	bs, bb := t.BlockSize(), t.BlockBytes()
	for i := 0; i*bs < len(src); i++ {
		f(src[i*bs:(i+1)*bs], dst[i*bb:(i+1)*bb])
	}
}

// quantQ4_0 is quantize_row_q4_0_ref for one block: the value of largest magnitude maps to
// -8, d = max/-8, q = min(15, trunc(x/d + 8.5)).
func quantQ4_0(x []float32, b []byte) {
	var amax, maxv float32
	for _, v := range x {
		if a := abs32(v); amax < a {
			amax, maxv = a, v
		}
	}
	d := maxv / -8
	var id float32
	if d != 0 {
		id = 1 / d
	}
	binary.LittleEndian.PutUint16(b, FP32ToFP16(d))
	for j := range 16 {
		x0 := float32(x[j]*id) + 8.5
		x1 := float32(x[j+16]*id) + 8.5
		b[2+j] = min(15, uint8(int8(x0))) | min(15, uint8(int8(x1)))<<4
	}
}

// quantQ8_0 is quantize_row_q8_0_ref for one block: d = amax/127, q = round(x/d) with
// halves away from zero.
func quantQ8_0(x []float32, b []byte) {
	var amax float32
	for _, v := range x {
		amax = max(amax, abs32(v))
	}
	d := amax / 127
	var id float32
	if d != 0 {
		id = 1 / d
	}
	binary.LittleEndian.PutUint16(b, FP32ToFP16(d))
	for j, v := range x {
		b[2+j] = byte(int8(math.Round(float64(v * id))))
	}
}

// quantQ8_K is quantize_row_q8_K_ref for one super-block {d f32; qs [256]int8;
// bsums [16]int16}: the value of largest magnitude maps to -127 and bsums holds the sum
// of each 16 quants.
func quantQ8_K(x []float32, b []byte) {
	var amax, maxv float32
	for _, v := range x {
		if a := abs32(v); a > amax {
			amax, maxv = a, v
		}
	}
	if amax == 0 {
		clear(b)
		return
	}
	iscale := -127 / maxv
	qs := b[4 : 4+QKK]
	for j, v := range x {
		qs[j] = byte(int8(min(127, nearestInt(iscale*v))))
	}
	for j := range QKK / 16 {
		sum := 0
		for _, q := range qs[16*j : 16*j+16] {
			sum += int(int8(q))
		}
		binary.LittleEndian.PutUint16(b[4+QKK+2*j:], uint16(int16(sum)))
	}
	binary.LittleEndian.PutUint32(b, math.Float32bits(1/iscale))
}

// nearestInt rounds f to the nearest integer, halves to even, the way ggml's nearest_int
// does with the 1.5*2^23 trick; |f| must be below 2^22.
func nearestInt(f float32) int {
	val := f + 12582912
	i := int32(math.Float32bits(val))
	return int((i & 0x007fffff) - 0x00400000)
}
