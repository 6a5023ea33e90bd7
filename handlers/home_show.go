package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tutor/store"
	"tutor/web/home"
)

// homeShow is the overview: the sections and the latest jobs.
func (h *Handler) homeShow(c echo.Context) error {
	docs, err := h.Store.Documents(ctx(c))
	if err != nil {
		return err
	}
	js, err := h.Store.Jobs(ctx(c), store.JobFilter{Limit: 5})
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, home.View(home.Page{Documents: len(docs), RecentJobs: h.jobViews(c, js)}))
}
