package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"tutor"
	"tutor/demo"
	"tutor/handlers"
	"tutor/llm"
	"tutor/rag"
	"tutor/store"
)

func ingestCommand() command {
	return command{Name: "ingest", Summary: "add documents (files, folders, zip archives) to the workspace and index them", Run: ingestRun}
}

// ingestRun handles `tutor ingest PATH...`: every file is parsed and stored (folders are
// walked), then one indexing job runs with a progress bar. A file that cannot be read is
// reported and the others go on; the exit status says whether all succeeded.
func ingestRun(ctx context.Context, env *Env, args []string) error {
	fs := env.FlagSet("ingest")
	reindex := fs.Bool("reindex", false, "re-chunk and re-embed every document of the workspace")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: tutor ingest [flags] PATH...   (.txt .md .html .pdf .docx .zip; folders are walked)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 && !*reindex {
		fs.Usage()
		return tutor.Errorf(tutor.EINVALID, "name at least one file or folder to ingest")
	}
	m := NewMain(env.Config, env.Stderr)
	defer m.Close()
	if err := m.Open(ctx); err != nil {
		return err
	}
	if err := m.Jobs.Start(ctx); err != nil {
		return err
	}
	failed := 0
	for _, p := range fs.Args() {
		failed += ingestPath(ctx, env, m.RAG, p)
	}
	j, err := m.Jobs.Submit(ctx, handlers.IndexJobKind, "Index documents", handlers.IndexParams{All: *reindex}, "cli")
	if err != nil {
		return err
	}
	if _, err := m.Jobs.Follow(ctx, j.ID, env.Stdout); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%d chunks searchable with %s\n", m.RAG.Chunks(), m.RAG.Embedder().Name())
	if failed > 0 {
		return tutor.Errorf(tutor.EINVALID, "%d files could not be ingested", failed)
	}
	return nil
}

// ingestPath adds a file or every readable file under a folder, printing one line per
// document; it returns how many files failed.
func ingestPath(ctx context.Context, env *Env, ix *rag.Index, p string) int {
	info, err := os.Stat(p)
	if err != nil {
		fmt.Fprintf(env.Stdout, "%s: %v\n", p, err)
		return 1
	}
	if info.IsDir() {
		docs, err := ix.AddFS(ctx, os.DirFS(p), "cli")
		printAdded(env, docs)
		if err != nil {
			fmt.Fprintf(env.Stdout, "%s: %v\n", p, tutorMessage(err))
			return 1
		}
		return 0
	}
	f, err := os.Open(p)
	if err != nil {
		fmt.Fprintf(env.Stdout, "%s: %v\n", p, err)
		return 1
	}
	defer f.Close()
	docs, err := ix.Add(ctx, filepath.Base(p), f, info.Size(), "cli")
	printAdded(env, docs)
	if err != nil {
		fmt.Fprintf(env.Stdout, "%s: %v\n", p, tutorMessage(err))
		return 1
	}
	return 0
}

func printAdded(env *Env, docs []rag.Document) {
	for _, d := range docs {
		note := "added"
		if d.Duplicate {
			note = "already stored as document " + fmt.Sprint(d.ID)
		}
		fmt.Fprintf(env.Stdout, "%-40s %-5s %8d chars  %s\n", d.Name, d.Format, d.Chars, note)
	}
}

// tutorMessage is the user-facing message of a coded error.
func tutorMessage(err error) string {
	if e, ok := err.(*tutor.Error); ok {
		return e.Message
	}
	return err.Error()
}

// openRAG opens the workspace's document index with the configured embedder: Ollama's
// /api/embed when an embedding model is set, the built-in embedder otherwise.
func (m *Main) openRAG(ctx context.Context) error {
	var emb llm.Embedder
	if m.Config.EmbedModel != "" {
		if m.Config.OllamaURL == "" {
			return tutor.Errorf(tutor.EINVALID, "an embedding model (%s) needs an Ollama server: set TUTOR_OLLAMA_URL", m.Config.EmbedModel)
		}
		o, err := rag.NewOllamaEmbedder(m.Config.OllamaURL, m.Config.EmbedModel)
		if err != nil {
			return err
		}
		emb = o
	}
	ix, err := rag.Open(ctx, m.Store, rag.Config{Embedder: emb})
	if err != nil {
		return err
	}
	m.RAG = ix
	return nil
}

// loadDemoDocs adds the demo company's documents to a workspace on its first start (see
// [Main.addDemoDocs]) and queues their indexing. Documents left pending by an interrupted
// start are queued again.
func (m *Main) loadDemoDocs(ctx context.Context) error {
	if err := m.addDemoDocs(ctx); err != nil {
		return err
	}
	_, err := m.queueIndexing(ctx, "system")
	return err
}

// indexDemoDocs is loadDemoDocs for a command that needs the documents searchable before it
// goes on: it follows their indexing to its end, with a progress bar on w.
func (m *Main) indexDemoDocs(ctx context.Context, w io.Writer) error {
	if err := m.addDemoDocs(ctx); err != nil {
		return err
	}
	j, err := m.queueIndexing(ctx, "cli")
	if err != nil || j == nil {
		return err
	}
	_, err = m.Jobs.Follow(ctx, j.ID, w)
	return err
}

// addDemoDocs adds the demo company's documents to a workspace that never had them (unless
// Config.DemoDocs is off); later, even after the documents were deleted, it does not add them
// again.
func (m *Main) addDemoDocs(ctx context.Context) error {
	_, loaded, err := m.Store.Setting(ctx, "demo_docs_loaded")
	if err != nil || loaded || !m.Config.DemoDocs {
		return err
	}
	docs, err := m.RAG.AddFS(ctx, demo.Docs, "demo")
	if err != nil {
		return err
	}
	if err := m.Store.SetSetting(ctx, "demo_docs_loaded", "1"); err != nil {
		return err
	}
	m.Log.Info("added the demo company's documents", "count", len(docs))
	return nil
}

// queueIndexing submits an indexing job when documents are waiting to be indexed; it returns
// nil when none are.
func (m *Main) queueIndexing(ctx context.Context, by string) (*store.Job, error) {
	if n, err := m.RAG.Pending(ctx); err != nil || n == 0 {
		return nil, err
	}
	return m.Jobs.Submit(ctx, handlers.IndexJobKind, "Index documents", handlers.IndexParams{}, by)
}
