package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tutor/internal/testenv"
	"tutor/model/testmodel"
)

// TestBrowserEvaluate drives the real server in Chromium: start a run of the demo suite over
// base and base+rag from the Evaluate page, follow its progress live to the end, open the
// results with their charts, then one item's side-by-side drill-down.
func TestBrowserEvaluate(t *testing.T) {
	bctx := testenv.Chromium(t)
	cfg := testConfig(t)
	models := filepath.Join(cfg.Data, "models")
	os.MkdirAll(models, 0o755)
	if err := testmodel.Write(filepath.Join(models, "tiny.gguf"), testmodel.Options{Arch: "qwen2", Context: 8192, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	m, logs := startMain(t, cfg)
	ingestDemoDocs(t, m.RAG) // base+rag refuses an empty index
	problems := watchProblems(bctx)
	ctx, cancel := context.WithTimeout(bctx, 4*time.Minute)
	defer cancel()
	run := func(what string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("%s: %v\nserver log:\n%s", what, err, logs)
		}
	}
	var model, firstState, finalState, percent string
	var samePage bool
	run("start a run from the Evaluate page",
		chromedp.Navigate(m.URL()+"/evaluate"),
		chromedp.WaitVisible(sel("eval-form"), chromedp.ByQuery),
		chromedp.Value(sel("eval-model"), &model, chromedp.ByQuery),
		chromedp.SetValue(sel("eval-max-tokens"), "4", chromedp.ByQuery),
		chromedp.SetValue(sel("eval-passages"), "1", chromedp.ByQuery),
		chromedp.Click(sel("eval-start"), chromedp.ByQuery),
		chromedp.WaitVisible(sel("job-live"), chromedp.ByQuery),
		chromedp.AttributeValue(sel("job-status"), "data-state", &firstState, nil, chromedp.ByQuery),
		chromedp.Evaluate(`window.tutorSamePage = true`, nil))
	if !strings.HasSuffix(model, "tiny.gguf") {
		t.Errorf("the form's model is %q, want the workspace's model file", model)
	}
	if firstState != "queued" && firstState != "running" {
		t.Errorf("the job page opened in state %q", firstState)
	}
	run("follow the run to its end",
		chromedp.WaitVisible(sel("job-status")+`[data-state="succeeded"]`, chromedp.ByQuery),
		chromedp.AttributeValue(sel("job-status"), "data-state", &finalState, nil, chromedp.ByQuery),
		chromedp.Text(sel("job-percent"), &percent, chromedp.ByQuery),
		chromedp.Evaluate(`window.tutorSamePage === true`, &samePage))
	if !samePage || !strings.Contains(percent, "100") {
		t.Errorf("progress: same page %v, percent %q", samePage, percent)
	}
	problems.check(t, "evaluation job page")

	var summary, charts string
	run("open the results",
		chromedp.Click(sel("eval-results-link"), chromedp.ByQuery),
		chromedp.WaitVisible(sel("eval-summary"), chromedp.ByQuery),
		chromedp.Text(sel("eval-summary"), &summary, chromedp.ByQuery),
		chromedp.OuterHTML(sel("eval-charts"), &charts, chromedp.ByQuery))
	if !strings.Contains(summary, "base+rag") || !strings.Contains(summary, "[") || !strings.Contains(charts, "<rect") {
		t.Errorf("results: summary %q, charts %d bytes", summary, len(charts))
	}
	problems.check(t, "results page")

	var base, rag, metrics string
	run("open one item's drill-down",
		chromedp.Click(sel("eval-item-okr-cell5-zh"), chromedp.ByQuery),
		chromedp.WaitVisible(sel("eval-answers"), chromedp.ByQuery),
		chromedp.Text(sel("eval-answer-base"), &base, chromedp.ByQuery),
		chromedp.Text(sel("eval-answer-base+rag"), &rag, chromedp.ByQuery),
		chromedp.Text(sel("eval-item-metrics"), &metrics, chromedp.ByQuery))
	if !strings.HasPrefix(strings.TrimSpace(base), "base") || !strings.HasPrefix(strings.TrimSpace(rag), "base+rag") ||
		!strings.Contains(metrics, "ROUGE-L") || !strings.Contains(metrics, "latency") {
		t.Errorf("drill-down: base %q, base+rag %q, metrics %q", base, rag, metrics)
	}
	problems.check(t, "item page")
}
