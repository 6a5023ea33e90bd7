package handlers

import (
	"time"

	"github.com/labstack/echo/v4"
	"github.com/ollama/ollama/api"

	"tutor/llm"
)

// ollamaGenerate serves POST /api/generate like Ollama: a raw or templated completion,
// streamed as NDJSON unless "stream": false.
func (h *Handler) ollamaGenerate(c echo.Context) error {
	start := time.Now()
	var req api.GenerateRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	entry, err := h.Catalog.Get(req.Model)
	if err != nil {
		return err
	}
	opts, err := ollamaOptions(req.Options)
	if err != nil {
		return err
	}
	if req.Prompt == "" && !req.Raw {
		// Ollama answers an empty prompt by loading the model and reporting done.
		return c.JSON(200, api.GenerateResponse{Model: req.Model, CreatedAt: time.Now().UTC(), Done: true, DoneReason: "load"})
	}
	lreq := llm.Request{Options: opts, Raw: req.Raw, Prompt: req.Prompt}
	if !req.Raw {
		if req.System != "" {
			lreq.Messages = append(lreq.Messages, llm.Message{Role: "system", Content: req.System})
		}
		lreq.Messages = append(lreq.Messages, llm.Message{Role: "user", Content: req.Prompt})
	}
	ctx := llm.WithClient(c.Request().Context(), clientID(c))
	stream := req.Stream == nil || *req.Stream
	out := &ollamaStream{c: c}
	var piece func(string) error
	if stream {
		piece = func(p string) error {
			return out.send(api.GenerateResponse{Model: req.Model, CreatedAt: time.Now().UTC(), Response: p})
		}
	}
	resp, err := entry.Generate(ctx, lreq, piece)
	if err != nil {
		return out.fail(err)
	}
	final := api.GenerateResponse{Model: req.Model, CreatedAt: time.Now().UTC(), Done: true,
		DoneReason: doneReason(resp), Metrics: ollamaMetrics(resp, start)}
	if !stream {
		final.Response = resp.Text
		return c.JSON(200, final)
	}
	return out.send(final)
}
