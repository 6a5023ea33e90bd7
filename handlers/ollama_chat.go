package handlers

import (
	"time"

	"github.com/labstack/echo/v4"
	"github.com/ollama/ollama/api"

	"tutor"
	"tutor/llm"
)

// ollamaChat serves POST /api/chat like Ollama: the messages formatted with the model's chat
// template, the reply streamed as NDJSON unless "stream": false.
func (h *Handler) ollamaChat(c echo.Context) error {
	start := time.Now()
	var req api.ChatRequest
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
	if len(req.Messages) == 0 {
		return c.JSON(200, api.ChatResponse{Model: req.Model, CreatedAt: time.Now().UTC(),
			Message: api.Message{Role: "assistant"}, Done: true, DoneReason: "load"})
	}
	msgs, err := chatMessages(req.Messages)
	if err != nil {
		return err
	}
	ctx := llm.WithClient(c.Request().Context(), clientID(c))
	stream := req.Stream == nil || *req.Stream
	out := &ollamaStream{c: c}
	var piece func(string) error
	if stream {
		piece = func(p string) error {
			return out.send(api.ChatResponse{Model: req.Model, CreatedAt: time.Now().UTC(),
				Message: api.Message{Role: "assistant", Content: p}})
		}
	}
	resp, err := entry.Generate(ctx, llm.Request{Messages: msgs, Options: opts}, piece)
	if err != nil {
		return out.fail(err)
	}
	final := api.ChatResponse{Model: req.Model, CreatedAt: time.Now().UTC(), Done: true,
		Message: api.Message{Role: "assistant"}, DoneReason: doneReason(resp), Metrics: ollamaMetrics(resp, start)}
	if !stream {
		final.Message.Content = resp.Text
		return c.JSON(200, final)
	}
	return out.send(final)
}

// chatMessages checks the roles of a chat and converts it.
func chatMessages(in []api.Message) ([]llm.Message, error) {
	out := make([]llm.Message, 0, len(in))
	for i, m := range in {
		switch m.Role {
		case "system", "user", "assistant":
		default:
			return nil, tutor.Errorf(tutor.EINVALID, "messages[%d].role: want system, user or assistant, got %q", i, m.Role)
		}
		out = append(out, llm.Message{Role: m.Role, Content: m.Content})
	}
	return out, nil
}
