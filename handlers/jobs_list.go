package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tutor/store"
	webjobs "tutor/web/jobs"
)

// jobsList shows the latest jobs of every kind.
func (h *Handler) jobsList(c echo.Context) error {
	js, err := h.Store.Jobs(ctx(c), store.JobFilter{})
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, webjobs.List(webjobs.ListPage{Jobs: h.jobViews(c, js), CanStart: h.can(c, ActRunJobs)}))
}
