package compare

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"tutor/web/documents"
)

// A citation in a finished answer links to its passage in the same column's passage list.
func TestCitationsLinkToTheirPassages(t *testing.T) {
	ctx := context.Background()
	col := Column{Slot: SlotTunedRAG, Model: "demo:tuned-okr", RAG: true}
	ps := []documents.Passage{
		{N: 1, DocID: 7, DocName: "okr.md", Start: 10, End: 40, Text: "Zhang Wei writes three objectives."},
		{N: 2, DocID: 7, DocName: "okr.md", Start: 50, End: 80, Text: "0.7 counts as success."},
	}
	var panel, done bytes.Buffer
	if err := PassagesPanel(col.Slot, ps, true).Render(ctx, &panel); err != nil {
		t.Fatal(err)
	}
	res := Result{Column: col, Answer: "Zhang Wei <b>does</b> [2].", Segments: []Segment{
		{Text: "Zhang Wei <b>does</b> "}, {Text: "[2]", N: 2}, {Text: "."}}}
	if err := Done(res).Render(ctx, &done); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<a class="cite" href="#([^"]+)"[^>]*>\[2\]</a>`).FindStringSubmatch(done.String())
	if m == nil {
		t.Fatalf("no citation link in %s", done.String())
	}
	if !strings.Contains(panel.String(), `id="`+m[1]+`"`) || !strings.Contains(panel.String(), "0.7 counts as success") {
		t.Errorf("citation points at #%s, which the passages panel lacks:\n%s", m[1], panel.String())
	}
	if !strings.Contains(panel.String(), `href="/documents/7?start=50&amp;end=80#passage"`) {
		t.Errorf("passage 2 does not link to its place in the document:\n%s", panel.String())
	}
	if strings.Contains(done.String(), "<b>does</b>") {
		t.Error("answer text is not escaped")
	}
	if !strings.Contains(done.String(), `form="vote-form" name="answer.tuned-rag"`) {
		t.Error("the answer is not a field of the vote form")
	}
}
