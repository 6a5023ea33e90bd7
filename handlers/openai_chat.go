package handlers

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/llm"
)

// openaiChatRequest is the part of OpenAI's chat completion request Tutor honours.
type openaiChatRequest struct {
	Model         string          `json:"model"`
	Messages      []openaiMessage `json:"messages"`
	Stream        bool            `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	Temperature         *float64 `json:"temperature"`
	TopP                *float64 `json:"top_p"`
	MaxTokens           *int     `json:"max_tokens"`
	MaxCompletionTokens *int     `json:"max_completion_tokens"`
	Stop                any      `json:"stop"`
	Seed                *int64   `json:"seed"`
	N                   *int     `json:"n"`
}

type openaiMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// openaiChat serves POST /v1/chat/completions, streaming as server-sent events when asked.
func (h *Handler) openaiChat(c echo.Context) error {
	var req openaiChatRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	lreq, param, err := req.toLLM()
	if err != nil {
		return withParam(c, err, param)
	}
	entry, err := h.Catalog.Get(req.Model)
	if err != nil {
		return withParam(c, err, "model")
	}
	ctx := llm.WithClient(c.Request().Context(), clientID(c))
	id := fmt.Sprintf("chatcmpl-%d", time.Now().UnixNano())
	created := time.Now().Unix()
	if !req.Stream {
		resp, err := entry.Generate(ctx, lreq, nil)
		if err != nil {
			return err
		}
		return c.JSON(200, map[string]any{
			"id": id, "object": "chat.completion", "created": created, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": finishReason(resp),
				"message": map[string]string{"role": "assistant", "content": resp.Text}}},
			"usage": openaiUsage(resp),
		})
	}
	out := &openaiSSE{c: c}
	chunk := func(delta map[string]string, finish any) map[string]any {
		return map[string]any{"id": id, "object": "chat.completion.chunk", "created": created, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
	}
	first := true
	resp, err := entry.Generate(ctx, lreq, func(p string) error {
		d := map[string]string{"content": p}
		if first {
			d["role"], first = "assistant", false
		}
		return out.data(chunk(d, nil))
	})
	if err != nil {
		if !out.started() {
			return err
		}
		return out.data(map[string]any{"error": openaiErrorBody(tutor.ErrorCode(err), tutor.ErrorMessage(err), "")})
	}
	if err := out.data(chunk(map[string]string{}, finishReason(resp))); err != nil {
		return err
	}
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		last := map[string]any{"id": id, "object": "chat.completion.chunk", "created": created, "model": req.Model,
			"choices": []any{}, "usage": openaiUsage(resp)}
		if err := out.data(last); err != nil {
			return err
		}
	}
	return out.raw("[DONE]")
}

// toLLM checks the request and converts it; param names the field at fault.
func (r *openaiChatRequest) toLLM() (llm.Request, string, error) {
	var q llm.Request
	if r.Model == "" {
		return q, "model", tutor.Errorf(tutor.EINVALID, "model is required")
	}
	if len(r.Messages) == 0 {
		return q, "messages", tutor.Errorf(tutor.EINVALID, "messages must not be empty")
	}
	for i, m := range r.Messages {
		text, err := messageText(m.Content)
		if err != nil {
			return q, fmt.Sprintf("messages[%d].content", i), err
		}
		switch m.Role {
		case "system", "developer":
			m.Role = "system"
		case "user", "assistant":
		default:
			return q, fmt.Sprintf("messages[%d].role", i), tutor.Errorf(tutor.EINVALID, "unsupported role %q", m.Role)
		}
		q.Messages = append(q.Messages, llm.Message{Role: m.Role, Content: text})
	}
	if r.N != nil && *r.N != 1 {
		return q, "n", tutor.Errorf(tutor.EINVALID, "only n=1 is supported")
	}
	if t := r.Temperature; t != nil && (*t < 0 || *t > 2) {
		return q, "temperature", tutor.Errorf(tutor.EINVALID, "temperature must be between 0 and 2")
	}
	if p := r.TopP; p != nil && (*p < 0 || *p > 1) {
		return q, "top_p", tutor.Errorf(tutor.EINVALID, "top_p must be between 0 and 1")
	}
	q.Options.Temperature, q.Options.Seed = r.Temperature, r.Seed
	if r.TopP != nil {
		q.Options.TopP = *r.TopP
	}
	for param, n := range map[string]*int{"max_tokens": r.MaxTokens, "max_completion_tokens": r.MaxCompletionTokens} {
		if n == nil {
			continue
		}
		if *n < 1 {
			return q, param, tutor.Errorf(tutor.EINVALID, "%s must be at least 1", param)
		}
		q.Options.NumPredict = *n
	}
	if r.Stop != nil {
		stops, err := stringList(r.Stop)
		if err != nil {
			return q, "stop", tutor.Errorf(tutor.EINVALID, "stop: %v", err)
		}
		q.Options.Stop = stops
	}
	return q, "", nil
}

// messageText accepts a string or an array of text parts.
func messageText(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var parts []struct{ Type, Text string }
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", tutor.Errorf(tutor.EINVALID, "content must be a string or an array of text parts")
	}
	for _, p := range parts {
		if p.Type != "text" {
			return "", tutor.Errorf(tutor.EUNSUPPORTED, "content part type %q is not supported", p.Type)
		}
		s += p.Text
	}
	return s, nil
}

func finishReason(r llm.Response) string {
	if r.DoneReason == "length" {
		return "length"
	}
	return "stop"
}

func openaiUsage(r llm.Response) map[string]int {
	return map[string]int{"prompt_tokens": r.PromptTokens, "completion_tokens": r.CompletionTokens,
		"total_tokens": r.PromptTokens + r.CompletionTokens}
}
