package ggml

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// The files in testdata/ref come from ggml's C code (testdata/ref/gen.sh): its reference
// quantizers and scalar dot products applied to testdata/ref/input.f32. Tutor's must give
// the same bytes and the same float32 results, bit for bit.

func readRef(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ref", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func refInput(tb testing.TB) []float32 {
	b := readRef(tb, "input.f32")
	x := make([]float32, len(b)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x
}

func TestQuantizeMatchesGGML(t *testing.T) {
	x := refInput(t)
	for _, typ := range []Type{F16, BF16, Q4_0, Q8_0, Q4_K, Q6_K, Q8_K} {
		got, err := Quantize(typ, x)
		if err != nil {
			t.Fatal(err)
		}
		want := readRef(t, typ.lowerName()+".bin")
		if !bytes.Equal(got, want) {
			bb := typ.BlockBytes()
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("%s: first difference at byte %d (block %d, offset %d): %#x, ggml %#x", typ, i, i/bb, i%bb, got[i], want[i])
					break
				}
			}
		}
	}
}

func TestVecDotMatchesGGML(t *testing.T) {
	x := refInput(t)
	w, a := x[:1024], x[1024:]
	want := readRef(t, "dots.bin")
	for i, typ := range []Type{Q4_0, Q8_0, Q4_K, Q6_K} {
		wq, _ := Quantize(typ, w)
		aq, _ := QuantizeVec(typ, a)
		got := VecDot(typ, wq, aq)
		if ref := math.Float32frombits(binary.LittleEndian.Uint32(want[4*i:])); got != ref {
			t.Errorf("%s: %v, ggml %v", typ, got, ref)
		}
	}
}
