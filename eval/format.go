package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"tutor"
)

// Formats are the report formats [Write] knows.
var Formats = []string{"table", "json", "junit", "html"}

// Write writes r in format: table, json, junit or html.
func Write(w io.Writer, r *Report, format string) error {
	switch format {
	case "table", "":
		return WriteTable(w, r)
	case "json":
		return WriteJSON(w, r)
	case "junit":
		return WriteJUnit(w, r)
	case "html":
		return WriteHTML(w, r)
	}
	return tutor.Errorf(tutor.EINVALID, "unknown report format %q (want %s)", format, strings.Join(Formats, ", "))
}

// WriteJSON writes r as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteTable writes the summary as an aligned text table (mean [low, high] per metric), then
// the comparisons with the baseline.
func WriteTable(w io.Writer, r *Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	cols := presentMetrics(r)
	fmt.Fprintf(tw, "variant\tcategory\titems\terrors\t%s\tlatency_ms\n", strings.Join(cols, "\t"))
	for _, c := range r.Summary {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d", c.Variant, c.Category, c.Items, c.Errors)
		for _, m := range cols {
			fmt.Fprintf(tw, "\t%s", FormatInterval(c.Metrics[m]))
		}
		if l, ok := c.Metrics[MLatency]; ok {
			fmt.Fprintf(tw, "\t%.0f", l.Mean)
		} else {
			fmt.Fprint(tw, "\t-")
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, c := range r.Comparisons {
		fmt.Fprintf(w, "\n%s vs %s on %s: %d items, %d wins, %d losses, %d ties, win rate %.2f, mean diff %s, sign test p = %.3g",
			c.Variant, c.Baseline, c.Metric, c.N, c.Wins, c.Losses, c.Ties, c.WinRate, FormatInterval(c.Diff), c.SignTest)
	}
	if len(r.Comparisons) > 0 {
		fmt.Fprintln(w)
	}
	return nil
}

// FormatInterval writes an interval as "0.62 [0.51, 0.73]", or "-" when it has no values.
func FormatInterval(iv Interval) string {
	if iv.N == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f [%.2f, %.2f]", iv.Mean, iv.Low, iv.High)
}
