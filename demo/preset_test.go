package demo

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"tutor/finetune"
)

// TestPresetIsGroundedAndHeldOut: every pair parses, every number and code in an answer is
// written in some demo document (except answers to requests to write something in the house
// style, whose content is made up), and no question repeats one of the evaluation suite's.
func TestPresetIsGroundedAndHeldOut(t *testing.T) {
	recs, err := finetune.ParseJSONL(bytes.NewReader(Preset), "preset.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 40 {
		t.Fatalf("%d pairs, want at least 40", len(recs))
	}
	var docs strings.Builder
	fs.WalkDir(Docs, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(Docs, p)
			docs.Write(b)
		}
		return nil
	})
	all := docs.String()
	var suite struct {
		Items []struct{ Question string } `yaml:"items"`
	}
	if err := yaml.Unmarshal(Suite, &suite); err != nil {
		t.Fatal(err)
	}
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	held := map[string]bool{}
	for _, it := range suite.Items {
		held[norm(it.Question)] = true
	}
	facts := regexp.MustCompile(`\d+(?:[.:,]\d+)*|[A-Z]{2,}-?\d+`)
	for i, r := range recs {
		q, a := r.Messages[0].Content, r.Messages[len(r.Messages)-1].Content
		if held[norm(q)] {
			t.Errorf("pair %d asks the suite's question %q", i+1, q)
		}
		if regexp.MustCompile(`^(写|帮|为|Write|Give|Name)`).MatchString(q) {
			continue
		}
		for _, f := range facts.FindAllString(a, -1) {
			if !strings.Contains(all, f) && !strings.Contains(q, f) {
				t.Errorf("pair %d: %q in the answer is in no demo document: %s", i+1, f, a)
			}
		}
	}
}
