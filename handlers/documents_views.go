package handlers

import (
	"github.com/labstack/echo/v4"

	"tutor/rag"
	"tutor/web/documents"
)

// documentView is a document as the pages show it.
func documentView(d rag.Document) documents.Document {
	return documents.Document{ID: d.ID, Name: d.Name, Format: d.Format, Size: d.Size, Chunks: d.Chunks, Status: d.Status,
		Error: d.Error, UploadedBy: d.UploadedBy, CreatedAt: d.CreatedAt}
}

// passageViews numbers hits from 1, in rank order, as prompts cite them.
func passageViews(hits []rag.Hit) []documents.Passage {
	out := make([]documents.Passage, 0, len(hits))
	for i, h := range hits {
		out = append(out, documents.Passage{N: i + 1, DocID: h.DocID, DocName: h.DocName, Heading: h.HeadingPath(),
			Start: h.Start, End: h.End, Text: h.Text, Score: h.Score})
	}
	return out
}

// index is the document index, or an EUNAVAILABLE error when this server runs without one.
func (h *Handler) index() (*rag.Index, error) {
	if h.RAG == nil {
		return nil, errNoIndex
	}
	return h.RAG, nil
}

// callerName is the signed-in name, or "" when access control is off.
func callerName(c echo.Context) string {
	if p := caller(c); p != nil {
		return p.Name
	}
	return ""
}
