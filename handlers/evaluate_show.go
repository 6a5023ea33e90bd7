package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tutor/store"
	"tutor/web/evaluate"
)

// evaluateShow is the Evaluate page with the evaluation jobs so far.
func (h *Handler) evaluateShow(c echo.Context) error {
	js, err := h.Store.Jobs(ctx(c), store.JobFilter{Kind: "eval"})
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, evaluate.View(evaluate.Page{Jobs: h.jobViews(c, js)}))
}
