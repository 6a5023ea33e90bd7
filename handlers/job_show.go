package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/store"
	webjobs "tutor/web/jobs"
)

// jobShow is one job's page with its log; while the job runs the page follows it over SSE.
func (h *Handler) jobShow(c echo.Context) error {
	j, err := h.pathJob(c, "", "")
	if err != nil {
		return err
	}
	lines, err := h.Store.JobLog(ctx(c), j.ID, 0, 0)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, webjobs.Detail(webjobs.DetailPage{Job: h.jobView(c, j), Log: logView(lines)}))
}

// pathJob is the job named by :id; when kind is set, a job of another kind is not found
// ("job N is not <what>").
func (h *Handler) pathJob(c echo.Context, kind, what string) (*store.Job, error) {
	id, err := jobID(c)
	if err != nil {
		return nil, err
	}
	j, err := h.Store.Job(ctx(c), id)
	if err != nil {
		return nil, err
	}
	if kind != "" && j.Kind != kind {
		return nil, tutor.Errorf(tutor.ENOTFOUND, "job %d is not %s", id, what)
	}
	return j, nil
}

func jobID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, tutor.Errorf(tutor.ENOTFOUND, "job %q not found", c.Param("id"))
	}
	return id, nil
}
