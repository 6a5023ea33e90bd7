package builtin_test

import (
	"context"
	"path/filepath"
	"testing"

	"tutor/internal/testenv"
	"tutor/llm"
	"tutor/llm/builtin"
	"tutor/llm/ollama"
	"tutor/model"
	"tutor/model/ggml"
	"tutor/model/testmodel"
)

// conformancePrompts are English, Chinese and mixed.
var conformancePrompts = []string{
	"Once upon a time",
	"从前有一个小女孩，她喜欢",
	"The tutor says 你好, world! Then",
	"Lily and Ben went to the park. 他们在公园里",
	"1, 2, 3, 4, 5,",
}

// TestConformance checks that the built-in engine continues each prompt greedily for 32
// tokens exactly as a real Ollama does (/api/generate, raw, temperature 0, Ollama's default
// repeat penalty), on the pretrained stories260K model and on tiny random llama
// (SentencePiece) and qwen2 (byte-level BPE) models, with and without a LoRA adapter that
// Ollama loads through /api/create, and in every weight type (Q4_K with linear RoPE scaling).
// Each model also runs by its Ollama name, read from Ollama's own store.
func TestConformance(t *testing.T) {
	srv := testenv.Ollama(t)
	ol, err := ollama.New(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	type tc struct {
		name    string
		path    string
		adapter *model.Adapter
		arch    string
		prompts []string
	}
	var cases []tc
	cases = append(cases, tc{name: "stories260k", path: testenv.Stories260K(t), prompts: conformancePrompts})
	for _, o := range []testmodel.Options{
		{Arch: "llama", Seed: 21, Name: "conf-llama"},
		{Arch: "qwen2", Seed: 22, Name: "conf-qwen2"},
		{Arch: "llama", Type: ggml.Q8_0, Seed: 23, Name: "conf-llama-q8"},
		{Arch: "llama", Type: ggml.Q4_K, Layers: 1, RopeScale: 4, Seed: 24, Name: "conf-llama-q4k-rope4"},
		{Arch: "qwen2", Type: ggml.Q6_K, Layers: 1, Seed: 25, Name: "conf-qwen2-q6k"},
		{Arch: "qwen2", Type: ggml.Q4_0, Seed: 26, Name: "conf-qwen2-q40"},
		{Arch: "llama", Type: ggml.BF16, Seed: 27, Name: "conf-llama-bf16"},
	} {
		path := filepath.Join(dir, o.Name+".gguf")
		if err := testmodel.Write(path, o); err != nil {
			t.Fatal(err)
		}
		// The weight-type variants check the quantized products on two prompts each.
		prompts := conformancePrompts
		if o.Type != ggml.F32 {
			prompts = prompts[1:3]
		}
		cases = append(cases, tc{name: o.Name, path: path, arch: o.Arch, prompts: prompts})
		if o.Type == ggml.F32 {
			cases = append(cases, tc{name: o.Name + "-lora", path: path, arch: o.Arch, adapter: testmodel.Adapter(o, 4, o.Seed), prompts: prompts})
		}
	}
	ctx := context.Background()
	zero := 0.0
	opts := llm.Options{Temperature: &zero, NumPredict: 32}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := builtin.New(builtin.Options{})
			if err := b.AddModel(c.name, c.path); err != nil {
				t.Fatal(err)
			}
			base := "conformance-" + c.name
			adapterName := ""
			if c.adapter != nil {
				file := filepath.Join(dir, c.name+".adapter.gguf")
				if err := model.WriteAdapter(file, c.adapter, c.arch); err != nil {
					t.Fatal(err)
				}
				srv.CreateModel(t, base+"-base", c.path)
				if err := ol.Publish(ctx, base, base+"-base", file); err != nil {
					t.Fatal(err)
				}
				adapterName = "lora"
				if err := b.LoadAdapter(adapterName, file); err != nil {
					t.Fatal(err)
				}
			} else {
				srv.CreateModel(t, base, c.path)
			}
			// The same model read straight from Ollama's store (manifest → blobs, with the
			// adapter layer when it has one) by its Ollama name.
			store := builtin.New(builtin.Options{OllamaModels: srv.ModelsDir})
			for _, p := range c.prompts {
				want, err := ol.Generate(ctx, llm.Request{Model: base, Raw: true, Prompt: p, Options: opts}, nil)
				if err != nil {
					t.Fatal(err)
				}
				got, err := b.Generate(ctx, llm.Request{Model: c.name, Adapter: adapterName, Raw: true, Prompt: p, Options: opts}, nil)
				if err != nil {
					t.Fatal(err)
				}
				if got.Text != want.Text || got.CompletionTokens != want.CompletionTokens || got.PromptTokens != want.PromptTokens {
					t.Errorf("prompt %q:\n built-in %q (%d+%d tokens, %s)\n ollama   %q (%d+%d tokens, %s)", p,
						got.Text, got.PromptTokens, got.CompletionTokens, got.DoneReason,
						want.Text, want.PromptTokens, want.CompletionTokens, want.DoneReason)
				}
				byName, err := store.Generate(ctx, llm.Request{Model: base, Raw: true, Prompt: p, Options: opts}, nil)
				if err != nil {
					t.Fatal(err)
				}
				if byName.Text != want.Text {
					t.Errorf("prompt %q: %s from Ollama's store gives %q, Ollama %q", p, base, byName.Text, want.Text)
				}
			}
		})
	}
}
