package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"tutor/store"
)

// TestServingAPIKeysAndRoles: with access control on, the serving APIs want an API key; the
// key's role decides what it may call — a manager's key chats but may not publish, a
// trainer's may — and refusals come in each API's error shape.
func TestServingAPIKeysAndRoles(t *testing.T) {
	dir := writeWorkspace(t)
	ctx := context.Background()
	s, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, "ada", store.RoleAdmin, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	_, manager, err := s.CreateAPIKey(ctx, "dashboard", store.RoleManager, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, trainer, err := s.CreateAPIKey(ctx, "pipeline", store.RoleTrainer, 0)
	if err != nil {
		t.Fatal(err)
	}
	revokedKey, revoked, err := s.CreateAPIKey(ctx, "old", store.RoleTrainer, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIKey(ctx, revokedKey.ID); err != nil {
		t.Fatal(err)
	}
	s.Close()
	m := startTutor(t, dir, nil)

	chat := map[string]any{"model": "tiny:tuned-okr", "stream": false, "messages": []map[string]string{{"role": "user", "content": "hi"}},
		"options": map[string]any{"num_predict": 4}}
	oaChat := map[string]any{"model": "tiny:tuned-okr", "max_tokens": 4, "messages": []map[string]string{{"role": "user", "content": "hi"}}}
	publish := map[string]string{"model": "tiny:tuned-okr", "name": "tutor-okr"}
	tests := []struct {
		name, method, path, key string
		body                    any
		status                  int
		contains                string
	}{
		{"version is public", "GET", "/api/version", "", nil, 200, `"version"`},
		{"tags without a key", "GET", "/api/tags", "", nil, 401, `{"error":"sign in first"}`},
		{"models without a key", "GET", "/v1/models", "", nil, 401, `"type":"authentication_error"`},
		{"unknown key", "POST", "/api/chat", "tutor_0000", chat, 401, `{"error":"unknown API key"}`},
		{"revoked key", "POST", "/v1/chat/completions", revoked, oaChat, 401, `was revoked`},
		{"manager lists", "GET", "/api/tags", manager, nil, 200, `tiny:tuned-okr`},
		{"manager chats (Ollama)", "POST", "/api/chat", manager, chat, 200, `"done":true`},
		{"manager chats (OpenAI)", "POST", "/v1/chat/completions", manager, oaChat, 200, `"usage"`},
		{"manager may not publish", "POST", "/api/models/publish", manager, publish, 403, `"code":"forbidden"`},
		{"trainer may publish (no Ollama here)", "POST", "/api/models/publish", trainer, publish, 503, `no Ollama server is configured`},
		{"trainer lists published", "GET", "/api/models/published", trainer, nil, 200, `"published":[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var status int
			var body []byte
			if tt.method == "GET" {
				req, _ := http.NewRequest("GET", m.URL()+tt.path, nil)
				req.Header.Set("Accept", "application/json")
				if tt.key != "" {
					req.Header.Set("Authorization", "Bearer "+tt.key)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var v json.RawMessage
				json.NewDecoder(resp.Body).Decode(&v)
				status, body = resp.StatusCode, v
			} else {
				status, _, body = postJSON(t, m.URL()+tt.path, tt.key, tt.body)
			}
			if status != tt.status || !strings.Contains(string(body), tt.contains) {
				t.Fatalf("%s %s: %d %s, want %d containing %s", tt.method, tt.path, status, body, tt.status, tt.contains)
			}
		})
	}
}
