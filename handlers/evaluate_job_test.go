package handlers

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tutor/eval"
	"tutor/internal/jobs"
	"tutor/llm/builtin"
	"tutor/model/testmodel"
	"tutor/rag"
	"tutor/store"
)

const travelSuite = `{"id":"hotel","question":"How much is a hotel room reimbursed?","reference":"Up to RMB 600 per night.","category":"fact","source":"travel.md","language":"en"}
`

// TestEvalJobNeedsAnIndexedIndex: an evaluation with a +rag variant fails at once, saying why
// and what to do, while the document index is empty or still indexing, instead of measuring
// answers given without passages; one without retrieval runs over an empty index.
func TestEvalJobNeedsAnIndexedIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := rag.Open(ctx, s, rag.Config{})
	if err != nil {
		t.Fatal(err)
	}
	r := jobs.New(s, slog.New(slog.DiscardHandler), 0)
	r.Register(EvalJobKind, EvalJob(EvalDeps{Store: s, RAG: ix, Builtin: builtin.New(builtin.Options{})}))
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.Shutdown(ctx)
		s.Close()
	})
	model, suite := filepath.Join(dir, "tiny.gguf"), filepath.Join(dir, "travel.jsonl")
	if err := testmodel.Write(model, testmodel.Options{Arch: "qwen2", Seed: 3}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(suite, []byte(travelSuite), 0o644)
	evaluate := func(variants ...string) (*store.Job, error) {
		t.Helper()
		j, err := r.Submit(ctx, EvalJobKind, "Evaluate", eval.Request{Suite: suite, Variants: variants, Model: model, MaxTokens: 4}, "test")
		if err != nil {
			t.Fatal(err)
		}
		return r.Follow(ctx, j.ID, io.Discard)
	}

	if _, err := evaluate("base"); err != nil {
		t.Fatalf("without retrieval over an empty index: %v", err)
	}
	j, err := evaluate("base", "base+rag")
	if err == nil || j.State != store.JobFailed || !strings.Contains(j.Error, "the document index is empty") || !strings.Contains(j.Error, "tutor ingest PATH") {
		t.Fatalf("+rag over an empty index: %v", err)
	}
	doc := "# Travel\n\n## Hotels\n\nHotel rooms are reimbursed up to RMB 600 per night.\n"
	if _, err := ix.Add(ctx, "travel.md", strings.NewReader(doc), int64(len(doc)), "test"); err != nil {
		t.Fatal(err)
	}
	j, err = evaluate("base+rag")
	if err == nil || j.State != store.JobFailed || !strings.Contains(j.Error, "1 document is still being indexed") {
		t.Fatalf("+rag while a document is pending: %v", err)
	}
	if _, err := ix.IndexPending(ctx, nil); err != nil {
		t.Fatal(err)
	}
	j, err = evaluate("base+rag")
	if err != nil {
		t.Fatalf("+rag over an indexed document: %v", err)
	}
	var res EvalResult
	json.Unmarshal(j.Result, &res)
	results, err := eval.NewDB(s.DB()).RunResults(res.RunID).Results(ctx)
	if err != nil || len(results) != 1 || len(results[0].Answer.Passages) == 0 || results[0].Answer.Passages[0].Source != "travel.md" {
		t.Fatalf("results of run %d: %+v, %v", res.RunID, results, err)
	}
}

// TestEvaluateFormNeedsAnIndexedIndex: the Evaluate page refuses +rag variants over an empty
// document index with the form and the reason (422), and queues nothing; without retrieval the
// same form queues its job.
func TestEvaluateFormNeedsAnIndexedIndex(t *testing.T) {
	a := newApp(t, Options{}, map[string]store.Role{"eve": store.RoleEngineer})
	a.Jobs.Register(EvalJobKind, EvalJob(EvalDeps{Store: a.Store, RAG: a.H.RAG, Builtin: builtin.New(builtin.Options{})}))
	b := a.signedIn("eve")
	form := url.Values{"suite": {eval.DemoSuite}, "model": {"tiny.gguf"}, "variant": {"base", "base+rag"}}
	r := b.post("/evaluate", form)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "document index is empty") {
		t.Fatalf("+rag over an empty index: %d %s", r.Status, r.Body)
	}
	if js, err := a.Store.Jobs(context.Background(), store.JobFilter{Kind: EvalJobKind}); err != nil || len(js) != 0 {
		t.Fatalf("%d jobs queued (%v), want none", len(js), err)
	}
	form["variant"] = []string{"base"}
	if r := b.post("/evaluate", form); r.Status != http.StatusSeeOther {
		t.Fatalf("base alone: %d %s", r.Status, r.Body)
	}
}
