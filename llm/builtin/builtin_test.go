package builtin_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"tutor"
	"tutor/internal/testenv"
	"tutor/llm"
	"tutor/llm/builtin"
	"tutor/llm/ollama"
	"tutor/model"
	"tutor/model/chat"
	"tutor/model/ggml"
	"tutor/model/testmodel"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func greedy(n int) llm.Options {
	zero := 0.0
	return llm.Options{Temperature: &zero, RepeatPenalty: 1, NumPredict: n}
}

// tinyModel writes a tiny test model and registers it as name.
func tinyModel(t *testing.T, b *builtin.Backend, name string, o testmodel.Options) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".gguf")
	if err := testmodel.Write(path, o); err != nil {
		t.Fatal(err)
	}
	if err := b.AddModel(name, path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStories260K(t *testing.T) {
	b := builtin.New(builtin.Options{})
	if err := b.AddModel("stories", testenv.Stories260K(t)); err != nil {
		t.Fatal(err)
	}
	res, err := b.Generate(context.Background(), llm.Request{Model: "stories", Raw: true, Prompt: "Once upon a time", Options: greedy(16)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := ", there was a little girl named Lily"; !strings.HasPrefix(res.Text, want) {
		t.Fatalf("continuation %q, want it to start with %q", res.Text, want)
	}
	if res.DoneReason != "length" || res.CompletionTokens != 16 || res.PromptTokens != 5 {
		t.Fatalf("done %s, %d prompt and %d completion tokens", res.DoneReason, res.PromptTokens, res.CompletionTokens)
	}
	if res.TimeToFirstToken <= 0 || res.TimeToFirstToken > res.Total {
		t.Fatalf("time to first token %v, total %v", res.TimeToFirstToken, res.Total)
	}
	infos, err := b.Models(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 1 || infos[0].Name != "stories" || infos[0].Architecture != "llama" || infos[0].Parameters != 292800 || infos[0].Quantization != "F32" || infos[0].ContextLength != 2048 {
		t.Fatalf("models %+v", infos)
	}
}

// TestChatTemplate checks that messages are formatted with the model's template and that the
// template's stop texts end a reply.
func TestChatTemplate(t *testing.T) {
	b := builtin.New(builtin.Options{})
	tinyModel(t, b, "tiny", testmodel.Options{Arch: "qwen2"})
	m, err := b.Model(context.Background(), "tiny")
	if err != nil {
		t.Fatal(err)
	}
	msgs := []llm.Message{{Role: "system", Content: "Be brief."}, {Role: "user", Content: "你好, who are you?"}}
	want := m.Tokenizer.Encode(chat.ChatML.Format(msgs, true), true)
	res, err := b.Generate(context.Background(), llm.Request{Model: "tiny", Messages: msgs, Options: greedy(8)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.PromptTokens != len(want) {
		t.Fatalf("%d prompt tokens, want %d", res.PromptTokens, len(want))
	}
	if strings.Contains(res.Text, "<|im_end|>") || strings.Contains(res.Text, "<|im_start|>") {
		t.Fatalf("reply %q runs past a stop text", res.Text)
	}
	if _, err := b.Generate(context.Background(), llm.Request{Model: "tiny", Options: greedy(8)}, nil); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Fatalf("no messages: %v", err)
	}
}

// TestOptions checks stop texts, seeds, the context window and unknown names.
func TestOptions(t *testing.T) {
	ctx := context.Background()
	b := builtin.New(builtin.Options{})
	tinyModel(t, b, "tiny", testmodel.Options{Arch: "llama", Seed: 3})
	req := llm.Request{Model: "tiny", Raw: true, Prompt: "Once upon a time 从前", Options: greedy(24)}
	full, err := b.Generate(ctx, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len([]rune(full.Text)) < 6 {
		t.Fatalf("continuation %q too short to cut", full.Text)
	}
	r := []rune(full.Text)
	stop := string(r[len(r)/2 : len(r)/2+2])
	req.Options.Stop = []string{stop}
	var streamed strings.Builder
	cut, err := b.Generate(ctx, req, func(p string) error { streamed.WriteString(p); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if want := full.Text[:strings.Index(full.Text, stop)]; cut.Text != want || streamed.String() != want || cut.DoneReason != "stop" {
		t.Fatalf("stop %q: %q (streamed %q, %s), want %q", stop, cut.Text, streamed.String(), cut.DoneReason, want)
	}

	one, seed := 1.0, int64(42)
	sampled := llm.Request{Model: "tiny", Raw: true, Prompt: "Hello", Options: llm.Options{Temperature: &one, Seed: &seed, NumPredict: 16}}
	a, err := b.Generate(ctx, sampled, nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := b.Generate(ctx, sampled, nil)
	if err != nil || again.Text != a.Text {
		t.Fatalf("same seed gave %q then %q (%v)", a.Text, again.Text, err)
	}

	long := llm.Request{Model: "tiny", Raw: true, Prompt: strings.Repeat("long text ", 40), Options: llm.Options{NumCtx: 16}}
	if _, err := b.Generate(ctx, long, nil); tutor.ErrorCode(err) != tutor.EINVALID || !strings.Contains(err.Error(), "num_ctx") {
		t.Fatalf("prompt over the window: %v", err)
	}
	if _, err := b.Generate(ctx, llm.Request{Model: "nope", Raw: true, Prompt: "x"}, nil); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Fatalf("unknown model: %v", err)
	}
	if _, err := b.Generate(ctx, llm.Request{Model: "tiny", Adapter: "nope", Raw: true, Prompt: "x"}, nil); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Fatalf("unknown adapter: %v", err)
	}
}

// TestCancel stops a generation from its stream and through its context.
func TestCancel(t *testing.T) {
	b := builtin.New(builtin.Options{})
	tinyModel(t, b, "tiny", testmodel.Options{Arch: "llama"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	res, err := b.Generate(ctx, llm.Request{Model: "tiny", Raw: true, Prompt: "Once", Options: llm.Options{NumPredict: 200}}, func(string) error {
		n++
		if n == 3 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || res.DoneReason != "cancel" || res.CompletionTokens >= 200 {
		t.Fatalf("after cancel: %v, %s, %d tokens", err, res.DoneReason, res.CompletionTokens)
	}
	stop := errors.New("enough")
	res, err = b.Generate(context.Background(), llm.Request{Model: "tiny", Raw: true, Prompt: "Once", Options: llm.Options{NumPredict: 200}}, func(string) error { return stop })
	if !errors.Is(err, stop) || res.DoneReason != "cancel" {
		t.Fatalf("stream error: %v, %s", err, res.DoneReason)
	}
}

// TestAdapters runs two adapters and none on one shared base at the same time; each reply
// equals the reply of the base merged with its adapter.
func TestAdapters(t *testing.T) {
	ctx := context.Background()
	b := builtin.New(builtin.Options{})
	o := testmodel.Options{Arch: "llama", Type: ggml.F32, Seed: 5}
	path := tinyModel(t, b, "tiny", o)
	names := []string{"", "a1", "a2"}
	adapters := map[string]*model.Adapter{"a1": testmodel.Adapter(o, 4, 1), "a2": testmodel.Adapter(o, 8, 2)}
	if err := b.AddAdapter("a1", adapters["a1"]); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "a2.gguf")
	if err := model.WriteAdapter(file, adapters["a2"], "llama"); err != nil {
		t.Fatal(err)
	}
	if err := b.LoadAdapter("a2", file); err != nil {
		t.Fatal(err)
	}
	prompt := "The tutor says 你好"
	got := make([]string, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := b.Generate(ctx, llm.Request{Model: "tiny", Adapter: name, Raw: true, Prompt: prompt, Options: greedy(16)}, nil)
			if err != nil {
				t.Error(err)
			}
			got[i] = res.Text
		}()
	}
	wg.Wait()
	if got[0] == got[1] || got[0] == got[2] || got[1] == got[2] {
		t.Fatalf("adapters do not change the reply: %q", got)
	}
	base, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range names[1:] {
		merged, err := model.Merge(base, adapters[name])
		if err != nil {
			t.Fatal(err)
		}
		res, err := merged.Generate(ctx, merged.Tokenizer.Encode(prompt, true), model.GenerateOptions{Sample: model.GreedyOptions, NumPredict: 16}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Text != got[i+1] {
			t.Errorf("adapter %s: %q, merged base gives %q", name, got[i+1], res.Text)
		}
	}
	m1, _ := b.Model(ctx, "tiny")
	m2, _ := b.Model(ctx, path)
	if m1 == nil || m1 != m2 {
		t.Fatal("the base is loaded twice")
	}
}

func TestEmbed(t *testing.T) {
	b := builtin.New(builtin.Options{})
	if err := b.AddModel("stories", testenv.Stories260K(t)); err != nil {
		t.Fatal(err)
	}
	e := b.Embedder("stories")
	vs, err := e.Embed(context.Background(), []string{"The cat sat on the mat.", "The cat sat on the mat.", "Lily went to the park to play."})
	if err != nil {
		t.Fatal(err)
	}
	dot := func(a, b []float32) (s float64) {
		for i := range a {
			s += float64(a[i] * b[i])
		}
		return s
	}
	if len(vs) != 3 || len(vs[0]) != 64 {
		t.Fatalf("%d vectors of %d", len(vs), len(vs[0]))
	}
	if d := dot(vs[0], vs[0]); d < 0.999 || d > 1.001 {
		t.Fatalf("norm² %v", d)
	}
	if d := dot(vs[0], vs[1]); d < 0.999 {
		t.Fatalf("same text, cosine %v", d)
	}
	if d := dot(vs[0], vs[2]); d > 0.999 {
		t.Fatalf("different texts, cosine %v", d)
	}
	if _, err := e.Embed(context.Background(), []string{""}); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Fatalf("empty text: %v", err)
	}
}

// TestGather lists the workspace's GGUF files, reports a broken one and keeps going when
// Ollama cannot be reached.
func TestGather(t *testing.T) {
	dir := t.TempDir()
	if err := testmodel.Write(filepath.Join(dir, "tiny.gguf"), testmodel.Options{Arch: "qwen2", Type: ggml.Q8_0}); err != nil {
		t.Fatal(err)
	}
	if err := testmodel.Write(filepath.Join(dir, "sub", "llama.gguf"), testmodel.Options{Arch: "llama", Type: ggml.F16, Context: 4096}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.gguf"), []byte("GGUF but not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l.Close() // nothing listens there now: an Ollama that is down
	down, err := ollama.New("http://"+l.Addr().String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cat := llm.NewCatalog()
	cat.Set(llm.Entry{Name: "demo", Info: llm.ModelInfo{Backend: "builtin", Architecture: "llama"}})
	inv, err := builtin.Gather(context.Background(), builtin.Sources{Catalog: cat, Dir: dir, Ollama: down})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Served) != 1 || inv.Served[0].Name != "demo:latest" {
		t.Fatalf("served %+v", inv.Served)
	}
	if len(inv.Files) != 2 || inv.Files[0].Name != "sub/llama" || inv.Files[0].Quantization != "F16" || inv.Files[0].ContextLength != 4096 ||
		inv.Files[1].Name != "tiny" || inv.Files[1].Architecture != "qwen2" || inv.Files[1].Quantization != "Q8_0" || inv.Files[1].Parameters == 0 {
		t.Fatalf("files %+v", inv.Files)
	}
	if len(inv.Broken) != 1 || !strings.HasSuffix(inv.Broken[0].Path, "broken.gguf") || inv.Broken[0].Err == nil {
		t.Fatalf("broken %+v", inv.Broken)
	}
	if tutor.ErrorCode(inv.OllamaErr) != tutor.EUNAVAILABLE {
		t.Fatalf("ollama error %v", inv.OllamaErr)
	}
	empty, err := builtin.Gather(context.Background(), builtin.Sources{Dir: filepath.Join(dir, "missing")})
	if err != nil || len(empty.Files)+len(empty.Broken)+len(empty.Served) != 0 {
		t.Fatalf("missing folder: %+v, %v", empty, err)
	}
}
