package rag

import (
	"context"
	"net/http"
	"net/url"

	"github.com/ollama/ollama/api"

	"tutor"
)

// OllamaEmbedder embeds through a running Ollama's /api/embed.
type OllamaEmbedder struct {
	Client *api.Client
	Model  string
	Batch  int // texts per request; 0: 32
}

// NewOllamaEmbedder returns an embedder for model on the Ollama server at baseURL.
func NewOllamaEmbedder(baseURL, model string) (*OllamaEmbedder, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return nil, tutor.Errorf(tutor.EINVALID, "Ollama URL %q is not a valid URL", baseURL)
	}
	if model == "" {
		return nil, tutor.Errorf(tutor.EINVALID, "no embedding model given")
	}
	return &OllamaEmbedder{Client: api.NewClient(u, http.DefaultClient), Model: model}, nil
}

// Name identifies the embedder and its model.
func (o *OllamaEmbedder) Name() string { return "ollama:" + o.Model }

// Embed returns one vector per text, as Ollama returns them (L2-normalised).
func (o *OllamaEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	batch := o.Batch
	if batch <= 0 {
		batch = 32
	}
	out := make([][]float32, 0, len(texts))
	for i := 0; i < len(texts); i += batch {
		part := texts[i:min(i+batch, len(texts))]
		res, err := o.Client.Embed(ctx, &api.EmbedRequest{Model: o.Model, Input: part})
		if err != nil {
			return nil, tutor.Wrap(err, tutor.EUNAVAILABLE, "embed with Ollama model %q", o.Model)
		}
		if len(res.Embeddings) != len(part) {
			return nil, tutor.Errorf(tutor.EUNAVAILABLE, "Ollama returned %d embeddings for %d texts", len(res.Embeddings), len(part))
		}
		for _, e := range res.Embeddings {
			if len(e) == 0 {
				return nil, tutor.Errorf(tutor.EUNAVAILABLE, "Ollama model %q returned an empty embedding", o.Model)
			}
			normalize(e)
			out = append(out, e)
		}
	}
	return out, nil
}
