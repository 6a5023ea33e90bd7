package gguf

import (
	"bytes"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"tutor"
	"tutor/model/ggml"
)

// MustWrite returns the bytes of a GGUF file holding kv and tensors.
func MustWrite(tb testing.TB, kv []KV, tensors []WriterTensor) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, kv, tensors); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// MustOpen reads a GGUF file from b.
func MustOpen(tb testing.TB, b []byte) *File {
	tb.Helper()
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// everyType is metadata of every value type, arrays of every element type and an array of arrays.
func everyType() []KV {
	return []KV{
		{"general.architecture", String("llama")},
		{"u8", Uint8(200)}, {"i8", Int8(-100)}, {"u16", Uint16(60000)}, {"i16", Int16(-30000)},
		{"u32", Uint32(4000000000)}, {"i32", Int32(-2000000000)}, {"f32", Float32(1.5)},
		{"bool", Bool(true)}, {"str", String("héllo 世界")}, {"u64", Uint64(math.MaxUint64)},
		{"i64", Int64(math.MinInt64)}, {"f64", Float64(math.Pi)},
		{"a.u8", mustValue([]uint8{1, 2})}, {"a.i8", mustValue([]int8{-1})}, {"a.u16", mustValue([]uint16{7})},
		{"a.i16", mustValue([]int16{-7})}, {"a.u32", Uint32s([]uint32{1, 2, 3})}, {"a.i32", Int32s([]int32{-1, 0, 1})},
		{"a.f32", Float32s([]float32{0.5, -0.25})}, {"a.bool", mustValue([]bool{true, false})},
		{"a.str", Strings([]string{"a", "", "中文"})}, {"a.u64", mustValue([]uint64{1 << 40})},
		{"a.i64", mustValue([]int64{-1 << 40})}, {"a.f64", mustValue([]float64{2.5})},
		{"a.empty", Strings(nil)},
		{"a.nested", Array(Int32s([]int32{1, 2}), Strings([]string{"x"}), Array(Float32s([]float32{3})))},
	}
}

func mustValue(x any) Value {
	v, err := ValueOf(x)
	if err != nil {
		panic(err)
	}
	return v
}

func TestWriteReadEveryType(t *testing.T) {
	kv := everyType()
	w := []float32{1, 2, 3, 4, 5, 6}
	wq, _ := ggml.Quantize(ggml.F16, w)
	tensors := []WriterTensor{
		{Name: "a", Shape: []uint64{3, 2}, Type: ggml.F32, Data: f32bytes(w)},
		{Name: "b", Shape: []uint64{6}, Type: ggml.F16, Data: wq},
	}
	b := MustWrite(t, kv, tensors)
	f := MustOpen(t, b)
	if f.Version != 3 || f.Alignment != 32 || f.DataOffset%32 != 0 {
		t.Errorf("version %d alignment %d data offset %d", f.Version, f.Alignment, f.DataOffset)
	}
	if diff := cmp.Diff(kv, f.KV, cmp.AllowUnexported(Value{}), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("metadata (-wrote +read):\n%s", diff)
	}
	for _, wt := range tensors {
		ti, ok := f.Tensor(wt.Name)
		if !ok {
			t.Fatalf("no tensor %q", wt.Name)
		}
		if data, err := f.TensorData(ti); err != nil || !bytes.Equal(data, wt.Data) {
			t.Errorf("tensor %q: %v, data %v, want %v", wt.Name, err, data, wt.Data)
		}
		if ti.Offset%32 != 0 {
			t.Errorf("tensor %q at unaligned offset %d", wt.Name, ti.Offset)
		}
	}
	if got, err := f.TensorFloat32s(&f.Tensors[1]); err != nil || !cmp.Equal(got, w) {
		t.Errorf("TensorFloat32s = %v, %v", got, err)
	}
	if again := MustWrite(t, f.KV, tensorsOf(t, f)); !bytes.Equal(again, b) {
		t.Error("write→read→write changed the bytes")
	}
}

func TestAccessors(t *testing.T) {
	f := MustOpen(t, MustWrite(t, everyType(), nil))
	if s, ok := f.String("str"); !ok || s != "héllo 世界" {
		t.Errorf("String = %q, %v", s, ok)
	}
	if u, ok := f.Uint("u16"); !ok || u != 60000 {
		t.Errorf("Uint(u16) = %d, %v", u, ok)
	}
	if u, ok := f.Uint("u64"); !ok || u != math.MaxUint64 {
		t.Errorf("Uint(u64) = %d, %v", u, ok)
	}
	if _, ok := f.Uint("i8"); ok {
		t.Error("Uint of a negative int8 succeeded")
	}
	if _, ok := f.Int("u64"); ok {
		t.Error("Int of MaxUint64 succeeded")
	}
	if i, ok := f.Int("i32"); !ok || i != -2000000000 {
		t.Errorf("Int(i32) = %d, %v", i, ok)
	}
	if x, ok := f.Float("f32"); !ok || x != 1.5 {
		t.Errorf("Float(f32) = %v, %v", x, ok)
	}
	if x, ok := f.Float("u32"); !ok || x != 4e9 {
		t.Errorf("Float(u32) = %v, %v", x, ok)
	}
	if b, ok := f.Bool("bool"); !ok || !b {
		t.Errorf("Bool = %v, %v", b, ok)
	}
	if s, ok := f.Strings("a.str"); !ok || !cmp.Equal(s, []string{"a", "", "中文"}) {
		t.Errorf("Strings = %q, %v", s, ok)
	}
	if s, ok := f.Float32s("a.f32"); !ok || !cmp.Equal(s, []float32{0.5, -0.25}) {
		t.Errorf("Float32s = %v, %v", s, ok)
	}
	if s, ok := f.Int32s("a.u16"); !ok || !cmp.Equal(s, []int32{7}) {
		t.Errorf("Int32s(a.u16) = %v, %v", s, ok)
	}
	if _, ok := f.Int32s("a.u64"); ok {
		t.Error("Int32s of 1<<40 succeeded")
	}
	if _, ok := f.String("missing"); ok {
		t.Error("String of a missing key succeeded")
	}
	if f.Architecture() != "llama" {
		t.Errorf("Architecture = %q", f.Architecture())
	}
}

func TestAlignment(t *testing.T) {
	kv := []KV{{"general.alignment", Uint32(64)}}
	tensors := []WriterTensor{
		{Name: "x", Shape: []uint64{3}, Type: ggml.F32, Data: f32bytes([]float32{1, 2, 3})},
		{Name: "y", Shape: []uint64{1}, Type: ggml.F32, Data: f32bytes([]float32{4})},
	}
	f := MustOpen(t, MustWrite(t, kv, tensors))
	if f.Alignment != 64 || f.DataOffset%64 != 0 || f.Tensors[1].Offset != 64 {
		t.Errorf("alignment %d, data at %d, second tensor at %d", f.Alignment, f.DataOffset, f.Tensors[1].Offset)
	}
	for _, bad := range []Value{Uint32(48), Uint32(0), String("32"), Uint64(64)} {
		if err := Write(&bytes.Buffer{}, []KV{{"general.alignment", bad}}, nil); tutor.ErrorCode(err) != tutor.EINVALID {
			t.Errorf("writing general.alignment %v: %v", bad, err)
		}
	}
}

func TestWriteRejects(t *testing.T) {
	ok := WriterTensor{Name: "x", Shape: []uint64{2}, Type: ggml.F32, Data: make([]byte, 8)}
	tests := []struct {
		name    string
		kv      []KV
		tensors []WriterTensor
		code    string
	}{
		{"duplicate key", []KV{{"a", Bool(true)}, {"a", Bool(false)}}, nil, tutor.EINVALID},
		{"empty key", []KV{{"", Bool(true)}}, nil, tutor.EINVALID},
		{"zero value", []KV{{"a", Value{}}}, nil, tutor.EINVALID},
		{"nested non-array", []KV{{"a", Value{typ: TypeArray, elem: TypeArray, x: []Value{Bool(true)}}}}, nil, tutor.EINVALID},
		{"duplicate tensor", nil, []WriterTensor{ok, ok}, tutor.EINVALID},
		{"short data", nil, []WriterTensor{{Name: "x", Shape: []uint64{3}, Type: ggml.F32, Data: make([]byte, 8)}}, tutor.EINVALID},
		{"long name", nil, []WriterTensor{{Name: string(make([]byte, 64)), Shape: []uint64{2}, Type: ggml.F32, Data: make([]byte, 8)}}, tutor.EINVALID},
		{"five dims", nil, []WriterTensor{{Name: "x", Shape: []uint64{1, 1, 1, 1, 1}, Type: ggml.F32, Data: make([]byte, 4)}}, tutor.EINVALID},
		{"partial block", nil, []WriterTensor{{Name: "x", Shape: []uint64{16}, Type: ggml.Q8_0, Data: make([]byte, 17)}}, tutor.EINVALID},
		{"unknown type", nil, []WriterTensor{{Name: "x", Shape: []uint64{1}, Type: 77, Data: nil}}, tutor.EUNSUPPORTED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Write(&bytes.Buffer{}, tt.kv, tt.tensors)
			if tutor.ErrorCode(err) != tt.code {
				t.Errorf("got %v, want code %s", err, tt.code)
			}
		})
	}
}

func f32bytes(x []float32) []byte {
	b, _ := ggml.Quantize(ggml.F32, x)
	return b
}

// tensorsOf reads every tensor of f for writing it again.
func tensorsOf(tb testing.TB, f *File) []WriterTensor {
	tb.Helper()
	var out []WriterTensor
	for i := range f.Tensors {
		ti := &f.Tensors[i]
		data, err := f.TensorData(ti)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, WriterTensor{Name: ti.Name, Shape: ti.Shape, Type: ti.Type, Data: data})
	}
	return out
}
