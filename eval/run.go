package eval

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"tutor"
	"tutor/llm"
)

// Results records a run's results as they finish, so a run stopped by a crash resumes without
// redoing them.
type Results interface {
	// Results returns what the run recorded so far.
	Results(ctx context.Context) ([]Result, error)
	// SaveResult records r, replacing an earlier result for the same variant and item.
	SaveResult(ctx context.Context, r Result) error
}

// AnswerCache keeps answers by (variant key, item key) across runs, so a rerun of an unchanged
// variant over an unchanged question does not ask the model again. For a variant with
// retrieval the item key names the retrieved passages too: an answer is reused only when the
// question got the same passages.
type AnswerCache interface {
	CachedAnswer(ctx context.Context, variantKey, itemKey string) (Answer, bool, error)
	CacheAnswer(ctx context.Context, variantKey, itemKey string, a Answer) error
}

// Config describes a run: a suite over variants.
type Config struct {
	Suite       *Suite
	Variants    []Variant
	Concurrency int          // questions in flight at once, all variants together; 0: 2
	Embedder    llm.Embedder // optional: semantic similarity
	Judge       *Judge       // optional: rubric score, and pairwise against Variants[0]
	Results     Results      // optional: where results are recorded (resume)
	Cache       AnswerCache  // optional: answers reused across runs
	// Progress, when set, is called after each result; an error stops the run.
	Progress func(Progress) error
}

// Progress is reported after each finished result.
type Progress struct {
	Done, Total int
	Last        Result
	Resumed     int // results found already recorded at the start
}

func (c *Config) check() error {
	if c.Suite == nil || len(c.Suite.Items) == 0 {
		return tutor.Errorf(tutor.EINVALID, "the run has no suite items")
	}
	if len(c.Variants) == 0 {
		return tutor.Errorf(tutor.EINVALID, "the run has no variants")
	}
	seen := map[string]bool{}
	for _, v := range c.Variants {
		if v.Name == "" || v.Generator == nil {
			return tutor.Errorf(tutor.EINVALID, "variant %q needs a name and a backend", v.Name)
		}
		if seen[v.Name] {
			return tutor.Errorf(tutor.EINVALID, "variant %q is listed twice", v.Name)
		}
		seen[v.Name] = true
	}
	return nil
}

type task struct {
	item    Item
	variant Variant
}

// Run evaluates every item of the suite on every variant with bounded concurrency and returns
// all results in suite order, variants in the given order. A variant that fails on an item
// records the error in that item's result and the run goes on. Results already recorded in
// cfg.Results are kept, not redone. It stops early only when ctx ends or Progress fails.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	done := map[[2]string]Result{}
	if cfg.Results != nil {
		prev, err := cfg.Results.Results(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range prev {
			done[[2]string{r.Variant, r.Item}] = r
		}
	}
	var tasks []task
	for _, it := range cfg.Suite.Items {
		for _, v := range cfg.Variants {
			if _, ok := done[[2]string{v.Name, it.ID}]; !ok {
				tasks = append(tasks, task{it, v})
			}
		}
	}
	total := len(cfg.Suite.Items) * len(cfg.Variants)
	resumed := total - len(tasks)
	sc := &scorer{embedder: cfg.Embedder, judge: cfg.Judge, refs: map[string][]float32{}}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		mu       sync.Mutex
		finished = resumed
	)
	work := make(chan task)
	var wg sync.WaitGroup
	workers := cfg.Concurrency
	if workers <= 0 {
		workers = 2
	}
	for range min(workers, max(len(tasks), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range work {
				if ctx.Err() != nil {
					continue // stopping: drain without starting more work
				}
				r, err := runOne(ctx, cfg, sc, t)
				if err != nil {
					cancel(err)
					continue
				}
				mu.Lock()
				done[[2]string{r.Variant, r.Item}] = r
				finished++
				p := Progress{Done: finished, Total: total, Last: r, Resumed: resumed}
				var perr error
				if cfg.Progress != nil {
					perr = cfg.Progress(p)
				}
				mu.Unlock()
				if perr != nil {
					cancel(perr)
				}
			}
		}()
	}
feed:
	for _, t := range tasks {
		select {
		case work <- t:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	if cfg.Judge != nil && len(cfg.Variants) > 1 {
		if err := pairwise(ctx, cfg, done); err != nil {
			return nil, err
		}
	}
	out := make([]Result, 0, total)
	for _, it := range cfg.Suite.Items {
		for _, v := range cfg.Variants {
			out = append(out, done[[2]string{v.Name, it.ID}])
		}
	}
	return out, nil
}

// runOne answers and scores one task and records it. It returns an error only when the run
// must stop (ctx ended, the store failed); a variant's failure is recorded in the result.
func runOne(ctx context.Context, cfg Config, sc *scorer, t task) (Result, error) {
	r := Result{Variant: t.variant.Name, Item: t.item.ID, Category: t.item.Category, Language: t.item.Language}
	vkey, ikey := t.variant.Key(), itemKey(t.item)
	var (
		ps    []Passage
		a     Answer
		found bool
		err   error
	)
	if t.variant.RAG() {
		// retrieved first: the passages are part of what an answer is reused for
		if ps, err = t.variant.retrieve(ctx, t.item); err == nil {
			ikey += "+" + passagesKey(ps)
		}
	}
	if err == nil && cfg.Cache != nil {
		if a, found, err = cfg.Cache.CachedAnswer(ctx, vkey, ikey); err != nil {
			return r, err
		}
	}
	if err == nil && !found {
		if a, err = t.variant.answer(ctx, t.item, ps); err == nil && cfg.Cache != nil {
			if err := cfg.Cache.CacheAnswer(ctx, vkey, ikey, a); err != nil {
				return r, err
			}
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return r, context.Cause(ctx)
		}
		r.Error = fmt.Sprintf("%s: %v", t.variant.Name, err)
		var te *tutor.Error
		if errors.As(err, &te) {
			r.Error = fmt.Sprintf("%s: %s", t.variant.Name, te.Message)
		}
	}
	r.Answer, r.Cached = a, found
	if r.Error == "" {
		sc.score(ctx, t.item, &r, t.variant.RAG())
		if ctx.Err() != nil {
			return r, context.Cause(ctx)
		}
	}
	if cfg.Results != nil {
		if err := cfg.Results.SaveResult(ctx, r); err != nil {
			return r, err
		}
	}
	return r, nil
}

// pairwise asks the judge to compare each variant's answer with the first variant's, per item,
// and stores the verdict as [MJudgeWin] on the later variant's result.
func pairwise(ctx context.Context, cfg Config, done map[[2]string]Result) error {
	base := cfg.Variants[0].Name
	for _, it := range cfg.Suite.Items {
		if it.Category == OutOfScope {
			continue
		}
		b, ok := done[[2]string{base, it.ID}]
		if !ok || b.Error != "" {
			continue
		}
		for _, v := range cfg.Variants[1:] {
			r := done[[2]string{v.Name, it.ID}]
			if r.Error != "" {
				continue
			}
			if _, have := r.Metrics[MJudgeWin]; have {
				continue
			}
			w, err := cfg.Judge.Pairwise(ctx, it, r.Answer.Text, b.Answer.Text)
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			if err != nil {
				r.Notes = append(r.Notes, "pairwise judge: "+err.Error())
			} else {
				if r.Metrics == nil {
					r.Metrics = map[string]float64{}
				}
				r.Metrics[MJudgeWin] = w
			}
			done[[2]string{v.Name, it.ID}] = r
			if cfg.Results != nil {
				if err := cfg.Results.SaveResult(ctx, r); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
