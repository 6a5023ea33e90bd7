package handlers

import (
	"time"

	"github.com/labstack/echo/v4"

	"tutor"
)

// openaiModels serves GET /v1/models.
func (h *Handler) openaiModels(c echo.Context) error {
	entries := h.Catalog.List()
	data := make([]map[string]any, 0, len(entries))
	now := time.Now().Unix()
	for _, e := range entries {
		data = append(data, map[string]any{"id": e.Name, "object": "model", "created": now, "owned_by": "tutor"})
	}
	return c.JSON(200, map[string]any{"object": "list", "data": data})
}

// openaiEmbeddings serves POST /v1/embeddings.
func (h *Handler) openaiEmbeddings(c echo.Context) error {
	var req struct {
		Model string `json:"model"`
		Input any    `json:"input"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	e, err := h.Catalog.Get(req.Model)
	if err != nil {
		return withParam(c, err, "model")
	}
	if e.Embedder == nil {
		return withParam(c, tutor.Errorf(tutor.EINVALID, "model %q does not support embeddings", req.Model), "model")
	}
	inputs, err := embedInputs(req.Input)
	if err != nil {
		return withParam(c, err, "input")
	}
	vecs, err := e.Embedder.Embed(c.Request().Context(), inputs)
	if err != nil {
		return err
	}
	data := make([]map[string]any, len(vecs))
	tokens := 0
	for i, v := range vecs {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": v}
		tokens += len([]rune(inputs[i])) // embedders report no token counts; characters bound them from above
	}
	return c.JSON(200, map[string]any{"object": "list", "data": data, "model": req.Model,
		"usage": map[string]int{"prompt_tokens": tokens, "total_tokens": tokens}})
}
