package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"tutor"
	"tutor/demo"
	"tutor/internal/jobs"
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
	j, err := m.Jobs.Submit(ctx, rag.JobKind, "Index documents", rag.JobParams{Reindex: *reindex}, "cli")
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
// queues their indexing; later starts (even after the documents were deleted) do nothing.
// Documents left pending by an interrupted start are queued again.
func (m *Main) loadDemoDocs(ctx context.Context) error {
	_, loaded, err := m.Store.Setting(ctx, "demo_docs_loaded")
	if err != nil {
		return err
	}
	if !loaded {
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
	_, err = m.Jobs.Submit(ctx, rag.JobKind, "Index documents", rag.JobParams{}, "system")
	return err
}

// ragIndexJob indexes pending documents (or all of them) as a resumable job: what is indexed
// stays indexed, so a resumed run continues with the documents still pending.
func ragIndexJob(m *Main) jobs.Handler {
	return jobs.Handler{Resumable: true, Run: func(ctx context.Context, job *store.Job, progress func(jobs.Progress) error) error {
		var p rag.JobParams
		if len(job.Params) > 0 {
			if err := json.Unmarshal(job.Params, &p); err != nil {
				return tutor.Wrap(err, tutor.EINVALID, "indexing job parameters")
			}
		}
		report := func(pr rag.Progress) error {
			return progress(jobs.Progress{Step: int64(pr.Done), Total: int64(pr.Total), Message: pr.Message})
		}
		run := m.RAG.IndexPending
		if p.Reindex && len(job.Checkpoint) == 0 {
			// Mark everything once; a resumed run only finishes what is still pending.
			if err := progress(jobs.Progress{Message: "marking documents for re-indexing", Checkpoint: json.RawMessage(`{"marked":true}`)}); err != nil {
				return err
			}
			run = m.RAG.Reindex
		}
		n, err := run(ctx, report)
		if err != nil {
			return err
		}
		res, _ := json.Marshal(rag.JobResult{Indexed: n, Chunks: m.RAG.Chunks()})
		return progress(jobs.Progress{Step: 1, Total: 1, Message: fmt.Sprintf("%d documents indexed", n), Log: fmt.Sprintf("indexed %d documents; %d chunks searchable", n, m.RAG.Chunks()), Result: res})
	}}
}
