package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"tutor/eval"
	"tutor/web/evaluate"
)

// evaluateJobShow follows an evaluation job live, with a link to its results.
func (h *Handler) evaluateJobShow(c echo.Context) error {
	j, err := h.pathJob(c, EvalJobKind, "an evaluation")
	if err != nil {
		return err
	}
	lines, err := h.Store.JobLog(ctx(c), j.ID, 0, 0)
	if err != nil {
		return err
	}
	p := evaluate.JobPage{Job: h.jobView(c, j), Log: logView(lines)}
	if len(lines) > 0 {
		p.LastSeq = lines[len(lines)-1].Seq
	}
	return render(c, http.StatusOK, evaluate.JobView(p))
}

// evaluateJobResults goes to the run an evaluation job started.
func (h *Handler) evaluateJobResults(c echo.Context) error {
	id, err := jobID(c)
	if err != nil {
		return err
	}
	run, err := eval.NewDB(h.Store.DB()).RunOfJob(ctx(c), id)
	if err != nil {
		return err
	}
	return redirect(c, fmt.Sprintf("/evaluate/runs/%d", run.ID))
}
