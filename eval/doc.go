// Package eval runs evaluation suites over model variants and turns the answers into metrics,
// confidence intervals, comparisons and reports.
package eval
