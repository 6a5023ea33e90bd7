package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"tutor"
	"tutor/demo"
	"tutor/handlers"
	"tutor/llm"
	"tutor/rag"
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

// loadDemoDocs adds the demo company's documents to a workspace on its first start and
// queues their indexing (unless Config.DemoDocs is off); later starts, even after the
// documents were deleted, do not add them again.
// Documents left pending by an interrupted start are queued again.
func (m *Main) loadDemoDocs(ctx context.Context) error {
	_, loaded, err := m.Store.Setting(ctx, "demo_docs_loaded")
	if err != nil {
		return err
	}
	if !loaded && m.Config.DemoDocs {
		docs, err := m.RAG.AddFS(ctx, demo.Docs, "demo")
		if err != nil {
			return err
		}
		if err := m.Store.SetSetting(ctx, "demo_docs_loaded", "1"); err != nil {
			return err
		}
		m.Log.Info("added the demo company's documents", "count", len(docs))
	}
	if n, err := m.RAG.Pending(ctx); err != nil || n == 0 {
		return err
	}
	_, err = m.Jobs.Submit(ctx, handlers.IndexJobKind, "Index documents", handlers.IndexParams{}, "system")
	return err
}
