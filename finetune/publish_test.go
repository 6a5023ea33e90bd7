package finetune

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"tutor"
	"tutor/internal/testenv"
	"tutor/llm"
	"tutor/llm/builtin"
	"tutor/model/chat"
)

// TestOllamaConformance publishes the exported GGUF adapter to a real Ollama v0.6.5 over the
// same base and expects Ollama's greedy output to be the built-in engine's, word for word.
func TestOllamaConformance(t *testing.T) {
	srv := testenv.Ollama(t)
	base := testenv.Stories260K(t)
	path := trainQA(t, base)
	srv.CreateModel(t, "stories", base)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := srv.Client()
	var statuses []string
	if err := Publish(ctx, c, "stories-tuned", "stories", path, func(s string) { statuses = append(statuses, s) }); err != nil {
		t.Fatalf("%v\n%s", err, srv.Log())
	}
	if len(statuses) == 0 {
		t.Error("publish reported no progress")
	}

	b := builtin.New(builtin.Options{})
	if err := b.AddModel("base", base); err != nil {
		t.Fatal(err)
	}
	if err := b.LoadAdapter("tuned", path); err != nil {
		t.Fatal(err)
	}
	stop := chat.Plain.Stop
	recs := qaRecords(t)
	// All 20 tuned answers, then the base once (each switch of model reloads Ollama's runner).
	// One thread: llama.cpp's spinning threads crawl on a busy machine.
	type check struct {
		rec            Record
		adapter, model string
	}
	var checks []check
	for _, r := range recs {
		checks = append(checks, check{r, "tuned", "stories-tuned"})
	}
	checks = append(checks, check{recs[0], "", "stories"})
	for _, tc := range checks {
		prompt := chat.Plain.Format(tc.rec.Messages[:1], true)
		zero := 0.0
		want, err := b.Generate(ctx, llm.Request{Model: "base", Adapter: tc.adapter, Prompt: prompt, Raw: true,
			Options: llm.Options{Temperature: &zero, RepeatPenalty: 1, NumPredict: 48, NumCtx: 256, Stop: stop}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		stream := false
		start := time.Now()
		err = c.Generate(ctx, &api.GenerateRequest{Model: tc.model, Prompt: prompt, Raw: true, Stream: &stream,
			Options: map[string]any{"temperature": 0, "repeat_penalty": 1, "num_predict": 48, "num_ctx": 256, "num_thread": 1, "stop": stop}},
			func(g api.GenerateResponse) error { got += g.Response; return nil })
		if err != nil {
			t.Fatalf("ollama %s: %v", tc.model, err)
		}
		t.Logf("%s: %q in %v", tc.model, got, time.Since(start).Round(time.Millisecond))
		if got != want.Text {
			t.Errorf("%q on %s: Ollama says %q, the built-in engine %q", tc.rec.Messages[0].Content, tc.model, got, want.Text)
		}
		learned := strings.TrimSpace(want.Text) == tc.rec.Messages[1].Content
		if learned != (tc.adapter != "") {
			t.Errorf("%q on %s: answer %q, learned %v", tc.rec.Messages[0].Content, tc.model, want.Text, learned)
		}
	}
}

// TestPublishRejects checks what Publish refuses before or while talking to Ollama: a file that
// is not an adapter (nothing uploaded) and a base Ollama does not have.
func TestPublishRejects(t *testing.T) {
	srv := testenv.Ollama(t)
	ctx := context.Background()
	base := testenv.Stories260K(t)
	if err := Publish(ctx, srv.Client(), "x", "stories", base, nil); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Errorf("publishing a model file as an adapter: %v, want invalid", err)
	}
	l := randomLoRA(tinyShape(false), 2, 4, 1)
	path := filepath.Join(t.TempDir(), "a.gguf")
	if err := ExportGGUF(path, l, "llama"); err != nil {
		t.Fatal(err)
	}
	if err := Publish(ctx, srv.Client(), "x", "no-such-model", path, nil); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Errorf("publishing onto a missing base: %v, want not_found", err)
	}
}
