package handlers

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"tutor/eval"
	"tutor/rag"
)

// TestEvalPromptIsComparePrompt: an evaluation's +rag variant sends the model the prompt the
// Compare page sends for the same question, headings of the passages included.
func TestEvalPromptIsComparePrompt(t *testing.T) {
	a := newApp(t, Options{}, nil)
	ctx := context.Background()
	doc := "# Travel\n\n## Hotels\n\nHotel rooms are reimbursed up to RMB 600 per night in most cities.\n"
	if _, err := a.H.RAG.Ingest(ctx, "travel.md", strings.NewReader(doc), int64(len(doc))); err != nil {
		t.Fatal(err)
	}
	const q = "How much is a hotel room reimbursed?"
	hits, err := a.H.RAG.Search(ctx, q, rag.SearchOptions{TopK: 2})
	if err != nil || len(hits) == 0 {
		t.Fatalf("search: %v, %d hits", err, len(hits))
	}
	ps, err := ragRetriever(a.H.RAG, 2)(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	got := ragPrompt(eval.Item{Question: q, Language: "en"}, ps)
	want := rag.BuildPrompt(q, hits, "en")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the evaluation prompt differs from the Compare page's (-compare +eval):\n%s", diff)
	}
	if !strings.Contains(got[len(got)-1].Content, "Hotels") {
		t.Errorf("the passage's heading is missing from the prompt:\n%s", got[len(got)-1].Content)
	}
}
