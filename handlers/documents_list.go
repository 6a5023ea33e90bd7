package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tutor/web/documents"
)

// documentsList shows the documents in the workspace.
func (h *Handler) documentsList(c echo.Context) error {
	docs, err := h.Store.Documents(ctx(c))
	if err != nil {
		return err
	}
	p := documents.Page{}
	for _, d := range docs {
		p.Documents = append(p.Documents, documents.Document{ID: d.ID, Name: d.Name, Size: d.Size, Status: d.Status, CreatedAt: d.CreatedAt})
	}
	return render(c, http.StatusOK, documents.View(p))
}
