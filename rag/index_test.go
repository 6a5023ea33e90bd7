package rag

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"tutor"
	"tutor/demo"
	"tutor/store"
)

// MustStore opens a store in a temporary folder.
func MustStore(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// MustDemoIndex returns an index of a new workspace holding the demo company's documents.
func MustDemoIndex(tb testing.TB, cfg Config) *Index {
	tb.Helper()
	ctx := context.Background()
	ix, err := Open(ctx, MustStore(tb), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	entries, err := fs.ReadDir(demo.Docs, ".")
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(demo.Docs, e.Name())
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := ix.Add(ctx, e.Name(), strings.NewReader(string(b)), int64(len(b)), "test"); err != nil {
			tb.Fatalf("add %s: %v", e.Name(), err)
		}
	}
	if _, err := ix.IndexPending(ctx, nil); err != nil {
		tb.Fatal(err)
	}
	return ix
}

func TestIngestSearchDelete(t *testing.T) {
	ctx := context.Background()
	ix := MustDemoIndex(t, Config{})
	docs, err := ix.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 23 {
		t.Fatalf("%d documents, want 23", len(docs))
	}
	for _, d := range docs {
		if d.Status != StatusIndexed || d.Chunks == 0 || d.Format == "" {
			t.Errorf("%s: status %s, %d chunks, format %q", d.Name, d.Status, d.Chunks, d.Format)
		}
	}
	hits, err := ix.Search(ctx, "加班到几点以后可以报销晚餐？", SearchOptions{TopK: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || !strings.HasPrefix(hits[0].DocName, "expense-policy-zh") {
		t.Fatalf("top hit %+v, want an expense policy", hits)
	}
	text, err := ix.Text(ctx, hits[0].DocID)
	if err != nil {
		t.Fatal(err)
	}
	if text[hits[0].Start:hits[0].End] != hits[0].Text {
		t.Errorf("offsets %d:%d do not locate the passage", hits[0].Start, hits[0].End)
	}

	// The same bytes again are a duplicate; nothing new is stored.
	b, _ := fs.ReadFile(demo.Docs, "expense-policy.md")
	again, err := ix.Add(ctx, "copy.md", strings.NewReader(string(b)), -1, "")
	if err != nil || len(again) != 1 || !again[0].Duplicate {
		t.Fatalf("re-upload: %+v, %v", again, err)
	}

	// Deleting a document removes its chunks from every retriever.
	id := hits[0].DocID
	if err := ix.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{ModeBM25, ModeVector, ModeHybrid} {
		hits, err := ix.Search(ctx, "加班 晚餐 报销 团队建设", SearchOptions{TopK: 50, Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.DocID == id {
				t.Fatalf("%s: deleted document %d still found", mode, id)
			}
		}
	}
	if _, err := ix.Get(ctx, id); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Errorf("get deleted: %v", err)
	}
}

func TestIndexPersistsAndReembeds(t *testing.T) {
	ctx := context.Background()
	st := MustStore(t)
	ix, err := Open(ctx, st, Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"expense-policy-zh.md", "leave-policy-zh.md", "security-policy.md"} {
		b, _ := fs.ReadFile(demo.Docs, name)
		if _, err := ix.Ingest(ctx, name, strings.NewReader(string(b)), int64(len(b))); err != nil {
			t.Fatal(err)
		}
	}
	want := ix.Chunks()
	query := "How long does a password have to be?"
	before, _ := ix.Search(ctx, query, SearchOptions{TopK: 3, Mode: ModeVector})

	// Reopened with the same embedder: everything is back without re-embedding.
	again, err := Open(ctx, st, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := again.Pending(ctx); again.Chunks() != want || n != 0 {
		t.Fatalf("reopened: %d chunks (want %d), %d pending", again.Chunks(), want, n)
	}
	after, _ := again.Search(ctx, query, SearchOptions{TopK: 3, Mode: ModeVector})
	if len(before) == 0 || len(after) != len(before) || after[0].ID() != before[0].ID() {
		t.Fatalf("vector hits differ after reopening: %v vs %v", before, after)
	}

	// Another embedder: the old vectors are dropped and every document waits to be re-embedded.
	other, err := Open(ctx, st, Config{Embedder: NewHashEmbedder(128)})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := other.Pending(ctx); n != 3 || other.Chunks() != 0 {
		t.Fatalf("new embedder: %d pending (want 3), %d chunks searchable (want 0)", n, other.Chunks())
	}
	if n, err := other.IndexPending(ctx, nil); err != nil || n != 3 || other.Chunks() != want {
		t.Fatalf("re-embedding: %d documents, %v; %d chunks", n, err, other.Chunks())
	}
	hits, _ := other.Search(ctx, query, SearchOptions{TopK: 1})
	if len(hits) == 0 || hits[0].DocName != "security-policy.md" {
		t.Fatalf("after re-embedding: %v", hits)
	}
}
