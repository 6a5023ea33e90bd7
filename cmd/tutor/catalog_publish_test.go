package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ollama/ollama/api"

	"tutor/internal/testenv"
	"tutor/llm"
)

// TestPublishAnswersInOllamaAsInTutor: a tuned model published to a real Ollama server
// answers there, greedily, exactly as Tutor's engine answers locally — raw and as a chat —
// and is recorded, listed, and served back through Tutor's catalog.
func TestPublishAnswersInOllamaAsInTutor(t *testing.T) {
	srv := testenv.Ollama(t)
	dir := writeWorkspace(t)
	m := startTutor(t, dir, func(c *Config) { c.OllamaURL = srv.URL })

	status, _, body := postJSON(t, m.URL()+"/api/models/publish", "", map[string]string{"model": "tiny:tuned-okr", "name": "tutor-okr"})
	if status != http.StatusCreated {
		t.Fatalf("publish: %d %s\n%s", status, body, srv.Log())
	}
	status, _, body = postJSON(t, m.URL()+"/api/models/publish", "", map[string]string{"model": "nope", "name": "x"})
	if status != http.StatusNotFound {
		t.Fatalf("publishing an unknown model: %d %s", status, body)
	}

	ctx := context.Background()
	oc := srv.Client()
	const prompt = "Once upon a time"
	want := directGreedy(t, dir, "okr", llm.Request{Raw: true, Prompt: prompt, Options: llm.Options{NumPredict: 24}})
	stream := false
	var got api.GenerateResponse
	err := oc.Generate(ctx, &api.GenerateRequest{Model: "tutor-okr", Prompt: prompt, Raw: true, Stream: &stream,
		Options: map[string]any{"temperature": 0, "num_predict": 24}}, func(r api.GenerateResponse) error { got = r; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if got.Response != want.Text {
		t.Fatalf("Ollama answers %q, Tutor's engine %q", got.Response, want.Text)
	}

	// A conversation with a system message and an earlier turn exercises the chat format.
	conv := []llm.Message{{Role: "system", Content: "You answer in one line."}, {Role: "user", Content: "Hello"},
		{Role: "assistant", Content: "Hi there"}, {Role: "user", Content: greedyQuestion}}
	wantChat := directGreedy(t, dir, "okr", llm.Request{Messages: conv, Options: llm.Options{NumPredict: 24}})
	var msgs []api.Message
	for _, m := range conv {
		msgs = append(msgs, api.Message{Role: m.Role, Content: m.Content})
	}
	var gotChat api.ChatResponse
	err = oc.Chat(ctx, &api.ChatRequest{Model: "tutor-okr", Stream: &stream, Messages: msgs,
		Options: map[string]any{"temperature": 0, "num_predict": 24}}, func(r api.ChatResponse) error { gotChat = r; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if gotChat.Message.Content != wantChat.Text {
		t.Fatalf("Ollama chat answers %q, Tutor's engine %q", gotChat.Message.Content, wantChat.Text)
	}

	resp, err := http.Get(m.URL() + "/api/models/published")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct{ Published []map[string]any }
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	if len(list.Published) != 1 || list.Published[0]["name"] != "tutor-okr:latest" || list.Published[0]["adapter"] != "okr" ||
		!strings.HasPrefix(list.Published[0]["digest"].(string), "sha256:") {
		t.Fatalf("published list: %+v", list.Published)
	}

	// Tutor now also serves the published model through its Ollama backend.
	if names := strings.Join(tagNames(t, m.URL()), ","); !strings.Contains(names, "tutor-okr:latest") {
		t.Fatalf("Tutor's catalog lacks the published model: %s", names)
	}
	status, _, body = postJSON(t, m.URL()+"/api/generate", "", map[string]any{"model": "tutor-okr", "prompt": prompt, "raw": true,
		"stream": false, "options": map[string]any{"temperature": 0, "num_predict": 24}})
	if status != 200 || !strings.Contains(string(body), `"response":`+mustJSON(t, want.Text)) {
		t.Fatalf("through Tutor's API: %d %s, want %q", status, body, want.Text)
	}
}

// TestPublishFromModelsPage: the Models page offers the tuned names, its form publishes one
// (with the CSRF token), and the page lists what was published.
func TestPublishFromModelsPage(t *testing.T) {
	srv := testenv.Ollama(t)
	dir := writeWorkspace(t)
	m := startTutor(t, dir, func(c *Config) { c.OllamaURL = srv.URL })
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	page := func() string {
		resp, err := client.Get(m.URL() + "/models")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	html := page()
	if !strings.Contains(html, `data-testid="publish-form"`) || !strings.Contains(html, `<option value="tiny:tuned-okr">`) ||
		!strings.Contains(html, `data-testid="published-empty"`) {
		t.Fatalf("the Models page lacks the publish form or the empty list:\n%s", html)
	}
	token := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(html)
	if token == nil {
		t.Fatal("no CSRF token on the page")
	}
	resp, err := client.PostForm(m.URL()+"/models/publish", url.Values{"_csrf": {token[1]}, "model": {"tiny:tuned-okr"}, "name": {"okr-from-page"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/models" || resp.StatusCode != 200 {
		t.Fatalf("publish form: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	if html := page(); !strings.Contains(html, `data-testid="published-okr-from-page:latest"`) {
		t.Fatalf("the Models page does not list the published model:\n%s", html)
	}
	if _, err := srv.Client().Show(context.Background(), &api.ShowRequest{Model: "okr-from-page"}); err != nil {
		t.Fatalf("Ollama lacks the published model: %v", err)
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
