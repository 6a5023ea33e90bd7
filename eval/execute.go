package eval

import (
	"context"
	"encoding/json"
	"errors"

	"tutor"
	"tutor/llm"
)

// Request asks for a run: a suite over variant specs (see [Backends.Resolve]). It is the
// parameters of an evaluation job, from the CLI or the Evaluate page.
type Request struct {
	Suite       string   `json:"suite"`    // [DemoSuite] or a suite file
	Variants    []string `json:"variants"` // variant specs
	Model       string   `json:"model,omitempty"`
	Adapter     string   `json:"adapter,omitempty"`
	Concurrency int      `json:"concurrency,omitempty"`
	MaxTokens   int      `json:"max_tokens,omitempty"` // answer length limit; 0: 256
	Passages    int      `json:"passages,omitempty"`   // passages retrieved for +rag variants; 0: 4
	Judge       string   `json:"judge,omitempty"`      // a variant spec of the judge model; empty: no judge
	Similarity  bool     `json:"similarity,omitempty"` // embedding similarity with the configured embedder
	NoCache     bool     `json:"no_cache,omitempty"`   // ask every question again
}

// Execution is what [Execute] needs besides the request.
type Execution struct {
	DB       *DB
	Backends Backends
	Embedder llm.Embedder // used when the request asks for similarity
	JobID    int64
	// RunID continues a stored run (resume); 0 starts a new one, reported through Started.
	RunID    int64
	Started  func(runID int64) error
	Progress func(Progress) error
}

// Execute runs req and stores it: a new run, or the unfinished run x.RunID resumed without
// redoing its recorded results. The run is marked done, or failed when it could not finish
// for a reason other than ctx ending (then it stays running, to be resumed).
func Execute(ctx context.Context, req Request, x Execution) (*RunInfo, []Result, error) {
	b := x.Backends
	b.Model, b.Adapter = req.Model, req.Adapter
	var (
		run *RunInfo
		err error
	)
	if x.RunID != 0 {
		if run, err = x.DB.Run(ctx, x.RunID); err != nil {
			return nil, nil, err
		}
	} else {
		s, err := LoadSuite(req.Suite)
		if err != nil {
			return nil, nil, err
		}
		params, _ := json.Marshal(req)
		run = &RunInfo{Suite: s, Variants: req.Variants, Params: params, JobID: x.JobID}
	}
	variants, err := b.ResolveAll(run.Variants)
	if err != nil {
		return nil, nil, err
	}
	for i := range variants {
		variants[i].Options.NumPredict = req.MaxTokens
	}
	if x.RunID == 0 {
		run.Variants = run.Variants[:0]
		for _, v := range variants {
			run.Variants = append(run.Variants, v.Name)
		}
		if err := x.DB.CreateRun(ctx, run); err != nil {
			return nil, nil, err
		}
		if x.Started != nil {
			if err := x.Started(run.ID); err != nil {
				return run, nil, err
			}
		}
	}
	cfg := Config{Suite: run.Suite, Variants: variants, Concurrency: req.Concurrency,
		Results: x.DB.RunResults(run.ID), Progress: x.Progress}
	if !req.NoCache {
		cfg.Cache = x.DB
	}
	if req.Similarity {
		if x.Embedder == nil {
			return run, nil, tutor.Errorf(tutor.EINVALID, "similarity needs an embedder")
		}
		cfg.Embedder = x.Embedder
	}
	if req.Judge != "" {
		jv, err := b.Resolve("judge=" + req.Judge)
		if err != nil {
			return run, nil, err
		}
		cfg.Judge = &Judge{Generator: jv.Generator, Model: jv.Model}
	}
	results, err := Run(ctx, cfg)
	if err != nil {
		if ctx.Err() == nil && !errors.Is(err, context.Canceled) {
			x.DB.FinishRun(context.WithoutCancel(ctx), run.ID, RunFailed)
		}
		return run, nil, err
	}
	if err := x.DB.FinishRun(ctx, run.ID, RunDone); err != nil {
		return run, nil, err
	}
	run.State = RunDone
	return run, results, nil
}

// Report builds the report of a stored run from its recorded results.
func (d *DB) Report(ctx context.Context, id int64) (*Report, error) {
	run, err := d.Run(ctx, id)
	if err != nil {
		return nil, err
	}
	results, err := d.RunResults(id).Results(ctx)
	if err != nil {
		return nil, err
	}
	r := NewReport(run.Suite, run.Variants, results)
	r.Run, r.Created = run.ID, run.Created
	return r, nil
}
