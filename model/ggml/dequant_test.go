package ggml

import (
	"encoding/binary"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// le16 appends the little-endian half of f.
func le16(b []byte, f float32) []byte { return binary.LittleEndian.AppendUint16(b, FP32ToFP16(f)) }

func mustDequantize(tb testing.TB, typ Type, src []byte, n int) []float32 {
	tb.Helper()
	dst := make([]float32, n)
	if err := Dequantize(typ, src, dst); err != nil {
		tb.Fatal(err)
	}
	return dst
}

func TestDequantizeQ4_0Block(t *testing.T) {
	b := le16(nil, 0.5)
	for j := range 16 {
		b = append(b, byte(j)|byte(15-j)<<4) // low nibble j, high nibble 15-j
	}
	got := mustDequantize(t, Q4_0, b, 32)
	var want [32]float32
	for j := range 16 {
		want[j] = float32(j-8) * 0.5
		want[j+16] = float32(7-j) * 0.5
	}
	if diff := cmp.Diff(want[:], got); diff != "" {
		t.Error(diff)
	}
}

func TestDequantizeQ8_0Block(t *testing.T) {
	b := le16(nil, 0.25)
	var want [32]float32
	for j := range 32 {
		q := int8(j*8 - 128)
		b = append(b, byte(q))
		want[j] = float32(q) * 0.25
	}
	if diff := cmp.Diff(want[:], mustDequantize(t, Q8_0, b, 32)); diff != "" {
		t.Error(diff)
	}
}

func TestDequantizeQ4_KBlock(t *testing.T) {
	// Scales sc[j] = j+1 and mins m[j] = 2j+3 for the eight sub-blocks; 6 bits each, the
	// upper two bits of sub-blocks 4..7 living in the top bits of bytes 0..7.
	sc, m := [8]uint8{1, 2, 3, 40, 50, 60, 7, 63}, [8]uint8{3, 5, 7, 9, 33, 45, 62, 1}
	var packed [12]byte
	for j := range 4 {
		packed[j] = sc[j] | (sc[j+4]>>4)<<6
		packed[j+4] = m[j] | (m[j+4]>>4)<<6
		packed[j+8] = sc[j+4]&0xF | (m[j+4]&0xF)<<4
	}
	for j := range 8 {
		if s, mm := scaleMinK4(j, packed[:]); s != sc[j] || mm != m[j] {
			t.Fatalf("sub-block %d: scale %d min %d, want %d %d", j, s, mm, sc[j], m[j])
		}
	}
	d, dmin := float32(0.125), float32(0.0625)
	b := le16(le16(nil, d), dmin)
	b = append(b, packed[:]...)
	var qs [128]byte
	for i := range qs {
		qs[i] = byte(i*7) ^ byte(i>>2)
	}
	b = append(b, qs[:]...)
	got := mustDequantize(t, Q4_K, b, 256)
	for i, v := range got {
		sub, k := i/32, i%32
		byteIdx := (sub/2)*32 + k
		q := qs[byteIdx] & 0xF
		if sub%2 == 1 {
			q = qs[byteIdx] >> 4
		}
		want := d*float32(sc[sub])*float32(q) - dmin*float32(m[sub])
		if v != want {
			t.Fatalf("element %d: got %v, want %v", i, v, want)
		}
	}
}

func TestDequantizeQ6_KBlock(t *testing.T) {
	// Element i holds the 6-bit quant q[i] = (i*5)%64 and sub-block i/16 the scale s.
	var q [256]uint8
	for i := range q {
		q[i] = uint8(i * 5 % 64)
	}
	var ql [128]byte
	var qh [64]byte
	for half := range 2 {
		for l := range 32 {
			base := 128 * half
			ql[64*half+l] = q[base+l]&0xF | (q[base+l+64]&0xF)<<4
			ql[64*half+l+32] = q[base+l+32]&0xF | (q[base+l+96]&0xF)<<4
			qh[32*half+l] = q[base+l]>>4 | (q[base+l+32]>>4)<<2 | (q[base+l+64]>>4)<<4 | (q[base+l+96]>>4)<<6
		}
	}
	var scales [16]int8
	for j := range scales {
		scales[j] = int8(j*17 - 128)
	}
	d := float32(0.01)
	b := append(append([]byte(nil), ql[:]...), qh[:]...)
	for _, s := range scales {
		b = append(b, byte(s))
	}
	b = le16(b, d)
	got := mustDequantize(t, Q6_K, b, 256)
	dh := FP16ToFP32(FP32ToFP16(d))
	for i, v := range got {
		want := dh * float32(scales[i/16]) * float32(int(q[i])-32)
		if v != want {
			t.Fatalf("element %d: got %v, want %v", i, v, want)
		}
	}
}
