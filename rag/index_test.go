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
