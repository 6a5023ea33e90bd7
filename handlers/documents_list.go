package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/rag"
	"tutor/store"
	"tutor/web/documents"
)

// searchTopK is how many passages the search box shows.
const searchTopK = 10

var errNoIndex = tutor.Errorf(tutor.EUNAVAILABLE, "the document index is not open")

// documentsList is the Documents page: the upload form, the live indexing job, the search
// box with its results, and the documents.
func (h *Handler) documentsList(c echo.Context) error {
	ix, err := h.index()
	if err != nil {
		return err
	}
	docs, err := ix.List(ctx(c))
	if err != nil {
		return err
	}
	p := documents.Page{CanUpload: h.can(c, ActUpload), CanDelete: h.can(c, ActDeleteDocuments),
		MaxFile: ix.Limits().MaxFileBytes}
	if p.Query, err = question(c.QueryParam("q")); err != nil {
		return err
	}
	p.Uploaded, _ = strconv.Atoi(c.QueryParam("uploaded"))
	for _, d := range docs {
		p.Documents = append(p.Documents, documentView(d))
	}
	if p.Query != "" {
		hits, err := ix.Search(ctx(c), p.Query, rag.SearchOptions{TopK: searchTopK})
		if err != nil {
			return err
		}
		p.Hits = passageViews(hits)
	}
	if js, err := h.Store.Jobs(ctx(c), store.JobFilter{Kind: IndexJobKind, Limit: 1}); err != nil {
		return err
	} else if len(js) > 0 && !js[0].State.Final() {
		v := h.jobView(c, js[0])
		p.Indexing = &v
	}
	return render(c, http.StatusOK, documents.View(p))
}
