package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/rag"
	"tutor/web/documents"
)

// documentsShow is one document with its extracted text; ?start=&end= (byte offsets, as
// passages carry them) highlight a passage.
func (h *Handler) documentsShow(c echo.Context) error {
	ix, id, err := h.indexAndDocument(c)
	if err != nil {
		return err
	}
	d, err := ix.Get(ctx(c), id)
	if err != nil {
		return err
	}
	text, err := ix.Text(ctx(c), id)
	if err != nil && tutor.ErrorCode(err) != tutor.ENOTFOUND {
		return err
	}
	p := documents.DetailPage{Doc: documentView(d), Text: text, Start: -1, End: -1, CanDelete: h.can(c, ActDeleteDocuments)}
	if s, e := c.QueryParam("start"), c.QueryParam("end"); s != "" || e != "" {
		if p.Start, err = strconv.Atoi(s); err != nil {
			return tutor.Errorf(tutor.EINVALID, "start must be a byte offset")
		}
		if p.End, err = strconv.Atoi(e); err != nil {
			return tutor.Errorf(tutor.EINVALID, "end must be a byte offset")
		}
	}
	return render(c, http.StatusOK, documents.Detail(p))
}

// indexAndDocument is the document index and the document id of the path.
func (h *Handler) indexAndDocument(c echo.Context) (*rag.Index, int64, error) {
	ix, err := h.index()
	if err != nil {
		return nil, 0, err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, 0, tutor.Errorf(tutor.ENOTFOUND, "document %q not found", c.Param("id"))
	}
	return ix, id, nil
}
