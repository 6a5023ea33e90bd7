package eval

import (
	"io/fs"
	"testing"

	"tutor/demo"
)

// TestDemoSuite checks the shipped suite: enough items in every category and both languages,
// every source a real demo document, and every reference answer meeting its own keywords.
func TestDemoSuite(t *testing.T) {
	s, err := ParseSuite("suite.yaml", demo.Suite)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Items) < 60 {
		t.Fatalf("%d items, want at least 60", len(s.Items))
	}
	cats, langs := map[Category]int{}, map[string]int{}
	for _, it := range s.Items {
		cats[it.Category]++
		langs[it.Language]++
		if it.Category == OutOfScope {
			if it.Source != "" {
				t.Errorf("%s: out-of-scope item names a source", it.ID)
			}
			continue
		}
		if _, err := fs.Stat(demo.Docs, it.Source); err != nil {
			t.Errorf("%s: source %q is not a demo document", it.ID, it.Source)
		}
		if r, ok := KeywordRecall(it.Reference, it.Keywords); !ok || r != 1 {
			t.Errorf("%s: reference meets %.2f of its own keywords (ok=%v)", it.ID, r, ok)
		}
		if IsRefusal(it.Reference) {
			t.Errorf("%s: reference reads as a refusal", it.ID)
		}
	}
	for _, c := range Categories {
		if cats[c] < 8 {
			t.Errorf("category %s has %d items, want at least 8", c, cats[c])
		}
	}
	if langs["zh"] < 20 || langs["en"] < 20 {
		t.Errorf("languages %v, want at least 20 each of zh and en", langs)
	}
}
