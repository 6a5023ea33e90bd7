package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tutor"
)

// healthShow answers a load balancer: 200 when the database answers, 503 otherwise.
func (h *Handler) healthShow(c echo.Context) error {
	if err := h.Store.DB().PingContext(ctx(c)); err != nil {
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "database unavailable")
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": h.Opts.Version})
}
