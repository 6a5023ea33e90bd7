package eval

import (
	"math"
	"testing"
)

func TestSignTest(t *testing.T) {
	// n=10, k=2: P(X≤2) = (1+10+45)/1024; two-sided doubles it
	near(t, "8-2", SignTest(8, 2), 2*56.0/1024)
	near(t, "10-0", SignTest(10, 0), 2.0/1024)
	near(t, "5-5", SignTest(5, 5), 1)
	near(t, "none", SignTest(0, 0), 1)
}

func TestQuantile(t *testing.T) {
	near(t, "q.025", quantile([]float64{1, 2, 3, 4, 5}, 0.025), 1.1)
	near(t, "q.975", quantile([]float64{1, 2, 3, 4, 5}, 0.975), 4.9)
}

func TestBootstrap(t *testing.T) {
	xs := make([]float64, 100)
	for i := range 50 {
		xs[i] = 1
	}
	a, b := Bootstrap(xs, Resamples, 7), Bootstrap(xs, Resamples, 7)
	if a != b {
		t.Fatalf("same seed, different intervals: %+v %+v", a, b)
	}
	// the normal approximation: 0.5 ± 1.96·sqrt(0.25/100) = 0.5 ± 0.098
	if a.Mean != 0.5 || math.Abs(a.Low-0.402) > 0.02 || math.Abs(a.High-0.598) > 0.02 || a.N != 100 {
		t.Fatalf("interval %+v, want about [0.402, 0.598]", a)
	}
	if c := Bootstrap([]float64{0.3, 0.3, 0.3}, Resamples, 1); c.Low != 0.3 || c.High != 0.3 {
		t.Fatalf("constant values: %+v", c)
	}
}

func res(variant, item string, cat Category, m map[string]float64) Result {
	return Result{Variant: variant, Item: item, Category: cat, Metrics: m}
}

func TestSummarizeAndCompare(t *testing.T) {
	results := []Result{
		res("a", "1", Fact, map[string]float64{MPass: 1, MTokenF1: 0.5}),
		res("b", "1", Fact, map[string]float64{MPass: 0, MTokenF1: 0.25}),
		res("a", "2", Fact, map[string]float64{MPass: 1, MTokenF1: 1}),
		res("b", "2", Fact, map[string]float64{MPass: 1, MTokenF1: 1}),
		res("a", "3", OutOfScope, map[string]float64{MPass: 1, MRefusal: 1}),
		{Variant: "b", Item: "3", Category: OutOfScope, Error: "b: boom"},
	}
	cells := Summarize(results, []string{"a", "b"}, 1)
	if len(cells) != 6 { // per variant: all, fact, out-of-scope
		t.Fatalf("%d cells: %+v", len(cells), cells)
	}
	all := cells[3]
	if all.Variant != "b" || all.Category != AllCategories || all.Items != 3 || all.Errors != 1 {
		t.Fatalf("b/all = %+v", all)
	}
	// b's pass over all: 0, 1, and the error counted as 0 → 1/3
	near(t, "b pass", all.Metrics[MPass].Mean, 1.0/3)
	near(t, "a fact f1", cells[1].Metrics[MTokenF1].Mean, 0.75)

	p := Compare(results, "a", "b", MPass, 1)
	// item 1: a wins; item 2: tie; item 3: a passes, b errored (0) → a wins
	if p.N != 3 || p.Wins != 2 || p.Losses != 0 || p.Ties != 1 {
		t.Fatalf("compare = %+v", p)
	}
	near(t, "win rate", p.WinRate, 2.5/3)
	near(t, "sign p", p.SignTest, 0.5) // n=2, k=0: 2·(1/4)
	near(t, "mean diff", p.Diff.Mean, 2.0/3)
}

func TestRegressions(t *testing.T) {
	before := []Result{
		res("a", "1", Fact, map[string]float64{MPass: 1, MTokenF1: 0.9}),
		res("a", "2", Fact, map[string]float64{MPass: 1, MTokenF1: 0.9}),
		res("a", "3", Fact, map[string]float64{MPass: 0, MTokenF1: 0.9}),
		res("a", "4", Fact, map[string]float64{MPass: 1, MTokenF1: 0.9}),
	}
	after := []Result{
		res("a", "1", Fact, map[string]float64{MPass: 0, MTokenF1: 0.9}),
		{Variant: "a", Item: "2", Category: Fact, Error: "a: timeout"},
		res("a", "3", Fact, map[string]float64{MPass: 0, MTokenF1: 0.5}),
		res("a", "4", Fact, map[string]float64{MPass: 1, MTokenF1: 0.85}),
	}
	got := Regressions(before, after, MTokenF1, 0.1)
	if len(got) != 3 {
		t.Fatalf("regressions = %+v", got)
	}
	if got[0].Item != "1" || got[1].Item != "2" || got[1].Note != "a: timeout" || got[2].Item != "3" || got[2].After != 0.5 {
		t.Fatalf("regressions = %+v", got)
	}
}
