package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tutor/store"
	"tutor/web/train"
)

// trainShow is the Train page with the training jobs so far.
func (h *Handler) trainShow(c echo.Context) error {
	js, err := h.Store.Jobs(ctx(c), store.JobFilter{Kind: "train"})
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, train.View(train.Page{Jobs: h.jobViews(c, js)}))
}
