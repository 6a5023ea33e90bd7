package testmodel_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"tutor/model"
	"tutor/model/ggml"
	"tutor/model/testmodel"
)

func TestWriteLoadGenerate(t *testing.T) {
	for _, tc := range []testmodel.Options{
		{Arch: "llama"},
		{Arch: "llama", Type: ggml.F16, Tied: true},
		{Arch: "llama", Type: ggml.BF16},
		{Arch: "llama", Type: ggml.Q8_0},
		{Arch: "llama", Type: ggml.Q4_0},
		{Arch: "llama", Type: ggml.Q4_K, Layers: 1},
		{Arch: "llama", Type: ggml.Q6_K, Layers: 1},
		{Arch: "qwen2"},
		{Arch: "qwen2", Type: ggml.Q8_0},
	} {
		t.Run(tc.Arch+"-"+tc.Type.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.gguf")
			if err := testmodel.Write(path, tc); err != nil {
				t.Fatal(err)
			}
			m, err := model.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if m.Config.Arch != tc.Arch || m.Output.Type != tc.Type || m.Tied != tc.Tied {
				t.Fatalf("loaded %s, output %s tied %v", m.Config, m.Output.Type, m.Tied)
			}
			for _, text := range []string{"Once upon a time", "从前有一个小女孩", "The model speaks 中文 and English."} {
				ids := m.Tokenizer.Encode(text, false)
				if got := m.Tokenizer.Decode(ids); got != text {
					t.Errorf("round trip of %q gave %q (%v)", text, got, ids)
				}
			}
			prompt := m.Tokenizer.Encode("Hello, 世界", true)
			res, err := m.Generate(context.Background(), prompt, model.GenerateOptions{Sample: model.GreedyOptions, NumPredict: 8}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Tokens) == 0 {
				t.Fatalf("no tokens generated: %+v", res)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	dir := t.TempDir()
	o := testmodel.Options{Arch: "qwen2", Seed: 7}
	for _, name := range []string{"a.gguf", "b.gguf"} {
		if err := testmodel.Write(filepath.Join(dir, name), o); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := os.ReadFile(filepath.Join(dir, "a.gguf"))
	b, _ := os.ReadFile(filepath.Join(dir, "b.gguf"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("two files from seed 7 differ (%d and %d bytes)", len(a), len(b))
	}
}
