package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"tutor"
	"tutor/eval"
	"tutor/handlers"
	"tutor/rag"
	"tutor/store"
)

func evalCommand() command {
	return command{Name: "eval", Summary: "run an evaluation suite over variants; reports as table, JSON, JUnit or HTML; exit 1 when a bar is missed", Run: evalRun}
}

// evalRun handles `tutor eval --suite S --variants a,b [--format F] [--fail-under m=v]`.
// With a +rag variant, a workspace that never had the demo company's documents gets them
// first, and documents waiting to be indexed are indexed before the run starts.
// Exit codes: 0 every bar met, 1 a bar missed or the run failed, 2 bad flags or suite.
func evalRun(ctx context.Context, env *Env, args []string) error {
	fs := env.FlagSet("eval")
	var req eval.Request
	fs.StringVar(&req.Suite, "suite", eval.DemoSuite, `suite file (YAML or JSONL), or "demo"`)
	variants := fs.String("variants", "", "comma-separated variants: "+eval.SpecHelp)
	fs.StringVar(&req.Model, "model", "", "base model of base and tuned: a GGUF file, safetensors folder or model name (default: the workspace's demo model)")
	fs.StringVar(&req.Adapter, "adapter", "", "GGUF LoRA adapter file of tuned")
	fs.IntVar(&req.Concurrency, "concurrency", 2, "questions in flight at once")
	fs.IntVar(&req.MaxTokens, "max-tokens", 256, "longest answer, in tokens")
	fs.IntVar(&req.Passages, "passages", rag.PromptPassages, "passages retrieved for +rag variants (as many as the Compare page gives)")
	fs.StringVar(&req.Judge, "judge", "", "judge model as a variant spec (e.g. ollama:qwen2.5:7b); empty: no judge")
	fs.BoolVar(&req.Similarity, "similarity", false, "measure embedding similarity with the document index's embedder")
	fs.BoolVar(&req.NoCache, "no-cache", false, "ask every question again instead of reusing cached answers")
	format := fs.String("format", "table", "report format: "+strings.Join(eval.Formats, ", "))
	out := fs.String("out", "", "write the report to this file instead of standard output")
	failUnder := fs.String("fail-under", "", "bars every variant must meet, e.g. pass=0.6,keyword_recall=0.5")
	compare := fs.Int64("compare", 0, "an earlier run's number: list the items that regressed since")
	drop := fs.Float64("regression-drop", 0.2, "with --compare: a fall in token_f1 at least this large is a regression")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: tutor eval --variants base,base+rag [flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	req.Variants = splitList(*variants)
	if req.Model == "" {
		// base and tuned default to the workspace's demo model
		if path, ok, err := defaultBase(ctx, env.Config); err != nil {
			return err
		} else if ok {
			req.Model = path
		}
	}
	bars, err := eval.ParseBars(*failUnder)
	if err != nil {
		return err
	}
	if !validFormat(*format) {
		return tutor.Errorf(tutor.EINVALID, "--format %q: want %s", *format, strings.Join(eval.Formats, ", "))
	}
	if err := eval.CheckSpecs(req); err != nil {
		return err
	}
	if _, err := eval.LoadSuite(req.Suite); err != nil {
		return err
	}
	// the progress bar goes to stderr so that stdout holds only the report
	progressEnv := *env
	progressEnv.Stdout = env.Stderr
	var before func(context.Context, *Main) error
	if eval.UsesRAG(req) {
		// a fresh workspace gets the demo company's documents, as the app's first start gives them
		before = func(ctx context.Context, m *Main) error { return m.indexDemoDocs(ctx, progressEnv.Stdout) }
	}
	j, err := runJobAfter(ctx, &progressEnv, before, handlers.EvalJobKind, "Evaluate "+req.Suite, req)
	if err != nil {
		return err
	}
	var res handlers.EvalResult
	if err := json.Unmarshal(j.Result, &res); err != nil || res.RunID == 0 {
		return tutor.Errorf(tutor.EINTERNAL, "the evaluation job reported no run")
	}
	s, err := store.Open(ctx, env.Config.Data)
	if err != nil {
		return err
	}
	defer s.Close()
	db := eval.NewDB(s.DB())
	report, err := db.Report(ctx, res.RunID)
	if err != nil {
		return err
	}
	if err := writeReport(env.Stdout, *out, report, *format); err != nil {
		return err
	}
	if *compare != 0 {
		if err := printRegressions(ctx, env.Stderr, db, *compare, res.RunID, *drop); err != nil {
			return err
		}
	}
	if missed := report.Missed(bars); len(missed) > 0 {
		return tutor.Errorf(tutor.ECONFLICT, "run %d missed %d bar(s):\n  %s", res.RunID, len(missed), strings.Join(missed, "\n  "))
	}
	fmt.Fprintf(env.Stderr, "run %d stored in %s\n", res.RunID, env.Config.Data)
	return nil
}

func validFormat(f string) bool {
	for _, k := range eval.Formats {
		if f == k {
			return true
		}
	}
	return false
}

func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func writeReport(stdout io.Writer, path string, r *eval.Report, format string) error {
	if path == "" {
		return eval.Write(stdout, r, format)
	}
	f, err := os.Create(path)
	if err != nil {
		return tutor.Wrap(err, tutor.EINVALID, "create report file %q", path)
	}
	if err := eval.Write(f, r, format); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// printRegressions lists the items of run after that regressed since run before.
func printRegressions(ctx context.Context, w io.Writer, db *eval.DB, before, after int64, drop float64) error {
	old, err := db.RunResults(before).Results(ctx)
	if err != nil {
		return err
	}
	if _, err := db.Run(ctx, before); err != nil {
		return err
	}
	now, err := db.RunResults(after).Results(ctx)
	if err != nil {
		return err
	}
	regs := eval.Regressions(old, now, eval.MTokenF1, drop)
	fmt.Fprintf(w, "%d regression(s) since run %d\n", len(regs), before)
	for _, r := range regs {
		fmt.Fprintf(w, "  %s  %s  %s %.2f → %.2f  %s\n", r.Variant, r.Item, r.Metric, r.Before, r.After, r.Note)
	}
	return nil
}
