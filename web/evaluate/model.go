// Package evaluate renders the Evaluate pages: starting a run, following it, its results with
// intervals and charts per category, and one item's answers side by side.
package evaluate

import (
	"fmt"
	"time"

	"tutor/eval"
	"tutor/web/jobs"
)

// Page is the Evaluate page: the form that starts a run, the runs so far and the jobs.
type Page struct {
	Form     Form
	CanStart bool
	Runs     []Run
	Jobs     []jobs.Job
}

// Form is what starts a run; Error is shown above it when the last try was refused.
type Form struct {
	Suite     string
	Suites    []string // suites to choose from
	Variants  []string // chosen presets
	Presets   []string // base, base+rag, tuned, tuned+rag
	Other     string   // more variant specs, comma-separated
	Model     string
	Adapter   string
	MaxTokens int
	Passages  int
	Error     string
}

// Checked reports whether preset v is chosen.
func (f Form) Checked(v string) bool {
	for _, x := range f.Variants {
		if x == v {
			return true
		}
	}
	return false
}

// Run is one stored run in the list.
type Run struct {
	ID       int64
	Suite    string
	Variants []string
	State    string
	Created  time.Time
	Items    int
}

// URL is the run's results page.
func (r Run) URL() string { return fmt.Sprintf("/evaluate/runs/%d", r.ID) }

// JobPage follows an evaluation job live; its results link works once the run exists.
type JobPage struct {
	Job     jobs.Job
	LastSeq int64
	Log     []jobs.LogLine
}

// ResultsURL leads to the job's run.
func (p JobPage) ResultsURL() string { return fmt.Sprintf("/evaluate/jobs/%d/results", p.Job.ID) }

// RunPage is a run's results: summary with intervals, charts per category, the items.
type RunPage struct {
	Run         Run
	Metrics     []string // the summary's metric columns
	Summary     []eval.Cell
	Comparisons []eval.Comparison
	Charts      []eval.Chart
	Items       []ItemRow
}

// ItemRow is one item in the results list with each variant's pass or error.
type ItemRow struct {
	ID, Question, Category, Language string
	Marks                            []Mark // per variant, in order
}

// Mark is a variant's outcome on an item: pass, fail or error.
type Mark struct {
	Variant string
	Outcome string
}

// URL is the item's drill-down page within run.
func (r ItemRow) URL(run int64) string { return fmt.Sprintf("/evaluate/runs/%d/items/%s", run, r.ID) }

// ItemPage is one item with every variant's answer and metric values side by side.
type ItemPage struct {
	Run     Run
	Item    eval.Item
	Results []eval.Result
	Metrics []string // rows of the metric table
}

// Metric formats result r's value of metric m, or "-" when it has none.
func Metric(r eval.Result, m string) string {
	v, ok := r.Metrics[m]
	if !ok {
		return "-"
	}
	if m == eval.MTTFT || m == eval.MLatency || m == eval.MTokensPerSec {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// Interval formats a summary interval.
func Interval(c eval.Cell, m string) string { return eval.FormatInterval(c.Metrics[m]) }

// Color is variant i's colour in charts.
func Color(i int) string { return eval.VariantColor(i) }

// Num formats a chart coordinate.
func Num(f float64) string { return fmt.Sprintf("%.1f", f) }
