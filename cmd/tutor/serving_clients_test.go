package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ollama/ollama/api"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"tutor/internal/testenv"
	"tutor/llm"
)

const greedyQuestion = "What is an OKR?"

// TestOpenAISDKStreamsTunedModel: the official OpenAI Go SDK streams a chat completion with
// usage from a tuned model, and the text equals the built-in engine's greedy answer.
func TestOpenAISDKStreamsTunedModel(t *testing.T) {
	dir := writeWorkspace(t)
	m := startTutor(t, dir, nil)
	want := directGreedy(t, dir, "okr", llm.Request{Messages: []llm.Message{{Role: "user", Content: greedyQuestion}},
		Options: llm.Options{NumPredict: 24}})
	base := directGreedy(t, dir, "", llm.Request{Messages: []llm.Message{{Role: "user", Content: greedyQuestion}},
		Options: llm.Options{NumPredict: 24}})
	if want.Text == base.Text {
		t.Fatalf("the adapter does not change the answer (%q): the test could not tell them apart", base.Text)
	}

	client := openai.NewClient(option.WithBaseURL(m.URL()+"/v1/"), option.WithAPIKey("unused"), option.WithMaxRetries(0))
	stream := client.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model:         "tiny:tuned-okr",
		Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage(greedyQuestion)},
		Temperature:   openai.Float(0),
		MaxTokens:     openai.Int(24),
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
	})
	var acc openai.ChatCompletionAccumulator
	chunks := 0
	for stream.Next() {
		acc.AddChunk(stream.Current())
		chunks++
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if len(acc.Choices) != 1 {
		t.Fatalf("%d choices", len(acc.Choices))
	}
	if got := acc.Choices[0].Message.Content; got != want.Text {
		t.Fatalf("streamed %q, the engine answers %q", got, want.Text)
	}
	if chunks < 3 {
		t.Fatalf("only %d chunks: the answer was not streamed", chunks)
	}
	u := acc.Usage
	if u.PromptTokens != int64(want.PromptTokens) || u.CompletionTokens != int64(want.CompletionTokens) ||
		u.TotalTokens != u.PromptTokens+u.CompletionTokens {
		t.Fatalf("usage %+v, want prompt %d completion %d", u, want.PromptTokens, want.CompletionTokens)
	}
	if r := acc.Choices[0].FinishReason; r != "length" && r != "stop" {
		t.Fatalf("finish reason %q", r)
	}

	// The SDK lists the model too.
	page, err := client.Models.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, mo := range page.Data {
		ids = append(ids, mo.ID)
	}
	if !strings.Contains(strings.Join(ids, ","), "tiny:tuned-okr") {
		t.Fatalf("models: %v", ids)
	}
}

// TestOllamaChatGreedyEqualsEngine: /api/chat, streamed and not, answers as the engine does.
func TestOllamaChatGreedyEqualsEngine(t *testing.T) {
	dir := writeWorkspace(t)
	m := startTutor(t, dir, nil)
	want := directGreedy(t, dir, "okr", llm.Request{Messages: []llm.Message{{Role: "user", Content: greedyQuestion}},
		Options: llm.Options{NumPredict: 20}})
	for _, stream := range []bool{false, true} {
		c, err := api.ClientFromEnvironment()
		if err != nil {
			t.Fatal(err)
		}
		c = api.NewClient(mustURL(t, m.URL()), http.DefaultClient)
		var got strings.Builder
		var final api.ChatResponse
		err = c.Chat(context.Background(), &api.ChatRequest{Model: "tiny:tuned-okr", Stream: &stream,
			Messages: []api.Message{{Role: "user", Content: greedyQuestion}},
			Options:  map[string]any{"temperature": 0, "num_predict": 20}}, func(r api.ChatResponse) error {
			got.WriteString(r.Message.Content)
			final = r
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != want.Text {
			t.Fatalf("stream=%v: %q, the engine answers %q", stream, got.String(), want.Text)
		}
		if !final.Done || final.EvalCount != want.CompletionTokens || final.PromptEvalCount != want.PromptTokens {
			t.Fatalf("stream=%v: final %+v", stream, final)
		}
	}
}

// TestOllamaCLI: the real ollama command, pointed at Tutor, lists its models and runs a
// prompt against a tuned model.
func TestOllamaCLI(t *testing.T) {
	bin := testenv.OllamaBin()
	if _, err := os.Stat(bin); err != nil {
		if testenv.Integration() {
			t.Fatalf("ollama binary %s not found; build it with scripts/ollama", bin)
		}
		t.Skipf("ollama binary %s not found; build it with scripts/ollama", bin)
	}
	dir := writeWorkspace(t)
	m := startTutor(t, dir, nil)
	host := strings.TrimPrefix(m.URL(), "http://")
	ollama := func(args ...string) string {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "OLLAMA_HOST="+host, "HOME="+t.TempDir(), "NO_COLOR=1")
		out, err := cmd.Output()
		if err != nil {
			stderr := ""
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			t.Fatalf("ollama %v: %v\n%s\n%s", args, err, out, stderr)
		}
		return string(out)
	}
	list := ollama("list")
	for _, name := range []string{"tiny:latest", "tiny:tuned-okr"} {
		if !strings.Contains(list, name) {
			t.Fatalf("ollama list does not show %s:\n%s", name, list)
		}
	}
	out := ollama("run", "tiny:tuned-okr", greedyQuestion)
	t.Logf("ollama run: %q", out)
	if strings.TrimSpace(out) == "" {
		t.Fatal("ollama run printed nothing")
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

var _ = json.Marshal
