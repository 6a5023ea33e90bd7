package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"tutor/llm"
	"tutor/llm/builtin"
	"tutor/model/gguf"
)

// Workspace folders the catalog reads: base models as GGUF files, and LoRA adapters as GGUF
// files written by the trainer (adapters/<name>.gguf).
const (
	modelsFolder   = "models"
	adaptersFolder = "adapters"
)

// baseFile is a GGUF base model found in the workspace, with the shapes of its weight
// matrices so adapters can be matched to it without loading it.
type baseFile struct {
	Name   string // catalog name, without tag
	Path   string
	Info   llm.ModelInfo
	shapes map[string][]uint64 // tensor name → GGUF shape
}

// adapterFile is a GGUF LoRA adapter found in the workspace.
type adapterFile struct {
	Name  string
	Path  string
	Arch  string
	pairs map[string][2][]uint64 // base tensor name → shapes of lora_a and lora_b
}

// ggufFiles lists the *.gguf files in dir and its direct subfolders (as the Models page
// does), sorted; a missing folder has none.
func ggufFiles(dir string) ([]string, error) {
	var out []string
	for _, pattern := range []string{"*.gguf", filepath.Join("*", "*.gguf")} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return nil, err
		}
		for _, p := range m {
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && !strings.HasPrefix(filepath.Base(p), ".") {
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// modelName turns a file name into a model name Ollama's clients accept: lower case
// letters, digits, '.', '_' and '-'.
func modelName(path string) string {
	stem := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	var b strings.Builder
	for _, r := range strings.ToLower(stem) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-.")
}

// readBase reads the header of a GGUF base model.
func readBase(path string) (baseFile, error) {
	f, err := gguf.OpenFile(path)
	if err != nil {
		return baseFile{}, err
	}
	defer f.Close()
	if typ, _ := f.String("general.type"); typ == "adapter" {
		return baseFile{}, fmt.Errorf("%s is a LoRA adapter, not a model", path)
	}
	info, err := builtin.Describe(path)
	if err != nil {
		return baseFile{}, err
	}
	b := baseFile{Name: modelName(path), Path: path, Info: info, shapes: map[string][]uint64{}}
	b.Info.Name = b.Name
	for _, t := range f.Tensors {
		b.shapes[t.Name] = t.Shape
	}
	return b, nil
}

// readAdapter reads the header of a GGUF LoRA adapter.
func readAdapter(path string) (adapterFile, error) {
	f, err := gguf.OpenFile(path)
	if err != nil {
		return adapterFile{}, err
	}
	defer f.Close()
	if typ, _ := f.String("general.type"); typ != "adapter" {
		return adapterFile{}, fmt.Errorf("%s: general.type is %q, not adapter", path, typ)
	}
	a := adapterFile{Name: modelName(path), Path: path, Arch: f.Architecture(), pairs: map[string][2][]uint64{}}
	for _, t := range f.Tensors {
		base, side, ok := strings.Cut(t.Name, ".lora_")
		if !ok || (side != "a" && side != "b") {
			return adapterFile{}, fmt.Errorf("%s: tensor %q is not a lora_a or lora_b", path, t.Name)
		}
		p := a.pairs[base]
		p[map[string]int{"a": 0, "b": 1}[side]] = t.Shape
		a.pairs[base] = p
	}
	if len(a.pairs) == 0 {
		return adapterFile{}, fmt.Errorf("%s: no LoRA tensors", path)
	}
	return a, nil
}

// fits reports whether adapter a was made for base b: same architecture, and every LoRA pair
// (lora_a [in, r], lora_b [r, out]) matches a weight matrix [in, out] of the base.
func (a adapterFile) fits(b baseFile) bool {
	if a.Arch != "" && a.Arch != b.Info.Architecture {
		return false
	}
	for name, p := range a.pairs {
		w, ok := b.shapes[name]
		if !ok && name == "output.weight" {
			w, ok = b.shapes["token_embd.weight"] // tied output embedding
		}
		la, lb := p[0], p[1]
		if !ok || len(w) != 2 || len(la) != 2 || len(lb) != 2 || la[1] != lb[0] || la[0] != w[0] || lb[1] != w[1] {
			return false
		}
	}
	return true
}

// tunedName is the catalog name of base b with adapter a, e.g. "demo:tuned-okr".
func tunedName(base, adapter string) string { return base + ":tuned-" + adapter }
