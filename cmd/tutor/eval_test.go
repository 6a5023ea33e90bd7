package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tutor/demo"
	"tutor/eval"
	"tutor/model/testmodel"
	"tutor/rag"
	"tutor/store"
)

// evalWorkspace makes a workspace with the demo documents indexed and a tiny built-in model,
// and returns the workspace folder and the model file.
func evalWorkspace(t *testing.T) (dir, modelPath string) {
	t.Helper()
	ctx := context.Background()
	dir = t.TempDir()
	modelPath = filepath.Join(dir, "tiny.gguf")
	if err := testmodel.Write(modelPath, testmodel.Options{Arch: "qwen2", Context: 8192, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ix, err := rag.Open(ctx, st, rag.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ingestDemoDocs(t, ix)
	return dir, modelPath
}

// ingestDemoDocs adds the demo company's documents to ix and indexes them.
func ingestDemoDocs(t *testing.T, ix *rag.Index) {
	t.Helper()
	names, _ := fs.Glob(demo.Docs, "*")
	for _, n := range names {
		data, _ := fs.ReadFile(demo.Docs, n)
		if _, err := ix.Ingest(context.Background(), n, bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatalf("ingest %s: %v", n, err)
		}
	}
}

func runTutor(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &o, &e, func(string) string { return "" })
	return code, o.String(), e.String()
}

// TestEvalDemoSuiteBuiltin runs the demo suite over base and base+rag on the built-in engine
// and checks the JSON, JUnit and HTML reports, the exit codes and the answer cache.
func TestEvalDemoSuiteBuiltin(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo suite")
	}
	start := time.Now()
	dir, modelPath := evalWorkspace(t)
	t.Logf("workspace ready in %v", time.Since(start))
	out := filepath.Join(dir, "report.json")
	common := []string{"eval", "-data", dir, "-model", modelPath, "-variants", "base,base+rag", "-concurrency", "2", "-max-tokens", "16", "-passages", "1"}
	code, _, stderr := runTutor(t, append(common, "-format", "json", "-out", out)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	t.Logf("first run done at %v", time.Since(start))
	var r eval.Report
	data, _ := os.ReadFile(out)
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	suite, _ := eval.LoadSuite(eval.DemoSuite)
	if len(r.Items) != len(suite.Items) || len(r.Variants) != 2 || r.Run == 0 {
		t.Fatalf("report: %d items, variants %v, run %d", len(r.Items), r.Variants, r.Run)
	}
	withPassages := 0
	for _, it := range r.Items {
		for _, res := range it.Results {
			if res.Error != "" {
				t.Errorf("%s/%s: %s", res.Variant, res.Item, res.Error)
			}
			if _, ok := res.Metrics[eval.MLatency]; !ok {
				t.Errorf("%s/%s: no latency", res.Variant, res.Item)
			}
		}
		if len(it.Results[1].Answer.Passages) > 0 {
			withPassages++
		}
	}
	if withPassages < len(r.Items)/2 {
		t.Errorf("base+rag retrieved passages for only %d of %d items", withPassages, len(r.Items))
	}

	// a rerun is answered from the cache, reports JUnit, and misses an impossible bar: exit 1
	code, junit, stderr := runTutor(t, append(common, "-format", "junit", "-fail-under", "pass=1.01", "-compare", "1")...)
	if code != 1 || !strings.Contains(stderr, "missed") || !strings.Contains(stderr, "regression(s) since run 1") {
		t.Fatalf("exit %d, want 1 for a missed bar: %s", code, stderr)
	}
	t.Logf("second run done at %v", time.Since(start))
	var doc struct {
		XMLName xml.Name `xml:"testsuites"`
		Tests   int      `xml:"tests,attr"`
		Suites  []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(junit), &doc); err != nil {
		t.Fatalf("JUnit does not parse: %v", err)
	}
	if doc.Tests != 2*len(suite.Items) || len(doc.Suites) != 2 || doc.Suites[1].Name != "base+rag" {
		t.Fatalf("JUnit: %d tests, %d suites", doc.Tests, len(doc.Suites))
	}
	code, html, stderr := runTutor(t, append(common, "-format", "html")...)
	if code != 0 || !strings.Contains(html, `data-testid="summary"`) || !strings.Contains(html, "<svg") || !strings.Contains(html, "item-okr-cell5-zh") {
		t.Fatalf("HTML report: exit %d %s", code, stderr)
	}
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := eval.NewDB(st.DB()).Report(context.Background(), 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range rep.Items {
		for _, res := range it.Results {
			if !res.Cached {
				t.Fatalf("run 3: %s/%s was asked again, not taken from the cache", res.Variant, res.Item)
			}
		}
	}
}

func TestEvalBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: x\nitems:\n  - id: a\n    question: q\n    category: trivia\n    language: en\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-suite", bad, "-variants", "base", "-model", "m.gguf"}, "bad.yaml:5"},
		{[]string{"-variants", "base", "-fail-under", "speed=1"}, "unknown metric"},
		{[]string{"-variants", "base", "-format", "pdf"}, "--format"},
		{[]string{"-variants", "base"}, "--model"},
	} {
		code, _, stderr := runTutor(t, append([]string{"eval", "-data", dir}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

const okrSuite = `{"id":"okr-cell5-zh","question":"OKR 九宫格的第5格填写什么？季度初推荐填几分？","reference":"第5格（正中）是信心指数，季度初的推荐值是5分。","category":"fact","source":"okr-nine-grid.md","language":"zh"}
`

// TestEvalRAGOnAFreshWorkspace: tutor eval of a +rag variant gives a new workspace the demo
// company's documents, indexed, as the app's first start does, so its answers are given with
// passages; with the demo documents turned off, the empty index is an error that says what to do.
func TestEvalRAGOnAFreshWorkspace(t *testing.T) {
	dir := t.TempDir()
	modelPath, suite := filepath.Join(dir, "tiny.gguf"), filepath.Join(dir, "okr.jsonl")
	if err := testmodel.Write(modelPath, testmodel.Options{Arch: "qwen2", Context: 8192, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(suite, []byte(okrSuite), 0o644)
	args := []string{"eval", "-model", modelPath, "-suite", suite, "-variants", "base+rag", "-max-tokens", "4", "-passages", "2", "-format", "json"}

	code, out, stderr := runCLI(t, map[string]string{"TUTOR_DATA": filepath.Join(dir, "fresh")}, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r eval.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("JSON report: %v\n%s", err, out)
	}
	if len(r.Items) != 1 || len(r.Items[0].Results) != 1 {
		t.Fatalf("report: %+v", r)
	}
	res := r.Items[0].Results[0]
	sources := map[string]bool{}
	for _, p := range res.Answer.Passages {
		sources[p.Source] = true
	}
	if res.Error != "" || !sources["okr-nine-grid.md"] {
		t.Errorf("base+rag answered with passages from %v (error %q), want okr-nine-grid.md among them", sources, res.Error)
	}

	code, _, stderr = runCLI(t, map[string]string{"TUTOR_DATA": filepath.Join(dir, "empty"), "TUTOR_DEMO_DOCS": "false"}, args...)
	if code != 1 || !strings.Contains(stderr, "the document index is empty") || !strings.Contains(stderr, "tutor ingest PATH") {
		t.Errorf("+rag with no documents: exit %d, %s", code, stderr)
	}
}
