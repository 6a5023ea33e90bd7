package eval

import (
	"strings"
	"testing"

	"tutor"
)

const goodYAML = `name: mini
items:
  - id: okr-score
    question: What OKR score counts as achieved?
    reference: A score of 0.7 counts as achieved.
    keywords: {all: ["0.7"], any: [achieved, 达成]}
    category: fact
    source: okr-guide-en.md
    language: en
  - id: oos-weather
    question: 明天杭州天气怎么样？
    category: out-of-scope
    language: zh
`

func TestParseSuiteYAML(t *testing.T) {
	s, err := ParseSuite("mini.yaml", []byte(goodYAML))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "mini" || len(s.Items) != 2 {
		t.Fatalf("suite = %+v", s)
	}
	it := s.Items[0]
	if it.Keywords.All[0] != "0.7" || it.Keywords.Any[1] != "达成" || it.Category != Fact || it.Language != "en" {
		t.Fatalf("item = %+v", it)
	}
	if s.Items[1].Category != OutOfScope {
		t.Fatalf("second item = %+v", s.Items[1])
	}
}

func TestParseSuiteJSONLRoundTrip(t *testing.T) {
	s, err := ParseSuite("mini.yaml", []byte(goodYAML))
	if err != nil {
		t.Fatal(err)
	}
	data, err := s.EncodeJSONL()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseSuite("mini.jsonl", data)
	if err != nil {
		t.Fatal(err)
	}
	if back.Hash() != s.Hash() || back.Name != "mini" {
		t.Fatalf("round trip changed the suite:\n%s", data)
	}
}

func TestParseSuiteErrorsNameLineAndField(t *testing.T) {
	for _, tc := range []struct {
		name, file, data string
		want             []string
	}{
		{"bad yaml", "s.yaml", "name: x\nitems:\n  - id: a\n    question: [unclosed\n", []string{"s.yaml:4"}},
		{"unknown field", "s.yaml", strings.Replace(goodYAML, "    source: okr", "    sauce: x\n    source: okr", 1), []string{"s.yaml:8", "sauce"}},
		{"missing question", "s.yaml", strings.Replace(goodYAML, "    question: What OKR score counts as achieved?\n", "", 1), []string{"s.yaml:3", `"okr-score"`, `field "question"`, "required"}},
		{"bad category", "s.yaml", strings.Replace(goodYAML, "category: fact", "category: trivia", 1), []string{"s.yaml:7", `field "category"`, "trivia"}},
		{"duplicate id", "s.yaml", strings.Replace(goodYAML, "id: oos-weather", "id: okr-score", 1), []string{"s.yaml:10", `field "id"`, "duplicate", "line 3"}},
		{"missing reference", "s.yaml", strings.Replace(goodYAML, "    reference: A score of 0.7 counts as achieved.\n", "", 1), []string{"s.yaml:3", `field "reference"`}},
		{"wrong type", "s.yaml", strings.Replace(goodYAML, `any: [achieved, 达成]`, `any: 7`, 1), []string{"s.yaml:6"}},
		{"alias", "s.yaml", "name: &a x\nitems:\n  - id: *a\n", []string{"s.yaml:3", "aliases"}},
		{"no items", "s.yaml", "name: x\n", []string{"no items"}},
		{"jsonl bad json", "s.jsonl", `{"id":"a","question":"q","category":"out-of-scope","language":"en"}` + "\n\n{\"id\": \n", []string{"s.jsonl:3"}},
		{"jsonl wrong type", "s.jsonl", `{"id":"a","question":["q"],"category":"out-of-scope","language":"en"}`, []string{"s.jsonl:1", `field "question"`}},
		{"jsonl missing language", "s.jsonl", `{"id":"a","question":"q","category":"out-of-scope"}` + "\n" + `{"id":"b","question":"q","category":"out-of-scope"}`, []string{"s.jsonl:1", `field "language"`}},
		{"jsonl duplicate", "s.jsonl", `{"id":"a","question":"q","category":"out-of-scope","language":"en"}` + "\n# note\n" + `{"id":"a","question":"q","category":"out-of-scope","language":"en"}`, []string{"s.jsonl:3", "duplicate", "line 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSuite(tc.file, []byte(tc.data))
			if tutor.ErrorCode(err) != tutor.EINVALID {
				t.Fatalf("err = %v, want %s", err, tutor.EINVALID)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func FuzzParseSuite(f *testing.F) {
	f.Add("s.yaml", goodYAML)
	f.Add("s.jsonl", `{"id":"a","question":"q","category":"out-of-scope","language":"en"}`)
	f.Add("s.yaml", "name: &a [*a, *a]\nitems: *a\n")
	f.Fuzz(func(t *testing.T, name, data string) {
		s, err := ParseSuite(name, []byte(data))
		if err != nil {
			if tutor.ErrorCode(err) == tutor.EINTERNAL {
				t.Fatalf("uncoded error: %v", err)
			}
			return
		}
		ids := map[string]bool{}
		for _, it := range s.Items {
			if it.ID == "" || it.Question == "" || !it.Category.valid() || ids[it.ID] {
				t.Fatalf("accepted a bad item %+v", it)
			}
			ids[it.ID] = true
		}
	})
}
