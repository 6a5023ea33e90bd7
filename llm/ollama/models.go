package ollama

import (
	"context"

	"github.com/ollama/ollama/api"

	"tutor/llm"
)

// Models lists the server's models (/api/tags) with what /api/show says of each:
// architecture, parameter count and context length.
func (b *Backend) Models(ctx context.Context) ([]llm.ModelInfo, error) {
	list, err := b.client.List(ctx)
	if err != nil {
		return nil, b.wrap(err, "list models")
	}
	out := make([]llm.ModelInfo, 0, len(list.Models))
	for _, m := range list.Models {
		info := llm.ModelInfo{Name: m.Name, Backend: "ollama", Quantization: m.Details.QuantizationLevel, SizeBytes: m.Size, Architecture: m.Details.Family}
		show, err := b.client.Show(ctx, &api.ShowRequest{Model: m.Name})
		if err != nil {
			return nil, b.wrap(err, "show "+m.Name)
		}
		describe(&info, show)
		out = append(out, info)
	}
	return out, nil
}

// Show returns what the server says of one model.
func (b *Backend) Show(ctx context.Context, name string) (llm.ModelInfo, error) {
	show, err := b.client.Show(ctx, &api.ShowRequest{Model: name})
	if err != nil {
		return llm.ModelInfo{}, b.wrap(err, "show "+name)
	}
	info := llm.ModelInfo{Name: name, Backend: "ollama", Quantization: show.Details.QuantizationLevel, Architecture: show.Details.Family}
	describe(&info, show)
	return info, nil
}

// describe fills info from a model's GGUF metadata as /api/show reports it.
func describe(info *llm.ModelInfo, show *api.ShowResponse) {
	arch, _ := show.ModelInfo["general.architecture"].(string)
	if arch != "" {
		info.Architecture = arch
	}
	if n, ok := show.ModelInfo["general.parameter_count"].(float64); ok {
		info.Parameters = int64(n)
	}
	if n, ok := show.ModelInfo[arch+".context_length"].(float64); ok {
		info.ContextLength = int(n)
	}
}
