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
	recs, err := finetune.ParseJSONL(bytes.NewReader(PresetPairs), "preset.jsonl")
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
	held, _ := suiteQuestions(t)
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

// TestPresetStyleCases: the preset ends with the house-style rules applied to many cases, the
// same every time; each case's answer carries the ticket or version its question names, no
// question is asked twice or repeats the suite's, and no case is one the suite asks about.
func TestPresetStyleCases(t *testing.T) {
	style := presetStyle()
	if !bytes.Equal(style, presetStyle()) || !bytes.Equal(Preset, append(append([]byte(nil), PresetPairs...), style...)) {
		t.Fatal("the preset's house-style cases differ between calls, or are not the end of Preset")
	}
	recs, err := finetune.ParseJSONL(bytes.NewReader(style), "style")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 6*styleCases {
		t.Errorf("%d cases, want %d of each of 6 rules", len(recs), styleCases)
	}
	held, suiteText := suiteQuestions(t)
	for _, h := range heldOutStyle {
		if !strings.Contains(suiteText, strings.ToLower(h)) {
			t.Errorf("held-out case %q is in no suite question or keyword", h)
		}
	}
	named := regexp.MustCompile(`WMS-\d+|\d+\.\d+\.\d+`)
	seen := map[string]bool{}
	for i, r := range recs {
		q, a := r.Messages[0].Content, r.Messages[1].Content
		if seen[q] || held[norm(q)] {
			t.Errorf("case %d: %q is asked twice or is a suite question", i+1, q)
		}
		seen[q] = true
		for _, h := range heldOutStyle {
			if strings.Contains(q+a, h) {
				t.Errorf("case %d holds the suite's case %q: %s → %s", i+1, h, q, a)
			}
		}
		for _, n := range named.FindAllString(q, -1) {
			if !strings.Contains(a, n) {
				t.Errorf("case %d: the answer %q lacks %s from its question", i+1, a, n)
			}
		}
	}
}

// suiteQuestions returns the evaluation suite's questions, normalised by norm, and the text of
// its questions and keywords in lower case.
func suiteQuestions(t *testing.T) (map[string]bool, string) {
	t.Helper()
	var suite struct {
		Items []struct {
			Question string
			Keywords struct{ All, Any []string }
		} `yaml:"items"`
	}
	if err := yaml.Unmarshal(Suite, &suite); err != nil {
		t.Fatal(err)
	}
	held := map[string]bool{}
	var text strings.Builder
	for _, it := range suite.Items {
		held[norm(it.Question)] = true
		text.WriteString(it.Question + "\n" + strings.Join(append(it.Keywords.All, it.Keywords.Any...), "\n") + "\n")
	}
	return held, strings.ToLower(text.String())
}

// norm is a question in lower case with its runs of spaces made one.
func norm(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
