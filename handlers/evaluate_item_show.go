package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/eval"
	"tutor/web/evaluate"
)

// evaluateItemShow is one item of a run: every variant's answer and metrics side by side.
func (h *Handler) evaluateItemShow(c echo.Context) error {
	run, r, err := h.evalReport(c)
	if err != nil {
		return err
	}
	for _, it := range r.Items {
		if it.ID != c.Param("item") {
			continue
		}
		p := evaluate.ItemPage{Run: runView(run), Item: it.Item, Results: it.Results}
		for _, m := range append(append([]string{}, eval.QualityMetrics...), eval.SpeedMetrics...) {
			for _, res := range it.Results {
				if _, ok := res.Metrics[m]; ok {
					p.Metrics = append(p.Metrics, m)
					break
				}
			}
		}
		return render(c, http.StatusOK, evaluate.ItemView(p))
	}
	return tutor.Errorf(tutor.ENOTFOUND, "item %q is not in run %d", c.Param("item"), run.ID)
}
