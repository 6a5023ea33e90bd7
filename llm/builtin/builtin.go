// Package builtin is the in-process llm backend: it runs GGUF (and safetensors) models with
// package model, one shared copy of each base, and applies any registered LoRA adapter per request.
package builtin

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"tutor"
	"tutor/llm"
	"tutor/model"
	"tutor/model/chat"
	"tutor/model/ollamastore"
)

// Options configure a [Backend].
type Options struct {
	// OllamaModels is an Ollama models folder; model names that are neither registered nor
	// files are looked up there. "" leaves Ollama's store out.
	OllamaModels string
	// MaxLoaded is how many bases stay in memory; the least recently used is dropped first
	// (generations still running keep theirs). 0 means 2.
	MaxLoaded int
	// DefaultNumCtx is the context window when a request sets none; 0 means 2048, as Ollama.
	DefaultNumCtx int
	// Batch lets the generations running on one base at the same time share each decoding
	// step (a [model.Batcher] per base): the same text, with each weight matrix read once
	// per step for all of them instead of once per generation. Off by default: where it was
	// measured (BenchmarkServingDecode), the arithmetic per token, which sharing does not
	// reduce, bounded decoding, and sharing did not raise throughput reliably.
	Batch bool
}

// Backend runs models in-process. It is safe for concurrent use: bases are read-only and
// every generation has its own cache.
type Backend struct {
	opts Options

	mu       sync.Mutex
	names    map[string]string          // registered model name → file or folder
	adapters map[string]*model.Adapter  // registered adapter name → adapter
	loaded   map[string]*loadedModel    // file → base, once loaded
	loading  map[string]*sync.WaitGroup // file → load in progress
	clock    int64
}

// loadedModel is a base in memory with what requests need besides the weights.
type loadedModel struct {
	m        *model.Model
	template chat.Template
	adapter  *model.Adapter // applied when a request names none (Ollama models with an adapter layer)
	batch    *model.Batcher // shares decoding steps between its generations; nil unless Options.Batch
	used     int64
}

var (
	_ llm.Generator = (*Backend)(nil)
	_ llm.Lister    = (*Backend)(nil)
)

// New returns a Backend with no registered models.
func New(o Options) *Backend {
	if o.MaxLoaded <= 0 {
		o.MaxLoaded = 2
	}
	if o.DefaultNumCtx <= 0 {
		o.DefaultNumCtx = 2048
	}
	return &Backend{opts: o, names: map[string]string{}, adapters: map[string]*model.Adapter{},
		loaded: map[string]*loadedModel{}, loading: map[string]*sync.WaitGroup{}}
}

