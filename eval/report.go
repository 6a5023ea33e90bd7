package eval

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"tutor"
)

// Report is a finished run: per-variant × category summaries with intervals, each variant
// compared with the first, and every item with every variant's result.
type Report struct {
	Run         int64        `json:"run,omitempty"`
	Suite       string       `json:"suite"`
	SuiteHash   string       `json:"suite_hash"`
	Variants    []string     `json:"variants"`
	Created     time.Time    `json:"created,omitzero"`
	Summary     []Cell       `json:"summary"`
	Comparisons []Comparison `json:"comparisons,omitempty"`
	Items       []ItemReport `json:"items"`
}

// Comparison is a later variant against the first (the baseline) on one metric.
type Comparison struct {
	Variant  string `json:"variant"`
	Baseline string `json:"baseline"`
	Paired
}

// ItemReport is one item with each variant's result, in the report's variant order.
type ItemReport struct {
	Item
	Results []Result `json:"results"`
}

// Seed is the bootstrap seed of reports, so the same results give the same intervals.
const Seed = 20251029

// NewReport builds the report of results (from [Run] or storage) for suite and variants.
func NewReport(s *Suite, variants []string, results []Result) *Report {
	r := &Report{Suite: s.Name, SuiteHash: s.Hash(), Variants: variants,
		Summary: Summarize(results, variants, Seed)}
	for _, v := range variants[min(1, len(variants)):] {
		for _, m := range []string{MPass, MTokenF1} {
			r.Comparisons = append(r.Comparisons, Comparison{Variant: v, Baseline: variants[0],
				Paired: Compare(results, v, variants[0], m, Seed)})
		}
	}
	by := map[[2]string]Result{}
	for _, x := range results {
		by[[2]string{x.Variant, x.Item}] = x
	}
	for _, it := range s.Items {
		ir := ItemReport{Item: it}
		for _, v := range variants {
			x, ok := by[[2]string{v, it.ID}]
			if !ok {
				x = Result{Variant: v, Item: it.ID, Category: it.Category, Language: it.Language, Error: "not run"}
			}
			ir.Results = append(ir.Results, x)
		}
		r.Items = append(r.Items, ir)
	}
	return r
}

// Cell returns the summary of variant on category, if any.
func (r *Report) Cell(variant, category string) (Cell, bool) {
	for _, c := range r.Summary {
		if c.Variant == variant && c.Category == category {
			return c, true
		}
	}
	return Cell{}, false
}

// Bar is a minimum a metric's mean over all items must reach, per variant (--fail-under).
type Bar struct {
	Metric string
	Min    float64
}

// ParseBars reads "pass=0.6,keyword_recall=0.5" (also repeated flags joined by commas).
func ParseBars(s string) ([]Bar, error) {
	var out []Bar
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, ok := strings.Cut(part, "=")
		if !ok {
			return nil, tutor.Errorf(tutor.EINVALID, "--fail-under %q: want metric=value, e.g. pass=0.6", part)
		}
		name = strings.TrimSpace(name)
		if !knownMetric(name) {
			return nil, tutor.Errorf(tutor.EINVALID, "--fail-under: unknown metric %q (known: %s)", name,
				strings.Join(append(append([]string{}, QualityMetrics...), SpeedMetrics...), ", "))
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, tutor.Errorf(tutor.EINVALID, "--fail-under %s: %q is not a number", name, val)
		}
		out = append(out, Bar{Metric: name, Min: v})
	}
	return out, nil
}

func knownMetric(m string) bool {
	for _, k := range append(append([]string{}, QualityMetrics...), SpeedMetrics...) {
		if k == m {
			return true
		}
	}
	return false
}

// Missed lists each variant whose mean over all items falls below a bar; a metric a variant
// has no values for misses its bar too (it cannot show it is met).
func (r *Report) Missed(bars []Bar) []string {
	var out []string
	for _, v := range r.Variants {
		c, _ := r.Cell(v, AllCategories)
		for _, b := range bars {
			iv, ok := c.Metrics[b.Metric]
			switch {
			case !ok:
				out = append(out, fmt.Sprintf("%s: %s has no values (bar %g)", v, b.Metric, b.Min))
			case iv.Mean < b.Min:
				out = append(out, fmt.Sprintf("%s: %s = %.3f, under %g", v, b.Metric, iv.Mean, b.Min))
			}
		}
	}
	return out
}
