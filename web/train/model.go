// Package train renders the Train page: the form that starts a run, the dataset preview, the
// runs and adapters, and one run's live loss chart.
package train

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"tutor/web/jobs"
)

// Page is the Train page.
type Page struct {
	Jobs      []jobs.Job
	CanTrain  bool
	Bases     []string // model files in the workspace's models folder
	Params    []Param
	Adapters  []Adapter
	OllamaURL string // publishing is offered when set
	Published string // the model just published, for a notice
}

// Param is one training setting on the form.
type Param struct {
	Name    string // form field and help key
	Value   string // default
	Step    string // number input step; "" for text
	HelpKey string
}

// Adapter is a trained adapter with its downloads.
type Adapter struct {
	Name, Base  string
	Steps       int
	TrainLoss   string
	BestValLoss string
	Created     time.Time
	JobID       int64
}

// GGUFURL downloads the GGUF adapter.
func (a Adapter) GGUFURL() string { return "/adapters/" + a.Name + "/adapter.gguf" }

// PEFTURL downloads the PEFT adapter as a zip.
func (a Adapter) PEFTURL() string { return "/adapters/" + a.Name + "/peft.zip" }

// PublishURL is where the publish form posts.
func (a Adapter) PublishURL() string { return "/adapters/" + a.Name + "/publish" }

// RunURL is the page of a training run.
func RunURL(id int64) string { return "/train/" + strconv.FormatInt(id, 10) }

// Preview is an uploaded dataset's summary before training.
type Preview struct {
	File    string
	Records int
	Kinds   string // "chat" or "text"
	Samples []Sample
}

// Sample is one record shown in the preview: the prompt part and the learned part.
type Sample struct {
	Source, Prompt, Answer string
}

// RunPage is one training run.
type RunPage struct {
	Job         jobs.Job
	Chart       Chart
	Checkpoints []string
	Adapter     *Adapter
	Log         []jobs.LogLine
}

// Point is one step of the loss curve.
type Point struct {
	Step      int
	Train     float64
	Val       float64 // 0 when not measured
	TokensSec float64
	ETA       time.Duration
}

// Chart is the loss curve as SVG paths in a Width×Height box.
type Chart struct {
	Points           []Point
	TrainPath        string
	ValPath          string
	ValDots          [][2]float64
	YMax, YMin       string
	Steps            int
	Last             Point
	Width, Height    int
	TokensSec, ETA   string
	TrainNow, ValNow string
}

// NewChart lays out the curve of points over steps planned steps.
func NewChart(points []Point, steps int) Chart {
	c := Chart{Points: points, Steps: max(steps, 1), Width: 600, Height: 220}
	if len(points) == 0 {
		return c
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range points {
		for _, v := range []float64{p.Train, p.Val} {
			if v > 0 && !math.IsInf(v, 0) && !math.IsNaN(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 0) {
		return c
	}
	if hi-lo < 1e-6 {
		hi = lo + 1
	}
	lo = max(0, lo-0.05*(hi-lo))
	x := func(step int) float64 { return 40 + float64(step)/float64(c.Steps)*float64(c.Width-50) }
	y := func(v float64) float64 { return 10 + (hi-v)/(hi-lo)*float64(c.Height-30) }
	var tp, vp strings.Builder
	for _, p := range points {
		if p.Train > 0 {
			cmd := "L"
			if tp.Len() == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&tp, "%s%.1f,%.1f ", cmd, x(p.Step), y(p.Train))
		}
		if p.Val > 0 {
			cmd := "L"
			if vp.Len() == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&vp, "%s%.1f,%.1f ", cmd, x(p.Step), y(p.Val))
			c.ValDots = append(c.ValDots, [2]float64{x(p.Step), y(p.Val)})
		}
	}
	c.TrainPath, c.ValPath = strings.TrimSpace(tp.String()), strings.TrimSpace(vp.String())
	c.YMax, c.YMin = fmt.Sprintf("%.3g", hi), fmt.Sprintf("%.3g", lo)
	c.Last = points[len(points)-1]
	c.TokensSec = fmt.Sprintf("%.0f", c.Last.TokensSec)
	c.ETA = c.Last.ETA.Round(time.Second).String()
	c.TrainNow = fmt.Sprintf("%.4f", c.Last.Train)
	for i := len(points) - 1; i >= 0; i-- {
		if points[i].Val > 0 {
			c.ValNow = fmt.Sprintf("%.4f", points[i].Val)
			break
		}
	}
	return c
}

// F formats a coordinate for an SVG attribute.
func F(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
