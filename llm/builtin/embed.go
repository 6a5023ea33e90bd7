package builtin

import (
	"context"
	"strings"

	"tutor"
	"tutor/llm"
)

// Embedder embeds texts with one of the backend's models: the mean of its final hidden
// states, L2-normalised. A generative model's vectors are a modest retrieval signal; a
// dedicated embedding model (through Ollama) is better where one is available.
type Embedder struct {
	b     *Backend
	model string
}

var _ llm.Embedder = (*Embedder)(nil)

// Embedder returns an embedder over the model called name.
func (b *Backend) Embedder(name string) *Embedder { return &Embedder{b: b, model: name} }

// Name identifies the embedder and its model.
func (e *Embedder) Name() string { return "builtin:" + e.model }

// Embed returns one vector per text; text longer than the model's context keeps its start.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	lm, err := e.b.load(ctx, e.model)
	if err != nil {
		return nil, err
	}
	m := lm.m
	out := make([][]float32, len(texts))
	for i, text := range texts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ids := m.Tokenizer.Tokenize(text, true, false)
		if strings.TrimSpace(text) == "" || len(ids) == 0 {
			return nil, tutor.Errorf(tutor.EINVALID, "text %d is empty", i+1)
		}
		ids = ids[:min(len(ids), m.Config.ContextLength)]
		if out[i], err = m.Embed(ids, lm.adapter); err != nil {
			return nil, err
		}
	}
	return out, nil
}
