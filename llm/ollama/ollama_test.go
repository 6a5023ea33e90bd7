package ollama_test

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"tutor"
	"tutor/internal/testenv"
	"tutor/llm"
	"tutor/llm/ollama"
	"tutor/model"
	"tutor/model/ggml"
	"tutor/model/testmodel"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func backend(t *testing.T) (*ollama.Backend, *testenv.OllamaServer) {
	t.Helper()
	srv := testenv.Ollama(t)
	b, err := ollama.New(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b, srv
}

func greedy(n int) llm.Options {
	zero := 0.0
	return llm.Options{Temperature: &zero, NumPredict: n}
}

func TestGenerateAndModels(t *testing.T) {
	ctx := context.Background()
	b, srv := backend(t)
	o := testmodel.Options{Arch: "qwen2", Type: ggml.Q8_0, Seed: 11}
	path := filepath.Join(t.TempDir(), "tiny.gguf")
	if err := testmodel.Write(path, o); err != nil {
		t.Fatal(err)
	}
	srv.CreateModel(t, "ollama-test-tiny", path)

	var streamed strings.Builder
	res, err := b.Generate(ctx, llm.Request{Model: "ollama-test-tiny", Raw: true, Prompt: "Hello 世界", Options: greedy(8)},
		func(p string) error { streamed.WriteString(p); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if res.Text == "" || streamed.String() != res.Text || res.CompletionTokens != 8 || res.DoneReason != "length" || res.PromptTokens == 0 {
		t.Fatalf("raw: %+v, streamed %q", res, streamed.String())
	}
	chat, err := b.Generate(ctx, llm.Request{Model: "ollama-test-tiny", Messages: []llm.Message{{Role: "user", Content: "你好"}}, Options: greedy(4)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if chat.PromptTokens <= res.PromptTokens || chat.Total <= 0 {
		t.Fatalf("chat: %+v", chat)
	}

	// A published adapter becomes a model of its own.
	adapter := filepath.Join(t.TempDir(), "adapter.gguf")
	if err := model.WriteAdapter(adapter, testmodel.Adapter(o, 4, 3), "qwen2"); err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(ctx, "ollama-test-tiny-tuned", "ollama-test-tiny", adapter); err != nil {
		t.Fatal(err)
	}
	tuned, err := b.Generate(ctx, llm.Request{Model: "ollama-test-tiny-tuned", Raw: true, Prompt: "Hello 世界", Options: greedy(8)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tuned.Text == res.Text {
		t.Fatalf("the adapter does not change the reply %q", tuned.Text)
	}
	if err := b.Publish(ctx, "ollama-test-bad", "ollama-test-tiny", path); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Fatalf("publishing a model file as adapter: %v", err)
	}

	infos, err := b.Models(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]llm.ModelInfo{}
	for _, m := range infos {
		found[m.Name] = m
	}
	m, ok := found["ollama-test-tiny:latest"]
	if !ok || m.Architecture != "qwen2" || m.ContextLength != 2048 || m.Quantization != "Q8_0" || m.SizeBytes == 0 || m.Parameters == 0 {
		t.Fatalf("models %+v", infos)
	}
	if _, ok := found["ollama-test-tiny-tuned:latest"]; !ok {
		t.Fatalf("published model missing from %+v", infos)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	b, _ := backend(t)
	if _, err := b.Generate(ctx, llm.Request{Model: "no-such-model", Raw: true, Prompt: "x"}, nil); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Fatalf("unknown model: %v", err)
	}
	if _, err := b.Generate(ctx, llm.Request{Model: "x", Adapter: "a", Raw: true, Prompt: "x"}, nil); tutor.ErrorCode(err) != tutor.EUNSUPPORTED {
		t.Fatalf("adapter per request: %v", err)
	}
	if _, err := ollama.New("ftp://x", nil); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Fatalf("bad URL: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	down, _ := ollama.New("http://"+addr, nil)
	if _, err := down.Models(ctx); tutor.ErrorCode(err) != tutor.EUNAVAILABLE {
		t.Fatalf("server down: %v", err)
	}
}

func TestEmbed(t *testing.T) {
	b, srv := backend(t)
	srv.CreateModel(t, "ollama-test-minilm", testenv.MiniLM(t))
	e := b.Embedder("ollama-test-minilm")
	vs, err := e.Embed(context.Background(), []string{"The cat sat on the mat.", "A cat was sitting on a mat.", "Quarterly revenue grew by 4%."})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 || len(vs[0]) != 384 {
		t.Fatalf("%d vectors", len(vs))
	}
	cos := func(a, b []float32) (s float32) {
		for i := range a {
			s += a[i] * b[i]
		}
		return s
	}
	if c := cos(vs[0], vs[0]); c < 0.999 || c > 1.001 {
		t.Fatalf("norm² %v", c)
	}
	if near, far := cos(vs[0], vs[1]), cos(vs[0], vs[2]); near <= far {
		t.Fatalf("paraphrase cosine %v not above unrelated %v", near, far)
	}
}
