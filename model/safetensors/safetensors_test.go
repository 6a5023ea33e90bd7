package safetensors

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"tutor"
)

// MustWrite returns the bytes of a safetensors file.
func MustWrite(tb testing.TB, tensors []Tensor, meta map[string]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, tensors, meta); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// MustOpen reads a safetensors file from b.
func MustOpen(tb testing.TB, b []byte) *File {
	tb.Helper()
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func mustF32(tb testing.TB, name string, dtype DType, shape []int, x []float32) Tensor {
	tb.Helper()
	t, err := F32Tensor(name, dtype, shape, x)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func sample(tb testing.TB) []Tensor {
	return []Tensor{
		mustF32(tb, "model.embed_tokens.weight", F32, []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}),
		mustF32(tb, "lm_head.weight", F16, []int{3}, []float32{0.5, -1, 2}),
		mustF32(tb, "base_model.model.layers.0.self_attn.q_proj.lora_A.weight", BF16, []int{1, 2}, []float32{0.25, -8}),
		{Name: "ids", DType: I64, Shape: []int{2}, Data: make([]byte, 16)},
		{Name: "scalar", DType: U8, Shape: nil, Data: []byte{7}},
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	tensors := sample(t)
	meta := map[string]string{"format": "pt"}
	b := MustWrite(t, tensors, meta)
	if n := binary.LittleEndian.Uint64(b); (8+n)%8 != 0 {
		t.Errorf("header of %d bytes leaves the data unaligned", n)
	}
	f := MustOpen(t, b)
	if diff := cmp.Diff(meta, f.Metadata); diff != "" {
		t.Error(diff)
	}
	var again []Tensor
	for i := range f.Tensors {
		ti := &f.Tensors[i]
		data, err := f.TensorData(ti)
		if err != nil {
			t.Fatal(err)
		}
		again = append(again, Tensor{Name: ti.Name, DType: ti.DType, Shape: ti.Shape, Data: data})
	}
	if diff := cmp.Diff(tensors, again, cmp.Comparer(func(a, b []int) bool { return len(a) == len(b) && (len(a) == 0 || cmp.Equal(a, b)) })); diff != "" {
		t.Errorf("tensors (-wrote +read):\n%s", diff)
	}
	if !bytes.Equal(MustWrite(t, again, f.Metadata), b) {
		t.Error("write→read→write changed the bytes")
	}
	for name, want := range map[string][]float32{
		"model.embed_tokens.weight": {1, 2, 3, 4, 5, 6},
		"lm_head.weight":            {0.5, -1, 2},
		"base_model.model.layers.0.self_attn.q_proj.lora_A.weight": {0.25, -8},
	} {
		ti, _ := f.Tensor(name)
		if got, err := f.Float32s(ti); err != nil || !cmp.Equal(got, want) {
			t.Errorf("%s: %v, %v", name, got, err)
		}
	}
	ti, _ := f.Tensor("ids")
	if _, err := f.Float32s(ti); tutor.ErrorCode(err) != tutor.EUNSUPPORTED {
		t.Errorf("Float32s of I64: %v", err)
	}
}

// TestReadsReferenceLayout reads a file laid out as the Python library writes it:
// __metadata__ first, tensors sorted by dtype then name, header padded with spaces.
func TestReadsReferenceLayout(t *testing.T) {
	hdr := `{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[1,2],"data_offsets":[8,12]}}`
	hdr += strings.Repeat(" ", (8-len(hdr)%8)%8)
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
	b = append(b, hdr...)
	b = append(b, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0x80, 0x3f, 0x00, 0xc0) // 1, 2 as F32; 1, -2 as BF16
	f := MustOpen(t, b)
	for name, want := range map[string][]float32{"a": {1, 2}, "b": {1, -2}} {
		ti, ok := f.Tensor(name)
		if !ok {
			t.Fatalf("no %s", name)
		}
		if got, err := f.Float32s(ti); err != nil || !cmp.Equal(got, want) {
			t.Errorf("%s = %v, %v", name, got, err)
		}
	}
}

func TestOpenRejects(t *testing.T) {
	file := func(hdr string, data int) []byte {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
		return append(append(b, hdr...), make([]byte, data)...)
	}
	tests := []struct {
		name, contains string
		b              []byte
		code           string
	}{
		{"short", "no header", []byte{1, 2}, tutor.EINVALID},
		{"huge header", "header of", binary.LittleEndian.AppendUint64(nil, 1<<40), tutor.EINVALID},
		{"header past the end", "header of", append(binary.LittleEndian.AppendUint64(nil, 100), "{}"...), tutor.EINVALID},
		{"not an object", "not a JSON object", file(`[1]`, 0), tutor.EINVALID},
		{"bad JSON", "header JSON", file(`{"a":`, 0), tutor.EINVALID},
		{"unknown dtype", "unknown dtype", file(`{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}}`, 1), tutor.EUNSUPPORTED},
		{"size mismatch", "bytes for shape", file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, 4), tutor.EINVALID},
		{"negative dim", "bad shape", file(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}`, 0), tutor.EINVALID},
		{"shape overflow", "bad shape", file(`{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, 0), tutor.EINVALID},
		{"gap", "not at", file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, 2), tutor.EINVALID},
		{"overlap", "not at", file(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}`, 3), tutor.EINVALID},
		{"past the end", "data section has", file(`{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}`, 2), tutor.EINVALID},
		{"trailing bytes", "data section has", file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, 5), tutor.EINVALID},
		{"bad offsets", "data_offsets", file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0]}}`, 1), tutor.EINVALID},
		{"bad metadata", "__metadata__", file(`{"__metadata__":{"a":1}}`, 0), tutor.EINVALID},
		{"nine dims", "dimensions", file(`{"a":{"dtype":"U8","shape":[1,1,1,1,1,1,1,1,1],"data_offsets":[0,1]}}`, 1), tutor.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(bytes.NewReader(tt.b), int64(len(tt.b)))
			if tutor.ErrorCode(err) != tt.code || err == nil || !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("got %v, want %s containing %q", err, tt.code, tt.contains)
			}
		})
	}
}

