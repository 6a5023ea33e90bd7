package testenv

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ollama/ollama/api"
)

func TestMain(m *testing.M) { Main(m) }

func TestOllamaRunsStories260K(t *testing.T) {
	s := Ollama(t)
	s.CreateModel(t, "stories", Stories260K(t))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stream := false
	var out string
	err := s.Client().Generate(ctx, &api.GenerateRequest{
		Model: "stories", Prompt: "Once upon a time", Raw: true, Stream: &stream,
		Options: map[string]any{"temperature": 0, "num_predict": 16, "seed": 1},
	}, func(r api.GenerateResponse) error { out += r.Response; return nil })
	if err != nil {
		t.Fatalf("generate: %v\n%s", err, s.Log())
	}
	if !strings.Contains(out, "Lily") {
		t.Errorf("continuation %q does not mention Lily", out)
	}
}

func TestChromiumRendersPage(t *testing.T) {
	ctx := Chromium(t)
	var title string
	if err := chromedp.Run(ctx,
		chromedp.Navigate("data:text/html,<title>tutor</title><p>hi</p>"),
		chromedp.Title(&title)); err != nil {
		t.Fatal(err)
	}
	if title != "tutor" {
		t.Errorf("title = %q", title)
	}
}
