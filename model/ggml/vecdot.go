package ggml

import (
	"encoding/binary"
	"math"
)

// dotQ4_0Q8_0 is ggml_vec_dot_q4_0_q8_0 (scalar): per block an integer dot of the 4-bit
// quants (minus 8) with the 8-bit ones, times both scales, summed in float32.
func dotQ4_0Q8_0(w, xq []byte) float32 {
	var sum float32
	for ib := 0; ib*18 < len(w); ib++ {
		x, y := w[ib*18:], xq[ib*34:]
		var sumi0, sumi1 int32
		for j := range 16 {
			v0 := int32(x[2+j]&0x0F) - 8
			v1 := int32(x[2+j]>>4) - 8
			sumi0 += v0 * int32(int8(y[2+j]))
			sumi1 += v1 * int32(int8(y[2+16+j]))
		}
		sum += float32(float32(float32(sumi0+sumi1)*fp16(x)) * fp16(y))
	}
	return sum
}

// dotQ8_0Q8_0 is ggml_vec_dot_q8_0_q8_0 (scalar).
func dotQ8_0Q8_0(w, xq []byte) float32 {
	var sum float32
	for ib := 0; ib*34 < len(w); ib++ {
		x, y := w[ib*34:], xq[ib*34:]
		var sumi int32
		for j := range 32 {
			sumi += int32(int8(x[2+j])) * int32(int8(y[2+j]))
		}
		sum += float32(float32(sumi) * (fp16(x) * fp16(y)))
	}
	return sum
}

// q8K returns the scale, quants and 16-element sums of the Q8_K super-block at b.
func q8K(b []byte) (d float32, qs []byte, bsum func(j int) int32) {
	return math.Float32frombits(binary.LittleEndian.Uint32(b)), b[4 : 4+QKK], func(j int) int32 {
		return int32(int16(binary.LittleEndian.Uint16(b[4+QKK+2*j:])))
	}
}

// dotQ4_KQ8_K is ggml_vec_dot_q4_K_q8_K (scalar): integer sums per sub-block times its
// 6-bit scale are gathered into eight lanes, scaled per super-block and summed in
// float32; the mins are subtracted through the Q8_K block sums.
func dotQ4_KQ8_K(w, xq []byte) float32 {
	var sums [8]float32
	var sumf float32
	for i := 0; i*144 < len(w); i++ {
		x := w[i*144 : (i+1)*144]
		yd, q8, bsum := q8K(xq[i*292:])
		var aux8 [QKK]int32
		q4 := x[16:144]
		for j := 0; j < QKK; j += 64 {
			for l := range 32 {
				aux8[j+l] = int32(q4[l] & 0xF)
				aux8[j+32+l] = int32(q4[l] >> 4)
			}
			q4 = q4[32:]
		}
		var aux32 [8]int32
		var sumi int32
		for j := range QKK / 16 {
			_, m := scaleMinK4(j/2, x[4:16])
			sumi += bsum(j) * int32(m)
		}
		for j := range QKK / 32 {
			sc, _ := scaleMinK4(j, x[4:16])
			for k := range 32 {
				aux32[k%8] += int32(sc) * int32(int16(int32(int8(q8[32*j+k]))*aux8[32*j+k]))
			}
		}
		d := fp16(x) * yd
		for l := range 8 {
			sums[l] += float32(d * float32(aux32[l]))
		}
		dmin := fp16(x[2:]) * yd
		sumf -= float32(dmin * float32(sumi))
	}
	for l := range 8 {
		sumf += sums[l]
	}
	return sumf
}

// dotQ6_KQ8_K is ggml_vec_dot_q6_K_q8_K (scalar), gathered into eight lanes like
// dotQ4_KQ8_K.
func dotQ6_KQ8_K(w, xq []byte) float32 {
	var sums [8]float32
	for i := 0; i*210 < len(w); i++ {
		x := w[i*210 : (i+1)*210]
		yd, q8, _ := q8K(xq[i*292:])
		var a [QKK]int32
		ql, qh := x[0:128], x[128:192]
		for j := 0; j < QKK; j += 128 {
			for l := range 32 {
				a[j+l] = int32((ql[l]&0xF)|((qh[l]>>0)&3)<<4) - 32
				a[j+l+32] = int32((ql[l+32]&0xF)|((qh[l]>>2)&3)<<4) - 32
				a[j+l+64] = int32((ql[l]>>4)|((qh[l]>>4)&3)<<4) - 32
				a[j+l+96] = int32((ql[l+32]>>4)|((qh[l]>>6)&3)<<4) - 32
			}
			ql, qh = ql[64:], qh[32:]
		}
		var aux32 [8]int32
		for j := range QKK / 16 {
			scale := int32(int8(x[192+j]))
			for k := range 16 {
				aux32[k%8] += scale * int32(int16(int32(int8(q8[16*j+k]))*a[16*j+k]))
			}
		}
		d := fp16(x[208:]) * yd
		for l := range 8 {
			sums[l] += float32(d * float32(aux32[l]))
		}
	}
	var sumf float32
	for l := range 8 {
		sumf += sums[l]
	}
	return sumf
}
