package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/web"
)

// staticShow serves an embedded asset at its content-hashed URL, cached for a year: a new
// build changes the URL, never the content behind one.
func (h *Handler) staticShow(c echo.Context) error {
	a, ok := web.AssetByURL(c.Request().URL.Path)
	if !ok {
		return tutor.Errorf(tutor.ENOTFOUND, "no such file")
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, a.ContentType, a.Body)
}
