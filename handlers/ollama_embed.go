package handlers

import (
	"time"

	"github.com/labstack/echo/v4"
	"github.com/ollama/ollama/api"

	"tutor"
)

// ollamaEmbed serves POST /api/embed: L2-normalised vectors for one or many inputs.
func (h *Handler) ollamaEmbed(c echo.Context) error {
	start := time.Now()
	var req api.EmbedRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	e, err := h.Catalog.Get(req.Model)
	if err != nil {
		return err
	}
	if e.Embedder == nil {
		return tutor.Errorf(tutor.EINVALID, "%q does not support embeddings", req.Model)
	}
	inputs, err := embedInputs(req.Input)
	if err != nil {
		return err
	}
	vecs, err := e.Embedder.Embed(c.Request().Context(), inputs)
	if err != nil {
		return err
	}
	return c.JSON(200, api.EmbedResponse{Model: req.Model, Embeddings: vecs, TotalDuration: time.Since(start)})
}

// embedInputs accepts a string or a list of strings, as both APIs do.
func embedInputs(v any) ([]string, error) {
	if v == nil {
		return nil, tutor.Errorf(tutor.EINVALID, "input is required")
	}
	in, err := stringList(v)
	if err != nil {
		return nil, tutor.Errorf(tutor.EINVALID, "input: %v", err)
	}
	if len(in) == 0 {
		return nil, tutor.Errorf(tutor.EINVALID, "input is empty")
	}
	return in, nil
}
