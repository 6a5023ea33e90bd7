package demo

import (
	"bytes"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"tutor/finetune"
)

// TestPresetIsGroundedAndHeldOut: every pair parses, every answer is asked at least three
// different ways (an adapter trained on one wording per answer recites it for that wording
// only), every number and code in an answer is written in some demo document (except answers
// to requests to write something in the house style, whose content is made up), and no
// question repeats one of the evaluation suite's.
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
	madeUp := regexp.MustCompile(`^(写|帮|为|Write|Give|Name)`)
	asked := map[string][]string{} // answer → its questions
	var answers []string
	for i, r := range recs {
		q, a := r.Messages[0].Content, r.Messages[len(r.Messages)-1].Content
		if held[norm(q)] {
			t.Errorf("pair %d asks the suite's question %q", i+1, q)
		}
		if asked[a] == nil {
			answers = append(answers, a)
		}
		asked[a] = append(asked[a], q)
	}
	for _, a := range answers {
		qs := asked[a]
		distinct := map[string]bool{}
		request := false
		for _, q := range qs {
			distinct[norm(q)] = true
			request = request || madeUp.MatchString(q)
		}
		if len(distinct) < 3 {
			t.Errorf("answer asked %d ways, want at least 3 (%q): %s", len(distinct), qs, a)
		}
		if request {
			continue
		}
		for _, f := range facts.FindAllString(a, -1) {
			if !strings.Contains(all, f) && !slices.ContainsFunc(qs, func(q string) bool { return strings.Contains(q, f) }) {
				t.Errorf("%q in the answer to %q is in no demo document: %s", f, qs[0], a)
			}
		}
	}
}
