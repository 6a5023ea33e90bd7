package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"tutor/llm"
	"tutor/llm/builtin"
	"tutor/llm/ollama"
	"tutor/rag"
	"tutor/store"
)

// catalogRefresh is how often the workspace folders are looked at for new or changed models
// and adapters; the Ollama server's models are listed every ollamaRefresh.
const (
	catalogRefresh = 2 * time.Second
	ollamaRefresh  = 15 * time.Second
)

// servingCatalog keeps the catalog the serving APIs read in step with the workspace: every
// base model in the models folder, and every base with every adapter that fits it as
// "<base>:tuned-<adapter>". Built-in requests run through one bounded, fair queue.
type servingCatalog struct {
	Catalog *llm.Catalog
	Engine  *builtin.Backend
	Queue   *llm.Queue
	Ollama  *ollama.Backend // nil when no Ollama server is configured
	RAG     *rag.Index      // when set, every built-in name also has a "-rag" variant

	modelsDir, adaptersDir string
	store                  *store.Store
	log                    *slog.Logger

	mu       sync.Mutex
	bases    map[string]cachedFile[baseFile]
	adapters map[string]cachedFile[adapterFile]
	loaded   map[string]string // adapter name → stamp of the file registered with the engine
	stamp    string            // of the last scan, to skip rebuilding when nothing changed

	ollamaAt     time.Time       // when the Ollama server was last listed
	ollamaModels []llm.ModelInfo // what it listed
}

// cachedFile is a parsed header and the stamp (size, modification time) of the file it came from.
type cachedFile[T any] struct {
	stamp string
	v     T
	err   error
}

// newServingCatalog returns a catalog over the workspace folders, empty until Refresh.
func newServingCatalog(s *store.Store, engine *builtin.Backend, queue *llm.Queue, log *slog.Logger) *servingCatalog {
	return &servingCatalog{Catalog: llm.NewCatalog(), Engine: engine, Queue: queue, modelsDir: s.Path(modelsFolder),
		adaptersDir: s.Path(adaptersFolder), store: s, log: log, bases: map[string]cachedFile[baseFile]{},
		adapters: map[string]cachedFile[adapterFile]{}, loaded: map[string]string{}}
}

// startServing fills the serving catalog from the workspace and keeps it current until Close.
func (m *Main) startServing(ctx context.Context) error {
	engine := builtin.New(builtin.Options{Batch: m.Config.ServeBatch})
	queue := llm.NewQueue(engine, m.Config.ServeSlots, m.Config.ServeQueue)
	m.Serving = newServingCatalog(m.Store, engine, queue, m.Log)
	m.Serving.RAG = m.RAG
	if m.Config.OllamaURL != "" {
		b, err := ollama.New(m.Config.OllamaURL, nil)
		if err != nil {
			return err
		}
		m.Serving.Ollama = b
	}
	if err := m.Serving.Refresh(ctx); err != nil {
		m.Log.Warn("fill the model catalog", "err", err)
	}
	m.Handler.Catalog = m.Serving.Catalog
	m.Handler.Publisher = m.Serving
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	m.stopBg = cancel
	go m.Serving.Run(bg)
	return nil
}

// Run refreshes the catalog until ctx ends.
func (s *servingCatalog) Run(ctx context.Context) {
	t := time.NewTicker(catalogRefresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Refresh(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("refresh the model catalog", "err", err)
			}
		}
	}
}

