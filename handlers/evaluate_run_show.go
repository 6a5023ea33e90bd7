package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/eval"
	"tutor/web/evaluate"
)

// evaluateRunShow is a run's results: summary with intervals, charts, items.
func (h *Handler) evaluateRunShow(c echo.Context) error {
	run, r, err := h.evalReport(c)
	if err != nil {
		return err
	}
	p := evaluate.RunPage{Run: runView(run), Summary: r.Summary, Comparisons: r.Comparisons, Charts: eval.Charts(r)}
	for _, m := range append(append([]string{}, eval.QualityMetrics...), eval.MLatency) {
		for _, cell := range r.Summary {
			if _, ok := cell.Metrics[m]; ok {
				p.Metrics = append(p.Metrics, m)
				break
			}
		}
	}
	for _, it := range r.Items {
		row := evaluate.ItemRow{ID: it.ID, Question: it.Question, Category: string(it.Category), Language: it.Language}
		for _, res := range it.Results {
			out := "fail"
			switch {
			case res.Error != "":
				out = "error"
			case res.Passed():
				out = "pass"
			}
			row.Marks = append(row.Marks, evaluate.Mark{Variant: res.Variant, Outcome: out})
		}
		p.Items = append(p.Items, row)
	}
	return render(c, http.StatusOK, evaluate.RunView(p))
}

// evalReport reads the run named in the route and builds its report.
func (h *Handler) evalReport(c echo.Context) (*eval.RunInfo, *eval.Report, error) {
	id, err := strconv.ParseInt(c.Param("run"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, tutor.Errorf(tutor.ENOTFOUND, "evaluation run %q not found", c.Param("run"))
	}
	db := eval.NewDB(h.Store.DB())
	run, err := db.Run(ctx(c), id)
	if err != nil {
		return nil, nil, err
	}
	r, err := db.Report(ctx(c), id)
	return run, r, err
}
