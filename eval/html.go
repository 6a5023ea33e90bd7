package eval

import (
	_ "embed"
	"html/template"
	"io"
	"strconv"
)

//go:embed report.html.tmpl
var reportHTML string

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"interval": FormatInterval,
	"metric": func(r Result, m string) string {
		v, ok := r.Metrics[m]
		if !ok {
			return "-"
		}
		return strconv.FormatFloat(v, 'f', 2, 64)
	},
	"cols":   func(r *Report) []string { return presentMetrics(r) },
	"charts": func(r *Report) []Chart { return Charts(r) },
	"color":  VariantColor,
	"f1":     func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
	"f3":     func(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) },
}).Parse(reportHTML))

// WriteHTML writes r as one self-contained HTML page: the summary with intervals, a chart
// per metric by category, the comparisons and every item's answers side by side.
func WriteHTML(w io.Writer, r *Report) error {
	return reportTemplate.Execute(w, r)
}

// presentMetrics are the quality metrics some summary row has values for.
func presentMetrics(r *Report) []string {
	var cols []string
	for _, m := range QualityMetrics {
		for _, c := range r.Summary {
			if _, ok := c.Metrics[m]; ok {
				cols = append(cols, m)
				break
			}
		}
	}
	return cols
}

// Charts lays out a chart for each quality metric the report has values for.
func Charts(r *Report) []Chart {
	var out []Chart
	for _, m := range presentMetrics(r) {
		out = append(out, NewChart(r, m))
	}
	return out
}

var variantColors = []string{"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#edc948", "#9c755f"}

// VariantColor is the colour of the i-th variant in charts.
func VariantColor(i int) string { return variantColors[i%len(variantColors)] }
