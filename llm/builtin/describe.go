package builtin

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"tutor"
	"tutor/llm"
	"tutor/model/gguf"
)

// fileTypes names general.file_type (llama_ftype) as Ollama's quantization_level does.
var fileTypes = map[uint64]string{0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1",
	10: "Q2_K", 11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
	17: "Q5_K_M", 18: "Q6_K", 32: "BF16"}

// Describe reads the header of the GGUF file at path (no weights) and returns its
// architecture, parameter count, quantization, context length and size.
func Describe(path string) (llm.ModelInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return llm.ModelInfo{}, tutor.Wrap(err, tutor.ENOTFOUND, "no model file %s", path)
	}
	info := llm.ModelInfo{Name: strings.TrimSuffix(filepath.Base(path), ".gguf"), Backend: "builtin", Path: path, SizeBytes: st.Size()}
	if st.IsDir() {
		return info, tutor.Errorf(tutor.EUNSUPPORTED, "%s is a folder, not a GGUF file", path)
	}
	f, err := gguf.OpenFile(path)
	if err != nil {
		return info, err
	}
	defer f.Close()
	info.Architecture = f.Architecture()
	if n, ok := f.Uint(info.Architecture + ".context_length"); ok && n < 1<<31 {
		info.ContextLength = int(n)
	}
	counts := map[string]int{}
	for i := range f.Tensors {
		ti := &f.Tensors[i]
		info.Parameters += int64(ti.NumElements())
		if len(ti.Shape) == 2 {
			counts[ti.Type.String()]++
		}
	}
	if ft, ok := f.Uint("general.file_type"); ok && fileTypes[ft] != "" {
		info.Quantization = fileTypes[ft]
	} else if len(counts) > 0 {
		// No file type: the type most weight matrices have.
		types := make([]string, 0, len(counts))
		for t := range counts {
			types = append(types, t)
		}
		slices.SortFunc(types, func(a, b string) int { return counts[b] - counts[a] })
		info.Quantization = types[0]
	}
	return info, nil
}

// Models lists the registered models with what their files' headers say.
func (b *Backend) Models(ctx context.Context) ([]llm.ModelInfo, error) {
	reg := b.registered()
	names := make([]string, 0, len(reg))
	for n := range reg {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]llm.ModelInfo, 0, len(names))
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		info, err := Describe(reg[n])
		if err != nil && tutor.ErrorCode(err) != tutor.EUNSUPPORTED {
			return nil, err
		}
		info.Name = n
		out = append(out, info)
	}
	return out, nil
}
