package eval

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// Interval is a mean with its bootstrap 95% confidence interval over N values.
type Interval struct {
	Mean float64 `json:"mean"`
	Low  float64 `json:"low"`
	High float64 `json:"high"`
	N    int     `json:"n"`
}

// Resamples is how many bootstrap resamples an interval is computed from.
const Resamples = 2000

// Bootstrap returns the mean of xs with the percentile bootstrap 95% interval from resamples
// draws with replacement, using a generator seeded with seed (the same seed gives the same
// interval).
func Bootstrap(xs []float64, resamples int, seed uint64) Interval {
	n := len(xs)
	if n == 0 {
		return Interval{}
	}
	iv := Interval{Mean: mean(xs), N: n}
	if n == 1 || resamples < 2 {
		iv.Low, iv.High = iv.Mean, iv.Mean
		return iv
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	means := make([]float64, resamples)
	for i := range means {
		var s float64
		for range n {
			s += xs[rng.IntN(n)]
		}
		means[i] = s / float64(n)
	}
	sort.Float64s(means)
	iv.Low, iv.High = quantile(means, 0.025), quantile(means, 0.975)
	return iv
}

// quantile is the q-quantile of sorted xs by linear interpolation between closest ranks.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	return sorted[lo] + (pos-float64(lo))*(sorted[hi]-sorted[lo])
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// AllCategories is the category name of a summary row over every item.
const AllCategories = "all"

// Cell summarises one variant on one category (or [AllCategories]).
type Cell struct {
	Variant  string              `json:"variant"`
	Category string              `json:"category"`
	Items    int                 `json:"items"`
	Errors   int                 `json:"errors"`
	Metrics  map[string]Interval `json:"metrics"`
}

// Summarize aggregates results per variant × category, plus one [AllCategories] row per
// variant, with bootstrap intervals seeded by seed. Rows follow variants' order, then
// [AllCategories] and [Categories] order; categories without items are left out.
func Summarize(results []Result, variants []string, seed uint64) []Cell {
	var cells []Cell
	for vi, v := range variants {
		cats := append([]string{AllCategories}, categoryNames()...)
		for ci, c := range cats {
			cell := Cell{Variant: v, Category: c, Metrics: map[string]Interval{}}
			values := map[string][]float64{}
			for _, r := range results {
				if r.Variant != v || (c != AllCategories && string(r.Category) != c) {
					continue
				}
				cell.Items++
				if r.Error != "" {
					cell.Errors++
					// an error is a failed item: it counts against pass, not as missing
					values[MPass] = append(values[MPass], 0)
					continue
				}
				for k, x := range r.Metrics {
					values[k] = append(values[k], x)
				}
			}
			if cell.Items == 0 {
				continue
			}
			for k, xs := range values {
				cell.Metrics[k] = Bootstrap(xs, Resamples, seed+uint64(vi*100+ci))
			}
			cells = append(cells, cell)
		}
	}
	return cells
}

func categoryNames() []string {
	out := make([]string, len(Categories))
	for i, c := range Categories {
		out[i] = string(c)
	}
	return out
}

// Paired compares two variants item by item on one metric.
type Paired struct {
	A, B     string   `json:"-"`
	Metric   string   `json:"metric"`
	N        int      `json:"n"` // items where both have the metric
	Wins     int      `json:"wins"`
	Losses   int      `json:"losses"`
	Ties     int      `json:"ties"`
	WinRate  float64  `json:"win_rate"` // (wins + ties/2) / n, from A's side
	Diff     Interval `json:"diff"`     // mean of A − B with its paired bootstrap interval
	SignTest float64  `json:"sign_p"`   // two-sided exact sign test p-value over non-tied items
}

// Compare pairs a's and b's results on the same items and compares metric: win rate, the
// paired bootstrap interval of the mean difference, and the sign test.
func Compare(results []Result, a, b, metric string, seed uint64) Paired {
	p := Paired{A: a, B: b, Metric: metric}
	byItem := map[string][2]*float64{}
	var order []string
	for _, r := range results {
		if r.Variant != a && r.Variant != b {
			continue
		}
		x, ok := r.Metrics[metric]
		if r.Error != "" && metric == MPass {
			x, ok = 0, true
		}
		if !ok {
			continue
		}
		pair, seen := byItem[r.Item]
		if !seen {
			order = append(order, r.Item)
		}
		if r.Variant == a {
			pair[0] = &x
		} else {
			pair[1] = &x
		}
		byItem[r.Item] = pair
	}
	var diffs []float64
	for _, id := range order {
		pair := byItem[id]
		if pair[0] == nil || pair[1] == nil {
			continue
		}
		d := *pair[0] - *pair[1]
		diffs = append(diffs, d)
		switch {
		case d > 1e-12:
			p.Wins++
		case d < -1e-12:
			p.Losses++
		default:
			p.Ties++
		}
	}
	p.N = len(diffs)
	if p.N == 0 {
		p.SignTest = 1
		return p
	}
	p.WinRate = (float64(p.Wins) + float64(p.Ties)/2) / float64(p.N)
	p.Diff = Bootstrap(diffs, Resamples, seed)
	p.SignTest = SignTest(p.Wins, p.Losses)
	return p
}

// SignTest is the two-sided exact binomial p-value of wins against losses under p = 1/2.
func SignTest(wins, losses int) float64 {
	n := wins + losses
	if n == 0 {
		return 1
	}
	k := min(wins, losses)
	var tail float64
	for i := 0; i <= k; i++ {
		tail += math.Exp(logChoose(n, i) - float64(n)*math.Ln2)
	}
	return math.Min(1, 2*tail)
}

func logChoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// Regression is an item that got worse between two runs of the same variant.
type Regression struct {
	Variant string  `json:"variant"`
	Item    string  `json:"item"`
	Metric  string  `json:"metric"`
	Before  float64 `json:"before"`
	After   float64 `json:"after"`
	Note    string  `json:"note,omitempty"`
}

// Regressions lists, per variant present in both runs, the items that now fail (pass 1 → 0 or a
// new error) and those whose metric fell by at least minDrop, worst first.
func Regressions(before, after []Result, metric string, minDrop float64) []Regression {
	old := map[[2]string]Result{}
	for _, r := range before {
		old[[2]string{r.Variant, r.Item}] = r
	}
	var out []Regression
	for _, r := range after {
		o, ok := old[[2]string{r.Variant, r.Item}]
		if !ok {
			continue
		}
		switch {
		case o.Error == "" && r.Error != "":
			out = append(out, Regression{Variant: r.Variant, Item: r.Item, Metric: MPass, Before: o.Metrics[MPass], Note: r.Error})
			continue
		case o.Passed() && !r.Passed():
			out = append(out, Regression{Variant: r.Variant, Item: r.Item, Metric: MPass, Before: 1, After: 0})
			continue
		}
		if metric == MPass {
			continue
		}
		x, ok1 := o.Metrics[metric]
		y, ok2 := r.Metrics[metric]
		if ok1 && ok2 && x-y >= minDrop {
			out = append(out, Regression{Variant: r.Variant, Item: r.Item, Metric: metric, Before: x, After: y})
		}
	}
	slices.SortStableFunc(out, func(a, b Regression) int {
		da, db := a.Before-a.After, b.Before-b.After
		switch {
		case da > db:
			return -1
		case da < db:
			return 1
		}
		return 0
	})
	return out
}
