package ollama

import (
	"context"
	"math"

	"github.com/ollama/ollama/api"

	"tutor"
	"tutor/llm"
)

// Embedder embeds texts with an Ollama embedding model through /api/embed, in batches.
type Embedder struct {
	b     *Backend
	model string
	batch int
}

var _ llm.Embedder = (*Embedder)(nil)

// Embedder returns an embedder over the Ollama model called name.
func (b *Backend) Embedder(name string) *Embedder { return &Embedder{b: b, model: name, batch: 32} }

// Name identifies the embedder and its model.
func (e *Embedder) Name() string { return "ollama:" + e.model }

// Embed returns one L2-normalised vector per text.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for lo := 0; lo < len(texts); lo += e.batch {
		hi := min(lo+e.batch, len(texts))
		res, err := e.b.client.Embed(ctx, &api.EmbedRequest{Model: e.model, Input: texts[lo:hi]})
		if err != nil {
			return nil, e.b.wrap(err, "embed with "+e.model)
		}
		if len(res.Embeddings) != hi-lo {
			return nil, tutor.Errorf(tutor.EINTERNAL, "ollama embed: %d vectors for %d texts", len(res.Embeddings), hi-lo)
		}
		for _, v := range res.Embeddings {
			out = append(out, normalize(v))
		}
	}
	return out, nil
}

// normalize scales v to unit length in place.
func normalize(v []float32) []float32 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s > 0 {
		inv := float32(1 / math.Sqrt(s))
		for i := range v {
			v[i] *= inv
		}
	}
	return v
}
