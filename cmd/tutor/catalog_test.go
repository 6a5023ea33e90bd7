package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ollama/ollama/api"

	"tutor/llm"
	"tutor/model"
	"tutor/model/testmodel"
	"tutor/rag"
)

func tagNames(t *testing.T, url string) []string {
	t.Helper()
	resp, err := http.Get(url + "/api/tags")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tags api.ListResponse
	if err := json.NewDecoder(resp.Body).Decode(&tags); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range tags.Models {
		names = append(names, m.Name)
	}
	return names
}

func TestCatalogServesBasesAndFittingAdapters(t *testing.T) {
	dir := writeWorkspace(t)
	// A second base of another architecture: the llama adapter must not pair with it.
	qwen := testmodel.Options{Arch: "qwen2", Seed: 5}
	if err := testmodel.Write(filepath.Join(dir, modelsFolder, "Small Qwen.gguf"), qwen); err != nil {
		t.Fatal(err)
	}
	// Not a GGUF: ignored. An adapter of the wrong rank layout for tiny: a second llama shape.
	os.WriteFile(filepath.Join(dir, modelsFolder, "notes.txt"), []byte("x"), 0o644)
	other := testmodel.Options{Dim: 32, Heads: 2, KVHeads: 1, Seed: 9}
	if err := model.WriteAdapter(filepath.Join(dir, adaptersFolder, "narrow.gguf"), testmodel.Adapter(other, 2, 1), "llama"); err != nil {
		t.Fatal(err)
	}
	m := startTutor(t, dir, nil)
	want := []string{"small-qwen:latest", "small-qwen:rag", "tiny:latest", "tiny:rag", "tiny:tuned-okr", "tiny:tuned-okr-rag"}
	if got := tagNames(t, m.URL()); !slices.Equal(got, want) {
		t.Fatalf("/api/tags = %v, want %v", got, want)
	}

	// A new adapter from the trainer appears on the next refresh; a removed one disappears.
	if err := model.WriteAdapter(filepath.Join(dir, adaptersFolder, "sales.gguf"), testmodel.Adapter(tinyModel, 2, 12), "llama"); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, adaptersFolder, "okr.gguf"))
	if err := m.Serving.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	want = []string{"small-qwen:latest", "small-qwen:rag", "tiny:latest", "tiny:rag", "tiny:tuned-sales", "tiny:tuned-sales-rag"}
	if got := tagNames(t, m.URL()); !slices.Equal(got, want) {
		t.Fatalf("after adding sales and removing okr: /api/tags = %v, want %v", got, want)
	}
	if names := m.Serving.Engine.AdapterNames(); !slices.Equal(names, []string{"sales"}) {
		t.Fatalf("engine adapters = %v, want [sales]", names)
	}
}

// TestRAGVariantAnswersFromPassages: "<name>-rag" puts the passages retrieval finds in the
// workspace's documents before the question, and answers as the engine does given them.
func TestRAGVariantAnswersFromPassages(t *testing.T) {
	dir := writeWorkspace(t)
	m := startTutor(t, dir, nil)
	ctx := context.Background()
	doc := "# Leave policy\n\nEvery employee has 25 days of paid leave a year. Requests go to the team lead two weeks ahead.\n"
	if _, err := m.RAG.Ingest(ctx, "leave.md", strings.NewReader(doc), int64(len(doc))); err != nil {
		t.Fatal(err)
	}
	const q = "How many days of paid leave do employees have?"
	hits, err := m.RAG.Search(ctx, q, rag.SearchOptions{TopK: ragTopK})
	if err != nil || len(hits) == 0 {
		t.Fatalf("search: %v, %d hits", err, len(hits))
	}
	want := directGreedy(t, dir, "okr", llm.Request{Messages: rag.BuildPrompt(q, hits, "en"), Options: llm.Options{NumPredict: 12}})
	status, _, body := postJSON(t, m.URL()+"/api/chat", "", map[string]any{"model": "tiny:tuned-okr-rag", "stream": false,
		"messages": []map[string]string{{"role": "user", "content": q}}, "options": map[string]any{"temperature": 0, "num_predict": 12}})
	var got api.ChatResponse
	if err := json.Unmarshal(body, &got); status != 200 || err != nil {
		t.Fatalf("%d %s", status, body)
	}
	if got.Message.Content != want.Text || got.PromptEvalCount != want.PromptTokens {
		t.Fatalf("rag variant: %q (%d prompt tokens), engine with the passages: %q (%d)", got.Message.Content,
			got.PromptEvalCount, want.Text, want.PromptTokens)
	}
}
