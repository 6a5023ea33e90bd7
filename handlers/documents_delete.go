package handlers

import (
	"github.com/labstack/echo/v4"
)

// documentsDelete removes a document, its passages and its vectors, and goes back to the list.
func (h *Handler) documentsDelete(c echo.Context) error {
	ix, id, err := h.indexAndDocument(c)
	if err != nil {
		return err
	}
	if err := ix.Delete(ctx(c), id); err != nil {
		return err
	}
	return redirect(c, "/documents")
}
