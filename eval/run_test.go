package eval

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"tutor/llm"
)

// oracle answers every question with the suite's reference (or a refusal when it has none),
// failing on the questions listed in fail; it counts its calls.
type oracle struct {
	suite *Suite
	fail  map[string]bool
	calls atomic.Int64
}

func (o *oracle) Generate(_ context.Context, req llm.Request, stream llm.StreamFunc) (llm.Response, error) {
	o.calls.Add(1)
	q := req.Messages[len(req.Messages)-1].Content
	for _, it := range o.suite.Items {
		if !strings.HasSuffix(q, it.Question) {
			continue
		}
		if o.fail[it.ID] {
			return llm.Response{}, errors.New("backend refused the request")
		}
		text := it.Reference
		if text == "" {
			text = "I don't know."
		}
		if stream != nil {
			stream(text)
		}
		return llm.Response{Text: text, CompletionTokens: len(Tokens(text))}, nil
	}
	return llm.Response{}, errors.New("unknown question")
}

func mustSuite(tb testing.TB) *Suite {
	tb.Helper()
	s, err := ParseSuite("mini.yaml", []byte(goodYAML))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

type memResults struct {
	mu sync.Mutex
	m  map[[2]string]Result
}

func (s *memResults) Results(context.Context) ([]Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Result
	for _, r := range s.m {
		out = append(out, r)
	}
	return out, nil
}

func (s *memResults) SaveResult(_ context.Context, r Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[[2]string]Result{}
	}
	s.m[[2]string{r.Variant, r.Item}] = r
	return nil
}

type memCache struct {
	mu sync.Mutex
	m  map[string]Answer
}

func (c *memCache) CachedAnswer(_ context.Context, v, i string) (Answer, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.m[v+"|"+i]
	return a, ok, nil
}

func (c *memCache) CacheAnswer(_ context.Context, v, i string, a Answer) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]Answer{}
	}
	c.m[v+"|"+i] = a
	return nil
}