func TestWriteRejects(t *testing.T) {
	bad := [][]Tensor{
		{{Name: "", DType: F32, Shape: []int{1}, Data: make([]byte, 4)}},
		{{Name: "a", DType: F32, Shape: []int{2}, Data: make([]byte, 4)}},
		{{Name: "a", DType: "F7", Shape: []int{1}, Data: make([]byte, 4)}},
		{{Name: "a", DType: U8, Shape: []int{1}, Data: []byte{1}}, {Name: "a", DType: U8, Shape: []int{1}, Data: []byte{1}}},
	}
	for i, tensors := range bad {
		if err := Write(&bytes.Buffer{}, tensors, nil); err == nil {
			t.Errorf("case %d: no error", i)
		}
	}
}

func FuzzOpen(f *testing.F) {
	f.Add(MustWrite(f, sample(f), map[string]string{"format": "pt"}))
	f.Add(MustWrite(f, nil, nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if code := tutor.ErrorCode(err); code != tutor.EINVALID && code != tutor.EUNSUPPORTED {
				t.Fatalf("code %s: %v", code, err)
			}
			return
		}
		var tensors []Tensor
		for i := range g.Tensors {
			ti := &g.Tensors[i]
			data, err := g.TensorData(ti)
			if err != nil {
				t.Fatalf("tensor %q checked at Open but unreadable: %v", ti.Name, err)
			}
			tensors = append(tensors, Tensor{Name: ti.Name, DType: ti.DType, Shape: ti.Shape, Data: data})
		}
		var out bytes.Buffer
		if err := Write(&out, tensors, g.Metadata); err != nil {
			t.Fatalf("cannot write what was read: %v", err)
		}
		if h := MustOpen(t, out.Bytes()); len(h.Tensors) != len(g.Tensors) {
			t.Fatalf("%d tensors after rewriting, want %d", len(h.Tensors), len(g.Tensors))
		}
	})
}

func writeFile(tb testing.TB, path string, tensors []Tensor) {
	tb.Helper()
	if err := os.WriteFile(path, MustWrite(tb, tensors, map[string]string{"format": "pt"}), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func TestFolderSingle(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"model_type":"llama","hidden_size":6}`), 0o644)
	writeFile(t, filepath.Join(dir, "model.safetensors"), sample(t))
	m, err := OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var cfg struct {
		ModelType  string `json:"model_type"`
		HiddenSize int    `json:"hidden_size"`
	}
	if err := m.DecodeConfig(&cfg); err != nil || cfg.ModelType != "llama" || cfg.HiddenSize != 6 {
		t.Errorf("config %+v, %v", cfg, err)
	}
	if len(m.TensorNames()) != 5 {
		t.Errorf("names %v", m.TensorNames())
	}
	x, shape, err := m.Float32s("model.embed_tokens.weight")
	if err != nil || !cmp.Equal(shape, []int{2, 3}) || x[5] != 6 {
		t.Errorf("%v %v %v", x, shape, err)
	}
	if _, _, err := m.Float32s("nope"); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Errorf("missing tensor: %v", err)
	}
}

func TestFolderSharded(t *testing.T) {
	dir := t.TempDir()
	s := sample(t)
	writeFile(t, filepath.Join(dir, "model-00001-of-00002.safetensors"), s[:2])
	writeFile(t, filepath.Join(dir, "model-00002-of-00002.safetensors"), s[2:])
	index := `{"metadata":{"total_size":1},"weight_map":{`
	for i, tt := range s {
		file := "model-00001-of-00002.safetensors"
		if i >= 2 {
			file = "model-00002-of-00002.safetensors"
		}
		if i > 0 {
			index += ","
		}
		index += `"` + tt.Name + `":"` + file + `"`
	}
	os.WriteFile(filepath.Join(dir, "model.safetensors.index.json"), []byte(index+"}}"), 0o644)
	m, err := OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Config != nil {
		t.Error("config without config.json")
	}
	x, _, err := m.Float32s("base_model.model.layers.0.self_attn.q_proj.lora_A.weight")
	if err != nil || !cmp.Equal(x, []float32{0.25, -8}) {
		t.Errorf("%v %v", x, err)
	}

	os.WriteFile(filepath.Join(dir, "model.safetensors.index.json"), []byte(`{"weight_map":{"a":"../secret.safetensors"}}`), 0o644)
	if _, err := OpenFolder(dir); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Errorf("index reaching outside the folder: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "model.safetensors.index.json"), []byte(`{"weight_map":{"missing":"model-00001-of-00002.safetensors"}}`), 0o644)
	if _, err := OpenFolder(dir); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Errorf("index naming a missing tensor: %v", err)
	}
}

func TestFolderEmpty(t *testing.T) {
	if _, err := OpenFolder(t.TempDir()); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Errorf("empty folder: %v", err)
	}
}
