package ggml

import (
	"encoding/binary"
	"math"

	"tutor"
)

// Dequantize converts src, len(dst) elements of type t, to float32 in dst, with the
// arithmetic of ggml's dequantize_row_* functions. src must hold exactly those elements.
func Dequantize(t Type, src []byte, dst []float32) error {
	if !t.Supported() {
		return tutor.Errorf(tutor.EUNSUPPORTED, "cannot dequantize tensor type %s", t)
	}
	n, err := t.RowBytes(len(dst))
	if err != nil {
		return err
	}
	if len(src) != n {
		return tutor.Errorf(tutor.EINVALID, "%d elements of %s need %d bytes, have %d", len(dst), t, n, len(src))
	}
	switch t {
	case F32:
		for i := range dst {
			dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
		}
	case F16:
		F16ToF32(src, dst)
	case BF16:
		BF16ToF32(src, dst)
	case Q4_0:
		forBlocks(src, dst, t, dequantQ4_0)
	case Q8_0:
		forBlocks(src, dst, t, dequantQ8_0)
	case Q4_K:
		forBlocks(src, dst, t, dequantQ4_K)
	case Q6_K:
		forBlocks(src, dst, t, dequantQ6_K)
	}
	return nil
}

// forBlocks calls f on each block of src and its slice of dst.
func forBlocks(src []byte, dst []float32, t Type, f func(b []byte, y []float32)) {
	bs, bb := t.BlockSize(), t.BlockBytes()
	for i := 0; i*bs < len(dst); i++ {
		f(src[i*bb:(i+1)*bb], dst[i*bs:(i+1)*bs])
	}
}

// dequantQ4_0 decodes one block {d f16; qs [16]byte}: low nibbles are elements 0..15,
// high nibbles 16..31, each (q-8)*d.
func dequantQ4_0(b []byte, y []float32) {
	d := fp16(b)
	qs := b[2:18]
	for j := range 16 {
		y[j] = float32(int(qs[j]&0x0F)-8) * d
		y[j+16] = float32(int(qs[j]>>4)-8) * d
	}
}

// dequantQ8_0 decodes one block {d f16; qs [32]int8}: q*d.
func dequantQ8_0(b []byte, y []float32) {
	d := fp16(b)
	for j := range 32 {
		y[j] = float32(int8(b[2+j])) * d
	}
}

// scaleMinK4 unpacks the 6-bit scale and min of sub-block j (0..7) from the 12 packed
// bytes q of a Q4_K super-block (ggml's get_scale_min_k4).
func scaleMinK4(j int, q []byte) (sc, m uint8) {
	if j < 4 {
		return q[j] & 63, q[j+4] & 63
	}
	sc = (q[j+4] & 0xF) | ((q[j-4] >> 6) << 4)
	m = (q[j+4] >> 4) | ((q[j] >> 6) << 4)
	return sc, m
}

// dequantQ4_K decodes one super-block {d, dmin f16; scales [12]byte; qs [128]byte} of 8
// sub-blocks of 32: x = d*sc*q - dmin*m. Each 32 bytes of qs hold two sub-blocks,
// the low nibbles first.
func dequantQ4_K(b []byte, y []float32) {
	d, dmin := fp16(b), fp16(b[2:])
	scales, q := b[4:16], b[16:144]
	for j, is := 0, 0; j < QKK; j, is = j+64, is+2 {
		sc, m := scaleMinK4(is, scales)
		d1, m1 := d*float32(sc), dmin*float32(m)
		sc, m = scaleMinK4(is+1, scales)
		d2, m2 := d*float32(sc), dmin*float32(m)
		for l := range 32 {
			y[j+l] = float32(d1*float32(q[l]&0xF)) - m1
		}
		for l := range 32 {
			y[j+32+l] = float32(d2*float32(q[l]>>4)) - m2
		}
		q = q[32:]
	}
}

// dequantQ6_K decodes one super-block {ql [128]byte; qh [64]byte; scales [16]int8; d f16}
// of 16 sub-blocks of 16: x = d*scale*(q-32) with q's low 4 bits in ql and high 2 in qh.
func dequantQ6_K(b []byte, y []float32) {
	ql, qh, sc := b[0:128], b[128:192], b[192:208]
	d := fp16(b[208:])
	for n := 0; n < QKK; n += 128 {
		for l := range 32 {
			is := l / 16
			q1 := int8((ql[l]&0xF)|((qh[l]>>0)&3)<<4) - 32
			q2 := int8((ql[l+32]&0xF)|((qh[l]>>2)&3)<<4) - 32
			q3 := int8((ql[l]>>4)|((qh[l]>>4)&3)<<4) - 32
			q4 := int8((ql[l+32]>>4)|((qh[l]>>6)&3)<<4) - 32
			y[n+l] = d * float32(int8(sc[is])) * float32(q1)
			y[n+l+32] = d * float32(int8(sc[is+2])) * float32(q2)
			y[n+l+64] = d * float32(int8(sc[is+4])) * float32(q3)
			y[n+l+96] = d * float32(int8(sc[is+6])) * float32(q4)
		}
		ql, qh, sc = ql[64:], qh[32:], sc[8:]
	}
}
