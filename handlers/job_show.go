package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"tutor"
	webjobs "tutor/web/jobs"
)

// jobShow is one job's page with its log; while the job runs the page follows it over SSE.
func (h *Handler) jobShow(c echo.Context) error {
	id, err := jobID(c)
	if err != nil {
		return err
	}
	j, err := h.Store.Job(ctx(c), id)
	if err != nil {
		return err
	}
	lines, err := h.Store.JobLog(ctx(c), id, 0, 0)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, webjobs.Detail(webjobs.DetailPage{Job: h.jobView(c, j), Log: logView(lines)}))
}

func jobID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, tutor.Errorf(tutor.ENOTFOUND, "job %q not found", c.Param("id"))
	}
	return id, nil
}
