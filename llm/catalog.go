package llm

import (
	"context"
	"slices"
	"strings"
	"sync"

	"tutor"
)

// Entry is one servable model name: a base model on a backend, optionally with a LoRA adapter
// and a step that augments the messages (retrieval) before generation.
type Entry struct {
	Name      string    // public name, e.g. "demo:tuned-okr"
	Generator Generator // the backend that runs it
	Model     string    // the backend's model name
	Adapter   string    // the adapter applied per request, if any
	Info      ModelInfo
	Embedder  Embedder // optional: serves /api/embed and /v1/embeddings for this name
	// Augment, when set, rewrites the chat before generation (for example to add retrieved
	// passages). Raw requests are not augmented.
	Augment func(ctx context.Context, msgs []Message) ([]Message, error)
}

// Catalog maps public model names to entries. It is safe for concurrent use.
type Catalog struct {
	mu      sync.RWMutex
	entries map[string]Entry
}

// NewCatalog returns an empty Catalog.
func NewCatalog() *Catalog { return &Catalog{entries: map[string]Entry{}} }

// NormalizeName gives a model name the tag "latest" when it has none, as Ollama does.
func NormalizeName(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	if i := strings.LastIndex(name, ":"); i < 0 || strings.Contains(name[i:], "/") {
		return name + ":latest"
	}
	return name
}

// Set adds or replaces an entry under its normalised name.
func (c *Catalog) Set(e Entry) {
	e.Name = NormalizeName(e.Name)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[e.Name] = e
}

// Replace swaps in entries as the whole catalog at once, so readers never see it half built.
func (c *Catalog) Replace(entries []Entry) {
	m := make(map[string]Entry, len(entries))
	for _, e := range entries {
		e.Name = NormalizeName(e.Name)
		m[e.Name] = e
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = m
}

// Remove deletes the entry called name, if any.
func (c *Catalog) Remove(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, NormalizeName(name))
}

// Get returns the entry called name, or an ENOTFOUND error.
func (c *Catalog) Get(name string) (Entry, error) {
	n := NormalizeName(name)
	if n == "" {
		return Entry{}, tutor.Errorf(tutor.EINVALID, "model is required")
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[n]
	if !ok {
		return Entry{}, tutor.Errorf(tutor.ENOTFOUND, "model %q not found", name)
	}
	return e, nil
}

// List returns every entry, sorted by name.
func (c *Catalog) List() []Entry {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]Entry, 0, len(c.entries))
	for _, e := range c.entries {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Generate runs a request against the entry: it sets the backend model and adapter, applies
// Augment to the messages, and calls the entry's Generator.
func (e Entry) Generate(ctx context.Context, req Request, stream StreamFunc) (Response, error) {
	req.Model, req.Adapter = e.Model, e.Adapter
	if e.Augment != nil && !req.Raw {
		msgs, err := e.Augment(ctx, req.Messages)
		if err != nil {
			return Response{}, err
		}
		req.Messages = msgs
	}
	return e.Generator.Generate(ctx, req, stream)
}
