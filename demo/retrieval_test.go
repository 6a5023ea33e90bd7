package demo

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

func TestRetrievalSetSnippetsAreVerbatim(t *testing.T) {
	var set struct {
		Questions []struct {
			ID       string
			Lang     string
			Question string
			Answers  []struct{ Doc, Snippet string }
		}
	}
	if err := yaml.Unmarshal(RetrievalSet, &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Questions) < 40 {
		t.Fatalf("%d questions, want at least 40", len(set.Questions))
	}
	seen := map[string]bool{}
	for _, q := range set.Questions {
		if seen[q.ID] || q.Question == "" || len(q.Answers) == 0 || (q.Lang != "en" && q.Lang != "zh") {
			t.Errorf("%s: duplicate id or missing field", q.ID)
		}
		seen[q.ID] = true
		for _, a := range q.Answers {
			b, err := fs.ReadFile(Docs, a.Doc)
			if err != nil {
				t.Errorf("%s: %v", q.ID, err)
				continue
			}
			if !strings.Contains(string(b), a.Snippet) {
				t.Errorf("%s: %q not in %s", q.ID, a.Snippet, a.Doc)
			}
		}
	}
}
