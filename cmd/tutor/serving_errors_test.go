package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestServingMalformedRequests: each API answers bad requests with the status and the error
// body its clients parse — Ollama {"error": "..."}, OpenAI {"error": {"message", "type", "param", "code"}}.
func TestServingMalformedRequests(t *testing.T) {
	dir := writeWorkspace(t)
	m := startTutor(t, dir, nil)
	long := strings.Repeat("the quarterly objectives and key results ", 400) // over 2048 tokens
	msgs := func(s string) []map[string]string { return []map[string]string{{"role": "user", "content": s}} }
	tests := []struct {
		name, path string
		body       any
		status     int
		contains   string // in the error message
		param      string // OpenAI only
		typ        string // OpenAI only
	}{
		{"ollama bad JSON", "/api/chat", `{"model": "tiny", "messages": [`, 400, "malformed JSON", "", ""},
		{"ollama unknown model", "/api/chat", map[string]any{"model": "nope", "messages": msgs("hi")}, 404, `model "nope" not found`, "", ""},
		{"ollama negative num_predict", "/api/generate", map[string]any{"model": "tiny", "prompt": "hi",
			"options": map[string]any{"num_predict": -5}}, 400, "num_predict", "", ""},
		{"ollama wrong option type", "/api/generate", map[string]any{"model": "tiny", "prompt": "hi",
			"options": map[string]any{"temperature": "hot"}}, 400, "temperature", "", ""},
		{"ollama context overflow", "/api/chat", map[string]any{"model": "tiny:tuned-okr", "messages": msgs(long),
			"options": map[string]any{"num_ctx": 64}}, 400, "context window", "", ""},
		{"ollama bad role", "/api/chat", map[string]any{"model": "tiny", "messages": []map[string]string{{"role": "robot", "content": "x"}}},
			400, "messages[0].role", "", ""},
		{"openai bad JSON", "/v1/chat/completions", `{"model": 1`, 400, "malformed JSON", "", "invalid_request_error"},
		{"openai unknown model", "/v1/chat/completions", map[string]any{"model": "nope", "messages": msgs("hi")}, 404,
			`model "nope" not found`, "model", "invalid_request_error"},
		{"openai negative max_tokens", "/v1/chat/completions", map[string]any{"model": "tiny", "messages": msgs("hi"),
			"max_tokens": -1}, 400, "max_tokens", "max_tokens", "invalid_request_error"},
		{"openai empty messages", "/v1/chat/completions", map[string]any{"model": "tiny", "messages": []any{}}, 400,
			"messages", "messages", "invalid_request_error"},
		{"openai context overflow", "/v1/chat/completions", map[string]any{"model": "tiny", "messages": msgs(long)}, 400,
			"context window", "", "invalid_request_error"},
		{"openai context overflow streaming", "/v1/chat/completions", map[string]any{"model": "tiny", "messages": msgs(long),
			"stream": true}, 400, "context window", "", "invalid_request_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, hdr, body := postJSON(t, m.URL()+tt.path, "", tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("Content-Type %q: %s", ct, body)
			}
			if strings.HasPrefix(tt.path, "/api/") {
				var e struct{ Error string }
				if err := json.Unmarshal(body, &e); err != nil || !strings.Contains(e.Error, tt.contains) {
					t.Fatalf("Ollama error body %s, want an error containing %q", body, tt.contains)
				}
				return
			}
			var e struct {
				Error struct {
					Message string
					Type    string
					Param   *string
					Code    any
				}
			}
			if err := json.Unmarshal(body, &e); err != nil || !strings.Contains(e.Error.Message, tt.contains) || e.Error.Type != tt.typ {
				t.Fatalf("OpenAI error body %s, want message containing %q, type %s", body, tt.contains, tt.typ)
			}
			if tt.param != "" && (e.Error.Param == nil || *e.Error.Param != tt.param) {
				t.Fatalf("OpenAI error body %s, want param %q", body, tt.param)
			}
		})
	}
}
