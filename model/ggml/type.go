// Package ggml holds GGML's tensor types: their block layouts and sizes, conversion between
// them and float32, and the row-times-vector products a decoder needs, as llama.cpp computes them.
package ggml

import (
	"fmt"
	"strings"

	"tutor"
)

// Type is a GGML tensor type, numbered as in ggml.h and stored so in GGUF files.
type Type uint32

// The tensor types, with GGML's numbers. Only those for which [Type.Supported] reports true
// can be converted; the others are known by name and size so files holding them can be listed.
const (
	F32     Type = 0
	F16     Type = 1
	Q4_0    Type = 2
	Q4_1    Type = 3
	Q5_0    Type = 6
	Q5_1    Type = 7
	Q8_0    Type = 8
	Q8_1    Type = 9
	Q2_K    Type = 10
	Q3_K    Type = 11
	Q4_K    Type = 12
	Q5_K    Type = 13
	Q6_K    Type = 14
	Q8_K    Type = 15
	IQ2_XXS Type = 16
	IQ2_XS  Type = 17
	IQ3_XXS Type = 18
	IQ1_S   Type = 19
	IQ4_NL  Type = 20
	IQ3_S   Type = 21
	IQ2_S   Type = 22
	IQ4_XS  Type = 23
	I8      Type = 24
	I16     Type = 25
	I32     Type = 26
	I64     Type = 27
	F64     Type = 28
	IQ1_M   Type = 29
	BF16    Type = 30
	TQ1_0   Type = 34
	TQ2_0   Type = 35
)

// QK is the number of elements in a block of the 32-wide formats (Q4_0, Q8_0);
// QKK is the number in a super-block of the K formats (Q4_K, Q6_K, Q8_K).
const (
	QK  = 32
	QKK = 256
)

// traits describes one type as ggml.c's type_traits table does.
type traits struct {
	name       string
	blockSize  int // elements per block
	blockBytes int // bytes per block
	supported  bool
}

var table = map[Type]traits{
	F32:     {"F32", 1, 4, true},
	F16:     {"F16", 1, 2, true},
	Q4_0:    {"Q4_0", QK, 18, true},
	Q4_1:    {"Q4_1", QK, 20, false},
	Q5_0:    {"Q5_0", QK, 22, false},
	Q5_1:    {"Q5_1", QK, 24, false},
	Q8_0:    {"Q8_0", QK, 34, true},
	Q8_1:    {"Q8_1", QK, 36, false},
	Q2_K:    {"Q2_K", QKK, 84, false},
	Q3_K:    {"Q3_K", QKK, 110, false},
	Q4_K:    {"Q4_K", QKK, 144, true},
	Q5_K:    {"Q5_K", QKK, 176, false},
	Q6_K:    {"Q6_K", QKK, 210, true},
	Q8_K:    {"Q8_K", QKK, 292, false},
	IQ2_XXS: {"IQ2_XXS", QKK, 66, false},
	IQ2_XS:  {"IQ2_XS", QKK, 74, false},
	IQ3_XXS: {"IQ3_XXS", QKK, 98, false},
	IQ1_S:   {"IQ1_S", QKK, 50, false},
	IQ4_NL:  {"IQ4_NL", QK, 18, false},
	IQ3_S:   {"IQ3_S", QKK, 110, false},
	IQ2_S:   {"IQ2_S", QKK, 82, false},
	IQ4_XS:  {"IQ4_XS", QKK, 136, false},
	I8:      {"I8", 1, 1, false},
	I16:     {"I16", 1, 2, false},
	I32:     {"I32", 1, 4, false},
	I64:     {"I64", 1, 8, false},
	F64:     {"F64", 1, 8, false},
	IQ1_M:   {"IQ1_M", QKK, 56, false},
	BF16:    {"BF16", 1, 2, true},
	TQ1_0:   {"TQ1_0", QKK, 54, false},
	TQ2_0:   {"TQ2_0", QKK, 66, false},
}

// String returns the type's name as llama.cpp prints it ("Q4_K"), or "type(N)" for a number
// GGML does not define.
func (t Type) String() string {
	if tr, ok := table[t]; ok {
		return tr.name
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// Known reports whether GGML defines t, so that its size is known.
func (t Type) Known() bool {
	_, ok := table[t]
	return ok
}

// Supported reports whether Tutor can convert t to and from float32:
// F32, F16, BF16, Q4_0, Q8_0, Q4_K and Q6_K.
func (t Type) Supported() bool { return table[t].supported }

// BlockSize returns the number of elements in one block of t (1 for plain types),
// or 0 when t is unknown.
func (t Type) BlockSize() int { return table[t].blockSize }

// BlockBytes returns the number of bytes in one block of t, or 0 when t is unknown.
func (t Type) BlockBytes() int { return table[t].blockBytes }

// RowBytes returns the number of bytes n elements of t take. It fails when t is unknown,
// n is negative or n is not a whole number of blocks.
func (t Type) RowBytes(n int) (int, error) {
	tr, ok := table[t]
	switch {
	case !ok:
		return 0, tutor.Errorf(tutor.EUNSUPPORTED, "unknown tensor type %s", t)
	case n < 0:
		return 0, tutor.Errorf(tutor.EINVALID, "negative element count %d", n)
	case n%tr.blockSize != 0:
		return 0, tutor.Errorf(tutor.EINVALID, "%d elements of %s: not a multiple of the block size %d", n, t, tr.blockSize)
	}
	return n / tr.blockSize * tr.blockBytes, nil
}

// ParseType returns the type named name (case-insensitive, "q4_k" or "Q4_K").
func ParseType(name string) (Type, error) {
	for t, tr := range table {
		if strings.EqualFold(tr.name, name) {
			return t, nil
		}
	}
	return 0, tutor.Errorf(tutor.EUNSUPPORTED, "unknown tensor type %q", name)
}

// lowerName is ggml's own spelling of the name ("q4_K", "f16").
func (t Type) lowerName() string {
	b := []byte(t.String())
	for i, c := range b {
		if c >= 'A' && c <= 'Z' && !(c == 'K' && i > 0 && b[i-1] == '_') {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
