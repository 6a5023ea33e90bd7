package openai_test

import (
	"context"
	"testing"
	"time"

	"tutor"
	"tutor/internal/testenv"
	"tutor/llm"
	"tutor/llm/openai"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestAgainstOllama talks to a real Ollama server's OpenAI-compatible /v1 endpoint.
func TestAgainstOllama(t *testing.T) {
	s := testenv.Ollama(t)
	s.CreateModel(t, "stories", testenv.Stories260K(t))
	b, err := openai.New(s.URL+"/v1", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	zero := 0.0
	var pieces int
	resp, err := b.Generate(ctx, llm.Request{Model: "stories",
		Messages: []llm.Message{{Role: "user", Content: "Once upon a time"}},
		Options:  llm.Options{Temperature: &zero, NumPredict: 12}}, func(string) error { pieces++; return nil })
	if err != nil {
		t.Fatalf("generate: %v\n%s", err, s.Log())
	}
	if resp.Text == "" || pieces == 0 || resp.TimeToFirstToken <= 0 || resp.Total < resp.TimeToFirstToken {
		t.Fatalf("response %+v after %d pieces", resp, pieces)
	}
	if resp.CompletionTokens < 1 || resp.CompletionTokens > 12 {
		t.Errorf("completion tokens %d, want 1..12 (usage reported by the server)", resp.CompletionTokens)
	}
	_, err = b.Generate(ctx, llm.Request{Model: "no-such-model", Messages: []llm.Message{{Role: "user", Content: "hi"}}}, nil)
	if c := tutor.ErrorCode(err); c != tutor.ENOTFOUND {
		t.Fatalf("unknown model: code %q (%v), want %s", c, err, tutor.ENOTFOUND)
	}
	if _, err := openai.New("ftp://x", "", nil); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Fatalf("bad URL: %v", err)
	}
}
