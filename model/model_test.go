package model_test

import (
	"context"
	"strings"
	"testing"

	"tutor/internal/testenv"
	"tutor/model"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestStories260K continues "Once upon a time" greedily with the pretrained stories260K
// model as Ollama v0.6.5 does.
func TestStories260K(t *testing.T) {
	m, err := model.Load(testenv.Stories260K(t))
	if err != nil {
		t.Fatal(err)
	}
	if m.Config.Arch != "llama" || m.Config.Vocab != 512 {
		t.Fatalf("config %s", m.Config)
	}
	prompt := m.Tokenizer.Encode("Once upon a time", true)
	res, err := m.Generate(context.Background(), prompt, model.GenerateOptions{Sample: model.GreedyOptions, NumPredict: 16}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := ", there was a little girl named Lily"; !strings.HasPrefix(res.Text, want) {
		t.Fatalf("continuation %q, want it to start with %q", res.Text, want)
	}
	if res.DoneReason != "length" || len(res.Tokens) != 16 {
		t.Fatalf("done %s after %d tokens", res.DoneReason, len(res.Tokens))
	}
}
