package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tutor/rag"
)

func TestIngestCommand(t *testing.T) {
	data := t.TempDir()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.md"), []byte("# Parking\n\nMonthly parking costs RMB 300."), 0o644)
	os.WriteFile(filepath.Join(dir, "b.txt"), []byte("The gym opens at 7:00."), 0o644)
	bad := filepath.Join(t.TempDir(), "tool.exe")
	os.WriteFile(bad, []byte("MZ"), 0o644)
	env := map[string]string{"TUTOR_DATA": data}

	code, out, errOut := runCLI(t, env, "ingest", dir, bad)
	if code == 0 {
		t.Fatalf("ingest with an unsupported file exited 0:\n%s", out)
	}
	for _, want := range []string{"a.md", "b.txt", "tool.exe: \"tool.exe\": .exe files are not supported", "1 files could not be ingested", "chunks searchable"} {
		if !strings.Contains(out+errOut, want) {
			t.Errorf("output lacks %q:\n%s%s", want, out, errOut)
		}
	}
	// The same folder again: nothing new is stored.
	code, out, _ = runCLI(t, env, "ingest", dir)
	if code != 0 || strings.Count(out, "already stored") != 2 {
		t.Errorf("second ingest: exit %d\n%s", code, out)
	}
}

func TestFirstStartLoadsDemoDocuments(t *testing.T) {
	cfg := testConfig(t)
	cfg.DemoDocs = true
	m, logs := startMain(t, cfg)
	ctx := context.Background()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		docs, err := m.RAG.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		indexed := 0
		for _, d := range docs {
			if d.Status == rag.StatusIndexed {
				indexed++
			}
		}
		if len(docs) >= 20 && indexed == len(docs) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d demo documents indexed after 2 minutes\n%s", indexed, len(docs), logs)
		}
		time.Sleep(200 * time.Millisecond)
	}
	hits, err := m.RAG.Search(ctx, "OKR九宫格正中间的格子填什么？", rag.SearchOptions{TopK: 1})
	if err != nil || len(hits) == 0 || hits[0].DocName != "okr-nine-grid.md" {
		t.Fatalf("search the demo company: %v, %v", hits, err)
	}
	// Deleted demo documents stay deleted on the next start.
	if err := m.RAG.Delete(ctx, hits[0].DocID); err != nil {
		t.Fatal(err)
	}
	n, _ := m.RAG.List(ctx)
	m.Close()
	m2, _ := startMain(t, cfg)
	again, _ := m2.RAG.List(ctx)
	if len(again) != len(n) {
		t.Errorf("restart: %d documents, want %d", len(again), len(n))
	}
}
