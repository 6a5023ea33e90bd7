package eval

import "strconv"

// Chart is a bar chart of one metric per category, one bar per variant with its 95% interval
// drawn as a whisker, laid out in SVG user units so any renderer can draw it as is.
type Chart struct {
	Metric        string
	Width, Height float64
	Baseline      float64 // y of the value 0
	Groups        []ChartGroup
	Ticks         []ChartTick
}

// ChartGroup is one category's bars.
type ChartGroup struct {
	Category string
	LabelX   float64
	Bars     []ChartBar
}

// ChartBar is one variant's bar: its box, the whisker's ends and the value shown.
type ChartBar struct {
	Variant      string
	Index        int // the variant's position, for its colour
	X, Y, W, H   float64
	WhiskerX     float64
	WhiskerTop   float64
	WhiskerBot   float64
	Label        string
	LabelY       float64
	HasValue     bool
	MeanPercents int
}

// ChartTick is a horizontal grid line with its label.
type ChartTick struct {
	Y     float64
	Label string
}

// Chart geometry.
const (
	chartPlotH = 160.0
	chartTop   = 12.0
	chartLeft  = 36.0
	chartBarW  = 22.0
	chartGap   = 24.0
)

// NewChart lays out metric (a 0..1 metric) for every category of r that has values.
func NewChart(r *Report, metric string) Chart {
	c := Chart{Metric: metric, Baseline: chartTop + chartPlotH}
	y := func(v float64) float64 { return chartTop + chartPlotH*(1-min(max(v, 0), 1)) }
	for _, v := range []float64{0, 0.25, 0.5, 0.75, 1} {
		c.Ticks = append(c.Ticks, ChartTick{Y: y(v), Label: percent(v)})
	}
	x := chartLeft + chartGap/2
	for _, cat := range append([]string{AllCategories}, categoryNames()...) {
		g := ChartGroup{Category: cat}
		any := false
		start := x
		for vi, v := range r.Variants {
			b := ChartBar{Variant: v, Index: vi, X: x, W: chartBarW, WhiskerX: x + chartBarW/2}
			if cell, ok := r.Cell(v, cat); ok {
				if iv, ok := cell.Metrics[metric]; ok && iv.N > 0 {
					any = true
					b.HasValue = true
					b.Y, b.H = y(iv.Mean), y(0)-y(iv.Mean)
					b.WhiskerTop, b.WhiskerBot = y(iv.High), y(iv.Low)
					b.Label, b.LabelY = percent(iv.Mean), y(iv.High)-3
					b.MeanPercents = int(iv.Mean*100 + 0.5)
				}
			}
			g.Bars = append(g.Bars, b)
			x += chartBarW + 2
		}
		if !any {
			x = start
			continue
		}
		g.LabelX = (start + x - 2) / 2
		c.Groups = append(c.Groups, g)
		x += chartGap
	}
	c.Width, c.Height = x, chartTop+chartPlotH+22
	return c
}

func percent(v float64) string {
	return strconv.Itoa(int(v*100+0.5)) + "%"
}