// AddModel registers name for the GGUF file or safetensors folder at path. The file is read
// on first use.
func (b *Backend) AddModel(name, path string) error {
	if strings.TrimSpace(name) == "" {
		return tutor.Errorf(tutor.EINVALID, "model name is required")
	}
	if _, err := os.Stat(path); err != nil {
		return tutor.Wrap(err, tutor.ENOTFOUND, "model %s: no file %s", name, path)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.names[name] = path
	return nil
}

// AddAdapter registers a in memory under name, for requests whose Adapter is name.
func (b *Backend) AddAdapter(name string, a *model.Adapter) error {
	if strings.TrimSpace(name) == "" || a == nil {
		return tutor.Errorf(tutor.EINVALID, "adapter name and adapter are required")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.adapters[name] = a
	return nil
}

// LoadAdapter reads the GGUF LoRA adapter at path and registers it under name.
func (b *Backend) LoadAdapter(name, path string) error {
	a, err := model.ReadAdapter(path)
	if err != nil {
		return err
	}
	return b.AddAdapter(name, a)
}

// RemoveAdapter forgets the adapter called name.
func (b *Backend) RemoveAdapter(name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.adapters, name)
}

// Adapter returns the adapter registered as name, or an ENOTFOUND error.
func (b *Backend) Adapter(name string) (*model.Adapter, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, ok := b.adapters[name]
	if !ok {
		return nil, tutor.Errorf(tutor.ENOTFOUND, "adapter %q is not registered with the built-in engine", name)
	}
	return a, nil
}

// Model returns the loaded base called name: a registered name, a GGUF file or safetensors
// folder path, or a model in the Ollama store. Concurrent callers share one load.
func (b *Backend) Model(ctx context.Context, name string) (*model.Model, error) {
	lm, err := b.load(ctx, name)
	if err != nil {
		return nil, err
	}
	return lm.m, nil
}

// resolve finds the file behind name and, for Ollama models, their adapter files.
func (b *Backend) resolve(name string) (path string, adapters []string, err error) {
	if name == "" {
		return "", nil, tutor.Errorf(tutor.EINVALID, "model is required")
	}
	b.mu.Lock()
	p, ok := b.names[name]
	b.mu.Unlock()
	if ok {
		return p, nil, nil
	}
	if _, err := os.Stat(name); err == nil {
		abs, err := filepath.Abs(name)
		return abs, nil, err
	}
	if b.opts.OllamaModels != "" {
		st, err := ollamastore.Open(b.opts.OllamaModels)
		if err != nil {
			return "", nil, err
		}
		m, err := st.Resolve(name)
		if err == nil {
			if p, err = m.ModelPath(); err != nil {
				return "", nil, err
			}
			adapters, err = m.AdapterPaths()
			return p, adapters, err
		}
		if tutor.ErrorCode(err) != tutor.ENOTFOUND && tutor.ErrorCode(err) != tutor.EINVALID {
			return "", nil, err
		}
	}
	return "", nil, tutor.Errorf(tutor.ENOTFOUND, "model %q not found: not registered, not a file, not in the Ollama store", name)
}

// load returns the base behind name, reading it once.
func (b *Backend) load(ctx context.Context, name string) (*loadedModel, error) {
	path, adapterPaths, err := b.resolve(name)
	if err != nil {
		return nil, err
	}
	for {
		b.mu.Lock()
		if lm, ok := b.loaded[path]; ok {
			b.clock++
			lm.used = b.clock
			b.mu.Unlock()
			return lm, nil
		}
		wg, busy := b.loading[path]
		if !busy {
			wg = &sync.WaitGroup{}
			wg.Add(1)
			b.loading[path] = wg
			b.mu.Unlock()
			break
		}
		b.mu.Unlock()
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	lm, err := readModel(path, adapterPaths)
	if err == nil && b.opts.Batch {
		lm.batch = model.NewBatcher(lm.m)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	wg := b.loading[path]
	delete(b.loading, path)
	wg.Done()
	if err != nil {
		return nil, err
	}
	b.clock++
	lm.used = b.clock
	b.loaded[path] = lm
	for len(b.loaded) > b.opts.MaxLoaded {
		oldest := ""
		for p, x := range b.loaded {
			if oldest == "" || x.used < b.loaded[oldest].used {
				oldest = p
			}
		}
		delete(b.loaded, oldest)
	}
	return lm, nil
}

// readModel loads a base, its chat template and the adapters Ollama lists with it.
func readModel(path string, adapterPaths []string) (*loadedModel, error) {
	m, err := model.Load(path)
	if err != nil {
		return nil, err
	}
	lm := &loadedModel{m: m, template: chat.Detect(m.Template, m.Config.Arch, func(s string) bool {
		_, ok := m.Tokenizer.TokenID(s)
		return ok
	})}
	switch len(adapterPaths) {
	case 0:
	case 1:
		if lm.adapter, err = model.ReadAdapter(adapterPaths[0]); err != nil {
			return nil, err
		}
		if err := lm.adapter.Check(m); err != nil {
			return nil, err
		}
	default:
		return nil, tutor.Errorf(tutor.EUNSUPPORTED, "%s: %d adapters; the built-in engine applies one per request", path, len(adapterPaths))
	}
	return lm, nil
}

// BatchStats sums the decoding steps shared by the generations on the loaded bases.
func (b *Backend) BatchStats() model.BatchStats {
	b.mu.Lock()
	defer b.mu.Unlock()
	var st model.BatchStats
	for _, lm := range b.loaded {
		if lm.batch != nil {
			x := lm.batch.Stats()
			st.Steps += x.Steps
			st.Tokens += x.Tokens
		}
	}
	return st
}

// Unload drops every loaded base from memory.
func (b *Backend) Unload() {
	b.mu.Lock()
	defer b.mu.Unlock()
	clear(b.loaded)
}

// registered returns the registered model names, sorted.
func (b *Backend) registered() map[string]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[string]string, len(b.names))
	for k, v := range b.names {
		out[k] = v
	}
	return out
}

// AdapterNames returns the registered adapter names, sorted.
func (b *Backend) AdapterNames() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]string, 0, len(b.adapters))
	for k := range b.adapters {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
