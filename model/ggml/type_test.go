package ggml

import (
	"testing"

	"tutor"
)

func TestTypeSizes(t *testing.T) {
	tests := []struct {
		typ       Type
		name      string
		block     int
		bytes     int
		supported bool
	}{
		{F32, "F32", 1, 4, true},
		{F16, "F16", 1, 2, true},
		{Q4_0, "Q4_0", 32, 18, true},
		{Q8_0, "Q8_0", 32, 34, true},
		{Q4_K, "Q4_K", 256, 144, true},
		{Q6_K, "Q6_K", 256, 210, true},
		{BF16, "BF16", 1, 2, true},
		{Q5_K, "Q5_K", 256, 176, false},
		{Q8_K, "Q8_K", 256, 292, false},
		{IQ4_XS, "IQ4_XS", 256, 136, false},
	}
	for _, tt := range tests {
		if tt.typ.String() != tt.name || tt.typ.BlockSize() != tt.block || tt.typ.BlockBytes() != tt.bytes || tt.typ.Supported() != tt.supported {
			t.Errorf("%d: got %s %d %d %v, want %s %d %d %v", uint32(tt.typ), tt.typ, tt.typ.BlockSize(), tt.typ.BlockBytes(), tt.typ.Supported(),
				tt.name, tt.block, tt.bytes, tt.supported)
		}
		if p, err := ParseType(tt.name); err != nil || p != tt.typ {
			t.Errorf("ParseType(%q) = %v, %v", tt.name, p, err)
		}
	}
	if s := Type(31).String(); s != "type(31)" {
		t.Errorf("Type(31) = %q", s)
	}
}

func TestRowBytes(t *testing.T) {
	if n, err := Q4_K.RowBytes(512); err != nil || n != 288 {
		t.Errorf("Q4_K.RowBytes(512) = %d, %v", n, err)
	}
	if n, err := F16.RowBytes(7); err != nil || n != 14 {
		t.Errorf("F16.RowBytes(7) = %d, %v", n, err)
	}
	if _, err := Q8_0.RowBytes(33); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Errorf("Q8_0.RowBytes(33): %v", err)
	}
	if _, err := Type(99).RowBytes(32); tutor.ErrorCode(err) != tutor.EUNSUPPORTED {
		t.Errorf("Type(99).RowBytes: %v", err)
	}
}

func TestUnsupported(t *testing.T) {
	if err := Dequantize(Q5_K, make([]byte, 176), make([]float32, 256)); tutor.ErrorCode(err) != tutor.EUNSUPPORTED {
		t.Errorf("Dequantize(Q5_K): %v", err)
	}
	if _, err := Quantize(IQ2_XS, make([]float32, 256)); tutor.ErrorCode(err) != tutor.EUNSUPPORTED {
		t.Errorf("Quantize(IQ2_XS): %v", err)
	}
	if err := Dequantize(Q8_0, make([]byte, 33), make([]float32, 32)); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Errorf("Dequantize with a short source: %v", err)
	}
}
