package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tutor/web/models"
)

// modelsList is the Models page.
func (h *Handler) modelsList(c echo.Context) error {
	return render(c, http.StatusOK, models.View(models.Page{OllamaURL: h.Opts.OllamaURL}))
}
