package model

import (
	"os"
	"sort"
	"strings"

	"tutor"
	"tutor/model/ggml"
	"tutor/model/gguf"
)

// MaxAdapterRank bounds the rank of a LoRA read from a file.
const MaxAdapterRank = 4096

// ReadAdapter reads a GGUF LoRA adapter as llama.cpp and Ollama load it:
// general.type=adapter, adapter.type=lora, optional adapter.lora.alpha, and tensor pairs
// `<base>.lora_a` [in, r] and `<base>.lora_b` [r, out] in F32, F16 or BF16.
func ReadAdapter(path string) (*Adapter, error) {
	f, err := gguf.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return AdapterFromGGUF(f)
}

// AdapterFromGGUF reads an adapter from an open GGUF file.
func AdapterFromGGUF(f *gguf.File) (*Adapter, error) {
	if typ, _ := f.String("general.type"); typ != "adapter" {
		return nil, tutor.Errorf(tutor.EINVALID, "adapter: general.type is %q, want \"adapter\"", typ)
	}
	if typ, _ := f.String("adapter.type"); typ != "lora" {
		return nil, tutor.Errorf(tutor.EUNSUPPORTED, "adapter: adapter.type is %q, want \"lora\"", typ)
	}
	a := &Adapter{Arch: f.Architecture(), Tensors: map[string]LoRA{}}
	if alpha, ok := f.Float("adapter.lora.alpha"); ok {
		a.Alpha = float32(alpha)
	}
	pairs := map[string][2]*gguf.TensorInfo{}
	for i := range f.Tensors {
		ti := &f.Tensors[i]
		base, side, ok := strings.Cut(ti.Name, ".lora_")
		if !ok || (side != "a" && side != "b") || strings.Contains(base+side, ".lora_") {
			return nil, tutor.Errorf(tutor.EINVALID, "adapter: tensor %q is not a lora_a or lora_b", ti.Name)
		}
		p := pairs[base]
		p[map[string]int{"a": 0, "b": 1}[side]] = ti
		pairs[base] = p
	}
	names := make([]string, 0, len(pairs))
	for name := range pairs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ta, tb := pairs[name][0], pairs[name][1]
		if ta == nil || tb == nil {
			return nil, tutor.Errorf(tutor.EINVALID, "adapter: %s has only one of lora_a and lora_b", name)
		}
		if len(ta.Shape) != 2 || len(tb.Shape) != 2 || ta.Shape[1] != tb.Shape[0] {
			return nil, tutor.Errorf(tutor.EINVALID, "adapter: %s: lora_a %v and lora_b %v do not share a rank", name, ta.Shape, tb.Shape)
		}
		r := ta.Shape[1]
		if r == 0 || r > MaxAdapterRank {
			return nil, tutor.Errorf(tutor.EINVALID, "adapter: %s: rank %d out of range", name, r)
		}
		var lo LoRA
		for _, x := range []struct {
			ti  *gguf.TensorInfo
			dst *[]float32
		}{{ta, &lo.A}, {tb, &lo.B}} {
			if x.ti.Type != ggml.F32 && x.ti.Type != ggml.F16 && x.ti.Type != ggml.BF16 {
				return nil, tutor.Errorf(tutor.EUNSUPPORTED, "adapter: %s: type %s, want F32, F16 or BF16", x.ti.Name, x.ti.Type)
			}
			v, err := f.TensorFloat32s(x.ti)
			if err != nil {
				return nil, err
			}
			*x.dst = v
		}
		a.Tensors[name] = lo
		a.Rank = max(a.Rank, int(r))
	}
	if len(a.Tensors) == 0 {
		return nil, tutor.Errorf(tutor.EINVALID, "adapter: no lora tensors")
	}
	return a, nil
}

// WriteAdapter writes a as a GGUF LoRA adapter for a base model of architecture arch, in
// F32, loadable by Ollama (`ADAPTER` in a Modelfile or /api/create) and llama.cpp.
// The file is written to a temporary name and renamed, so a failure leaves no partial file.
func WriteAdapter(path string, a *Adapter, arch string) error {
	if arch == "" {
		arch = a.Arch
	}
	if arch == "" {
		return tutor.Errorf(tutor.EINVALID, "adapter: base architecture unknown")
	}
	kv := []gguf.KV{
		{Key: "general.architecture", Value: gguf.String(arch)},
		{Key: "general.type", Value: gguf.String("adapter")},
		{Key: "adapter.type", Value: gguf.String("lora")},
		{Key: "adapter.lora.alpha", Value: gguf.Float32(a.Alpha)},
	}
	var tensors []gguf.WriterTensor
	for _, name := range a.Names() {
		lo := a.Tensors[name]
		r := a.Rank
		if r <= 0 || len(lo.A)%r != 0 || len(lo.B)%r != 0 {
			return tutor.Errorf(tutor.EINVALID, "adapter: %s: %d and %d values do not fit rank %d", name, len(lo.A), len(lo.B), r)
		}
		in, out := len(lo.A)/r, len(lo.B)/r
		tensors = append(tensors,
			gguf.WriterTensor{Name: name + ".lora_a", Shape: []uint64{uint64(in), uint64(r)}, Type: ggml.F32, Data: f32Bytes(lo.A)},
			gguf.WriterTensor{Name: name + ".lora_b", Shape: []uint64{uint64(r), uint64(out)}, Type: ggml.F32, Data: f32Bytes(lo.B)})
	}
	return writeFile(path, func(fh *os.File) error { return gguf.Write(fh, kv, tensors) })
}

// writeFile writes path through a temporary file renamed into place.
func writeFile(path string, write func(*os.File) error) error {
	fh, err := os.CreateTemp(dirOf(path), ".tmp-*")
	if err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "create %s", path)
	}
	defer os.Remove(fh.Name())
	if err := write(fh); err != nil {
		fh.Close()
		return err
	}
	if err := fh.Close(); err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "write %s", path)
	}
	if err := os.Rename(fh.Name(), path); err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "rename to %s", path)
	}
	return nil
}