// Refresh scans the folders and rebuilds the catalog when a file was added, changed or removed.
func (s *servingCatalog) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	basePaths, err := ggufFiles(s.modelsDir)
	if err != nil {
		return err
	}
	adapterPaths, err := ggufFiles(s.adaptersDir)
	if err != nil {
		return err
	}
	var stamp strings.Builder
	bad := func(path string, err error) { s.log.Warn("file in the workspace not served", "path", path, "err", err) }
	bases := scanFiles(s.bases, basePaths, readBase, &stamp, bad)
	adapters := scanFiles(s.adapters, adapterPaths, readAdapter, &stamp, bad)
	ollamaModels := s.listOllama(ctx)
	for _, o := range ollamaModels {
		fmt.Fprintf(&stamp, "ollama:%s;", o.Name)
	}
	if stamp.String() == s.stamp {
		return nil
	}
	var entries []llm.Entry
	seen := map[string]bool{}
	for _, b := range bases {
		if seen[b.Name] {
			s.log.Warn("two model files have the same name; the second is not served", "name", b.Name, "path", b.Path)
			continue
		}
		seen[b.Name] = true
		if err := s.Engine.AddModel(b.Name, b.Path); err != nil {
			return err
		}
		entries = append(entries, llm.Entry{Name: b.Name, Generator: s.Queue, Model: b.Name, Info: b.Info, Embedder: s.Engine.Embedder(b.Name)})
	}
	live := map[string]bool{}
	for _, a := range adapters {
		if live[a.Name] {
			continue // a second file of the same name
		}
		var tuned []llm.Entry
		for _, b := range bases {
			if a.fits(b) {
				info := b.Info
				info.Name = tunedName(b.Name, a.Name)
				tuned = append(tuned, llm.Entry{Name: info.Name, Generator: s.Queue, Model: b.Name, Adapter: a.Name, Info: info})
			}
		}
		if len(tuned) == 0 {
			continue
		}
		if st := s.adapters[a.Path].stamp; s.loaded[a.Name] != st {
			if err := s.Engine.LoadAdapter(a.Name, a.Path); err != nil {
				s.log.Warn("adapter not served", "path", a.Path, "err", err)
				continue
			}
			s.loaded[a.Name] = st
		}
		live[a.Name] = true
		entries = append(entries, tuned...)
	}
	if s.RAG != nil {
		for _, e := range entries {
			entries = append(entries, ragVariant(e, s.RAG))
		}
	}
	for _, o := range ollamaModels {
		if name := llm.NormalizeName(o.Name); seen[name] || seen[strings.TrimSuffix(name, ":latest")] {
			s.log.Warn("an Ollama model has the name of a workspace model; the workspace model is served", "name", o.Name)
			continue
		}
		entries = append(entries, llm.Entry{Name: o.Name, Generator: s.Ollama, Model: o.Name, Info: o, Embedder: s.Ollama.Embedder(o.Name)})
	}
	for name := range s.loaded {
		if !live[name] {
			s.Engine.RemoveAdapter(name)
			delete(s.loaded, name)
		}
	}
	s.Catalog.Replace(entries)
	s.stamp = stamp.String()
	return nil
}

// listOllama returns the Ollama server's models, listing them again when the last list is
// older than ollamaRefresh. An unreachable server keeps the last list and is logged.
func (s *servingCatalog) listOllama(ctx context.Context) []llm.ModelInfo {
	if s.Ollama == nil || time.Since(s.ollamaAt) < ollamaRefresh {
		return s.ollamaModels
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s.ollamaAt = time.Now()
	ms, err := s.Ollama.Models(ctx)
	if err != nil {
		s.log.Warn("list the Ollama server's models", "url", s.Ollama.URL, "err", err)
		return s.ollamaModels
	}
	s.ollamaModels = ms
	return ms
}

// scanFiles returns the parsed headers of paths, reading only files whose stamp changed, and
// writes every stamp to sig. Files that cannot be read are left out and reported to bad once
// per change; the cache forgets files that are gone.
func scanFiles[T any](cache map[string]cachedFile[T], paths []string, read func(string) (T, error), sig *strings.Builder,
	bad func(string, error)) []T {
	var out []T
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		stamp := fmt.Sprintf("%d/%d", st.Size(), st.ModTime().UnixNano())
		fmt.Fprintf(sig, "%s=%s;", p, stamp)
		c, ok := cache[p]
		if !ok || c.stamp != stamp {
			v, err := read(p)
			c = cachedFile[T]{stamp: stamp, v: v, err: err}
			cache[p] = c
			if err != nil {
				bad(p, err)
			}
		}
		if c.err == nil {
			out = append(out, c.v)
		}
	}
	for p := range cache {
		if !slices.Contains(paths, p) {
			delete(cache, p)
		}
	}
	return out
}
