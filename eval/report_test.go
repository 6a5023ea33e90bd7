package eval

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tutor/llm"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixedGen answers from a table with fixed timings, so a run's report is reproducible.
type fixedGen map[string]string

func (g fixedGen) Generate(_ context.Context, req llm.Request, _ llm.StreamFunc) (llm.Response, error) {
	q := req.Messages[len(req.Messages)-1].Content
	for question, answer := range g {
		if strings.HasSuffix(q, question) {
			if answer == "ERROR" {
				return llm.Response{}, context.DeadlineExceeded
			}
			return llm.Response{Text: answer, CompletionTokens: 11, TimeToFirstToken: 40 * time.Millisecond, Total: 240 * time.Millisecond}, nil
		}
	}
	return llm.Response{Text: "I don't know.", CompletionTokens: 4, TimeToFirstToken: 30 * time.Millisecond, Total: 90 * time.Millisecond}, nil
}

const goldenSuite = `name: golden
items:
  - id: okr-score
    question: What OKR score counts as achieved?
    reference: A score of 0.7 counts as achieved.
    keywords: {all: ["0.7"]}
    category: fact
    source: okr-guide-en.md
    language: en
  - id: leave-zh
    question: 婚假有多少天？
    reference: 婚假15天，含法定3天和公司额外奖励的12天。
    keywords: {all: ["15"]}
    category: fact
    source: leave-policy-zh.md
    language: zh
  - id: branch
    question: How should the branch for ticket WMS-1510 be named?
    reference: feature/WMS-1510-cycle-count-report
    keywords: {all: [feature/WMS-1510-]}
    category: style
    source: code-conventions.md
    language: en
  - id: oos-weather
    question: 明天杭州天气怎么样？
    category: out-of-scope
    language: zh
`

// goldenReport runs the golden suite over two scripted variants, one failing on an item.
func goldenReport(t *testing.T) *Report {
	t.Helper()
	s, err := ParseSuite("golden.yaml", []byte(goldenSuite))
	if err != nil {
		t.Fatal(err)
	}
	base := fixedGen{"achieved?": "I think 1.0 is achieved.", "婚假有多少天？": "婚假一般是3天。",
		"be named?": "ERROR", "天气怎么样？": "明天晴。"}
	tuned := fixedGen{"achieved?": "A score of 0.7 counts as achieved.", "婚假有多少天？": "婚假共15天。",
		"be named?": "feature/WMS-1510-cycle-count", "天气怎么样？": "抱歉，资料中没有相关信息。"}
	variants := []Variant{{Name: "base", Generator: base}, {Name: "tuned", Generator: tuned, Adapter: "okr"}}
	results, err := Run(context.Background(), Config{Suite: s, Variants: variants})
	if err != nil {
		t.Fatal(err)
	}
	return NewReport(s, []string{"base", "tuned"}, results)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		os.WriteFile(path+".actual", got, 0o644)
		t.Errorf("%s differs from the golden file; wrote %s.actual (run with -update to accept)", name, path)
	}
}

func TestReportFormatsGolden(t *testing.T) {
	r := goldenReport(t)
	for _, f := range []struct{ format, file string }{{"json", "report.json"}, {"junit", "report.xml"}, {"html", "report.html"}, {"table", "report.txt"}} {
		var b bytes.Buffer
		if err := Write(&b, r, f.format); err != nil {
			t.Fatal(err)
		}
		golden(t, f.file, b.Bytes())
	}
}

func TestJUnitParses(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJUnit(&b, goldenReport(t)); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit XML does not parse: %v", err)
	}
	// base: okr-score fails (no 0.7), leave-zh fails (3 days), branch errors, weather fails (no refusal)
	// tuned: all pass
	if doc.Tests != 8 || doc.Errors != 1 || doc.Failures != 3 || len(doc.Suites) != 2 {
		t.Fatalf("testsuites: tests %d errors %d failures %d suites %d", doc.Tests, doc.Errors, doc.Failures, len(doc.Suites))
	}
	base, tuned := doc.Suites[0], doc.Suites[1]
	if base.Name != "base" || base.Cases[2].Error == nil || base.Cases[3].Failure == nil || base.Cases[3].Failure.Type != "no-refusal" {
		t.Fatalf("base suite: %+v", base)
	}
	if tuned.Failures != 0 || tuned.Errors != 0 || tuned.Cases[1].Classname != "tuned.fact" || tuned.Cases[1].Time != "0.240" {
		t.Fatalf("tuned suite: %+v", tuned)
	}
}

func TestFailUnder(t *testing.T) {
	r := goldenReport(t)
	bars, err := ParseBars("pass=0.5, keyword_recall=0.9")
	if err != nil {
		t.Fatal(err)
	}
	missed := r.Missed(bars)
	// base passes 0 of 4 and recalls 0 of 2 keyword items; tuned meets both bars
	if len(missed) != 2 || !strings.HasPrefix(missed[0], "base: pass = 0.000") || !strings.HasPrefix(missed[1], "base: keyword_recall") {
		t.Fatalf("missed = %q", missed)
	}
	for _, bad := range []string{"pass", "speed=1", "pass=high"} {
		if _, err := ParseBars(bad); err == nil {
			t.Errorf("ParseBars(%q) accepted", bad)
		}
	}
}
