package handlers

import (
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"
)

// documentsOriginal downloads a document's bytes as uploaded. It is always an attachment, so
// an uploaded HTML file never renders as a page of this site.
func (h *Handler) documentsOriginal(c echo.Context) error {
	ix, id, err := h.indexAndDocument(c)
	if err != nil {
		return err
	}
	f, d, err := ix.Original(ctx(c), id)
	if err != nil {
		return err
	}
	defer f.Close()
	hd := c.Response().Header()
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.Name}))
	hd.Set("Cache-Control", "no-store")
	return c.Stream(http.StatusOK, "application/octet-stream", f)
}
