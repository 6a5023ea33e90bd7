package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"tutor/eval"
	"tutor/internal/testenv"
)

const ollamaSuite = `{"id":"okr-score","question":"What OKR score counts as achieved?","reference":"0.7 counts as achieved.","keywords":{"all":["0.7"]},"category":"fact","source":"okr-guide-en.md","language":"en"}
{"id":"oos","question":"Can I bring my dog?","category":"out-of-scope","language":"en"}
`

// TestEvalOllamaAndOpenAIVariants evaluates a real Ollama model twice, through Ollama's API and
// through its OpenAI-compatible endpoint, with the same model as judge: a story model gives no
// verdict a rubric can read, which each result records as a note instead of a score.
func TestEvalOllamaAndOpenAIVariants(t *testing.T) {
	s := testenv.Ollama(t)
	s.CreateModel(t, "stories", testenv.Stories260K(t))
	dir := t.TempDir()
	suite := filepath.Join(dir, "s.jsonl")
	os.WriteFile(suite, []byte(ollamaSuite), 0o644)
	code, out, stderr := runCLI(t, map[string]string{"TUTOR_OLLAMA_URL": s.URL}, "eval", "-data", dir, "-suite", suite,
		"-variants", "ollama:stories,compat=openai:stories@"+s.URL+"/v1", "-max-tokens", "8", "-format", "json", "-judge", "ollama:stories")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r eval.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Items) != 2 || len(r.Variants) != 2 || r.Variants[1] != "compat" {
		t.Fatalf("report: %d items, variants %v", len(r.Items), r.Variants)
	}
	for _, it := range r.Items {
		for _, res := range it.Results {
			if res.Error != "" || res.Answer.Text == "" {
				t.Errorf("%s/%s: error %q, answer %q", res.Variant, res.Item, res.Error, res.Answer.Text)
			}
			if _, scored := res.Metrics[eval.MJudge]; res.Item == "okr-score" && !scored && len(res.Notes) == 0 {
				t.Errorf("%s/%s: the judge neither scored nor left a note", res.Variant, res.Item)
			}
			if res.Metrics[eval.MTTFT] <= 0 || res.Metrics[eval.MLatency] < res.Metrics[eval.MTTFT] {
				t.Errorf("%s/%s: timings %v", res.Variant, res.Item, res.Metrics)
			}
		}
	}
}