func TestRunRecordsErrorsAndContinues(t *testing.T) {
	s := mustSuite(t)
	good, bad := &oracle{suite: s}, &oracle{suite: s, fail: map[string]bool{"okr-score": true}}
	var progress []Progress
	results, err := Run(context.Background(), Config{Suite: s, Concurrency: 3,
		Variants: []Variant{{Name: "good", Generator: good}, {Name: "bad", Generator: bad}},
		Progress: func(p Progress) error { progress = append(progress, p); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 4 || len(progress) != 4 || progress[3].Done != 4 || progress[3].Total != 4 {
		t.Fatalf("%d results, progress %+v", len(results), progress)
	}
	// suite order, variants in order
	if results[0].Variant != "good" || results[0].Item != "okr-score" || results[1].Variant != "bad" {
		t.Fatalf("order: %+v", results)
	}
	if !results[0].Passed() || results[0].Metrics[MTokenF1] != 1 || results[0].Metrics[MRougeL] != 1 {
		t.Fatalf("oracle result: %+v", results[0])
	}
	if results[1].Error == "" || !strings.Contains(results[1].Error, "backend refused") || results[1].Passed() {
		t.Fatalf("failing item: %+v", results[1])
	}
	if r := results[3]; r.Error != "" || r.Metrics[MRefusal] != 1 || !r.Passed() {
		t.Fatalf("the failing variant's next item: %+v", r)
	}
}

func TestRunResumesAndCaches(t *testing.T) {
	s := mustSuite(t)
	gen := &oracle{suite: s}
	store, cache := &memResults{}, &memCache{}
	v := []Variant{{Name: "v", Generator: gen}}
	// a first run stopped by its progress callback after one result
	stop := errors.New("crash")
	_, err := Run(context.Background(), Config{Suite: s, Variants: v, Concurrency: 1, Results: store, Cache: cache,
		Progress: func(Progress) error { return stop }})
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v", err)
	}
	if n := len(store.m); n != 1 {
		t.Fatalf("%d results saved before the stop", n)
	}
	calls := gen.calls.Load()
	var resumed int
	results, err := Run(context.Background(), Config{Suite: s, Variants: v, Results: store, Cache: cache,
		Progress: func(p Progress) error { resumed = p.Resumed; return nil }})
	if err != nil || len(results) != 2 || resumed != 1 {
		t.Fatalf("resume: %d results, resumed %d, err %v", len(results), resumed, err)
	}
	if got := gen.calls.Load() - calls; got != 1 {
		t.Fatalf("resume asked %d questions, want 1", got)
	}
	// a new run over the same variant: every answer comes from the cache
	calls = gen.calls.Load()
	results, err = Run(context.Background(), Config{Suite: s, Variants: v, Cache: cache})
	if err != nil {
		t.Fatal(err)
	}
	if gen.calls.Load() != calls || !results[0].Cached || !results[1].Cached || !results[0].Passed() {
		t.Fatalf("rerun asked the model again or lost answers: %+v", results)
	}
	// a changed option is a different variant key: asked again
	temp := 0.7
	v[0].Options.Temperature = &temp
	if _, err := Run(context.Background(), Config{Suite: s, Variants: v, Cache: cache}); err != nil {
		t.Fatal(err)
	}
	if gen.calls.Load() != calls+2 {
		t.Fatalf("changed options reused the cache")
	}
}

// TestRunCachesAnswersByPassages: a variant with retrieval reuses a cached answer only when the
// question got the same passages, as after documents were added or re-indexed it does not.
func TestRunCachesAnswersByPassages(t *testing.T) {
	s := mustSuite(t)
	gen := &oracle{suite: s}
	cache := &memCache{}
	p1 := []Passage{{Source: "okr-guide-en.md", Heading: []string{"Scoring"}, Text: "OKRs are scored from 0 to 1."}}
	p2 := []Passage{{Source: "okr-guide-en.md", Heading: []string{"Scoring"}, Text: "A score of 0.7 counts as achieved."}}
	p3 := []Passage{{Source: "okr-guide-en.md", Heading: []string{"Grading"}, Text: p2[0].Text}}
	passages := p1
	v := []Variant{{Name: "v+rag", Generator: gen,
		Retrieve: func(context.Context, string) ([]Passage, error) { return passages, nil }}}
	run := func(what string, want []Passage, asked int64, cached bool) {
		t.Helper()
		calls := gen.calls.Load()
		results, err := Run(context.Background(), Config{Suite: s, Variants: v, Cache: cache})
		if err != nil {
			t.Fatal(err)
		}
		if got := gen.calls.Load() - calls; got != asked {
			t.Errorf("%s: asked %d questions, want %d", what, got, asked)
		}
		for _, r := range results {
			if r.Cached != cached || r.Error != "" || !cmp.Equal(r.Answer.Passages, want) {
				t.Errorf("%s: %s cached %v, error %q, passages %v; want cached %v with %v", what, r.Item, r.Cached, r.Error, r.Answer.Passages, cached, want)
			}
		}
	}
	run("first run", p1, 2, false)
	passages = p2
	run("other passages", p2, 2, false)
	run("the same passages again", p2, 0, true)
	passages = p3
	run("other headings", p3, 2, false)
}

// scriptedJudge replies with a fixed text, or by a function of the prompt.
type scriptedJudge struct {
	reply func(prompt string) string
	calls atomic.Int64
}

func (j *scriptedJudge) Generate(_ context.Context, req llm.Request, _ llm.StreamFunc) (llm.Response, error) {
	j.calls.Add(1)
	return llm.Response{Text: j.reply(req.Messages[0].Content)}, nil
}

func TestJudge(t *testing.T) {
	it := mustSuite(t).Items[0]
	ctx := context.Background()
	rubric := &Judge{Generator: &scriptedJudge{reply: func(string) string { return `Sure: {"score": 4, "reason": "ok {fine}"}` }}}
	if v, err := rubric.Rubric(ctx, it, "0.7"); err != nil || v != 0.75 {
		t.Fatalf("rubric = %v, %v; want 0.75", v, err)
	}
	broken := &scriptedJudge{reply: func(string) string { return `{"score": NaN}` }}
	if _, err := (&Judge{Generator: broken}).Rubric(ctx, it, "x"); err == nil || broken.calls.Load() != 2 {
		t.Fatalf("broken judge: err %v after %d calls, want an error after 2", err, broken.calls.Load())
	}
	// a judge that always prefers the first position: swapping cancels it into a tie
	biased := &Judge{Generator: &scriptedJudge{reply: func(string) string { return `{"winner": "A"}` }}}
	if v, err := biased.Pairwise(ctx, it, "x", "y"); err != nil || v != 0.5 {
		t.Fatalf("position-biased judge = %v, %v; want 0.5", v, err)
	}
	// a judge that prefers the answer containing 0.7 wherever it stands
	fair := &Judge{Generator: &scriptedJudge{reply: func(p string) string {
		if strings.Contains(p, "Answer A: 0.7") {
			return `{"winner": "A"}`
		}
		return `{"winner": "B"}`
	}}}
	if v, _ := fair.Pairwise(ctx, it, "0.7", "0.5"); v != 1 {
		t.Fatalf("fair judge, better first = %v, want 1", v)
	}
	if v, _ := fair.Pairwise(ctx, it, "0.5", "0.7"); v != 0 {
		t.Fatalf("fair judge, better second = %v, want 0", v)
	}
}
