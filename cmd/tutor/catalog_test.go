package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ollama/ollama/api"

	"tutor/model"
	"tutor/model/testmodel"
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
	want := []string{"small-qwen:latest", "tiny:latest", "tiny:tuned-okr"}
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
	want = []string{"small-qwen:latest", "tiny:latest", "tiny:tuned-sales"}
	if got := tagNames(t, m.URL()); !slices.Equal(got, want) {
		t.Fatalf("after adding sales and removing okr: /api/tags = %v, want %v", got, want)
	}
	if names := m.Serving.Engine.AdapterNames(); !slices.Equal(names, []string{"sales"}) {
		t.Fatalf("engine adapters = %v, want [sales]", names)
	}
}
