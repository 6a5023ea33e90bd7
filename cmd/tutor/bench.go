package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ollama/ollama/api"

	"tutor"
	"tutor/internal/testenv"
	"tutor/llm/ollama"
	"tutor/model"
	"tutor/model/ggml"
	"tutor/model/testmodel"
)

func benchCommand() command {
	return command{Name: "bench", Summary: "measure prefill and decode speed of the built-in engine against Ollama", Run: benchRun}
}

// benchFlags are `tutor bench`'s own flags.
type benchFlags struct {
	cache     string
	ollamaBin string
	types     string
	prompt    int
	decode    int
}

// benchRun writes the ~110M-parameter benchmark model in each type into the cache, then
// measures prefill and decode tokens per second of the built-in engine and of Ollama on the
// same file and prints them side by side with their ratio.
func benchRun(ctx context.Context, env *Env, args []string) error {
	fs := env.FlagSet("bench")
	var f benchFlags
	cache := env.Getenv("TUTOR_CACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "tutor")
	}
	fs.StringVar(&f.cache, "cache", filepath.Join(cache, "bench"), "folder for the generated benchmark models")
	fs.StringVar(&f.ollamaBin, "ollama-bin", testenv.OllamaBin(), "ollama binary started when -ollama (TUTOR_OLLAMA_URL) is not set; \"\" skips Ollama")
	fs.StringVar(&f.types, "types", "F16,Q8_0", "weight types to measure, comma-separated")
	fs.IntVar(&f.prompt, "prompt", 128, "prompt tokens (prefill)")
	fs.IntVar(&f.decode, "decode", 64, "generated tokens (decode)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if f.prompt < 1 || f.decode < 2 {
		return tutor.Errorf(tutor.EINVALID, "-prompt must be at least 1 and -decode at least 2")
	}
	ol, stop, err := benchOllama(env, f.ollamaBin)
	if err != nil {
		return err
	}
	defer stop()
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "model\tengine\tprefill tok/s\tdecode tok/s\t")
	for _, name := range strings.Split(f.types, ",") {
		t, err := ggml.ParseType(strings.TrimSpace(name))
		if err != nil {
			return tutor.Errorf(tutor.EINVALID, "-types: %v", err)
		}
		path, err := benchModel(f.cache, t)
		if err != nil {
			return err
		}
		label := "bench-110m " + t.String()
		fmt.Fprintf(env.Stderr, "measuring %s (%s)\n", label, path)
		own, err := benchBuiltin(ctx, path, f.prompt, f.decode)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\tbuilt-in\t%.1f\t%.1f\t\n", label, own.prefill, own.decode)
		if ol == nil {
			continue
		}
		theirs, err := benchOllamaRun(ctx, ol, path, t, f.prompt, f.decode)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "\tollama\t%.1f\t%.1f\t\n", theirs.prefill, theirs.decode)
		fmt.Fprintf(tw, "\tratio\t%.2f×\t%.2f×\t\n", own.prefill/theirs.prefill, own.decode/theirs.decode)
	}
	return tw.Flush()
}

// speed is one engine's measurement.
type speed struct{ prefill, decode float64 } // tokens per second

// benchModel writes the benchmark model of type t into dir once and returns its path.
func benchModel(dir string, t ggml.Type) (string, error) {
	path := filepath.Join(dir, "bench-110m-"+strings.ToLower(t.String())+".gguf")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp := path + ".tmp"
	if err := testmodel.Write(tmp, testmodel.Bench(t)); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}

// benchPrompt returns n token ids: the benchmark vocabulary's ordinary pieces in turn.
func benchPrompt(m *model.Model, n int) []int {
	ids := []int{m.Tokenizer.BOS()}
	for id := 1000; len(ids) < n; id++ {
		ids = append(ids, id%m.Config.Vocab)
	}
	return ids
}

// benchBuiltin measures the built-in engine: one prefill of the prompt, then greedy decode
// steps (end tokens ignored, so every run decodes the same number of tokens).
func benchBuiltin(ctx context.Context, path string, prompt, decode int) (speed, error) {
	m, err := model.Load(path)
	if err != nil {
		return speed{}, err
	}
	ids := benchPrompt(m, prompt)
	s := m.NewState(prompt + decode + 1)
	start := time.Now()
	logits, err := m.Forward(s, ids, nil)
	if err != nil {
		return speed{}, err
	}
	prefill := time.Since(start)
	smp := model.NewSampler(model.GreedyOptions)
	start = time.Now()
	for range decode {
		if err := ctx.Err(); err != nil {
			return speed{}, err
		}
		if logits, err = m.Forward(s, []int{smp.Sample(logits)}, nil); err != nil {
			return speed{}, err
		}
	}
	return speed{float64(prompt) / prefill.Seconds(), float64(decode) / time.Since(start).Seconds()}, nil
}

// benchOllama connects to the configured Ollama or starts bin; stop ends what it started.
func benchOllama(env *Env, bin string) (*ollama.Backend, func(), error) {
	if env.Config.OllamaURL != "" {
		b, err := ollama.New(env.Config.OllamaURL, nil)
		return b, func() {}, err
	}
	if bin == "" {
		return nil, func() {}, nil
	}
	if _, err := os.Stat(bin); err != nil {
		fmt.Fprintf(env.Stderr, "no ollama binary at %s (build it with scripts/ollama); measuring the built-in engine only\n", bin)
		return nil, func() {}, nil
	}
	srv, err := testenv.StartOllama(bin)
	if err != nil {
		return nil, nil, tutor.Wrap(err, tutor.EUNAVAILABLE, "start ollama")
	}
	b, err := ollama.New(srv.URL, nil)
	return b, srv.Stop, err
}

// benchOllamaRun creates the model in Ollama and reads the server's own prefill and decode
// timings for the same prompt length, after a warm-up that loads the model.
func benchOllamaRun(ctx context.Context, ol *ollama.Backend, path string, t ggml.Type, prompt, decode int) (speed, error) {
	name := "tutor-bench-110m-" + strings.ToLower(t.String())
	digest, err := ol.UploadBlob(ctx, path)
	if err != nil {
		return speed{}, err
	}
	c := ol.Client()
	create := &api.CreateRequest{Model: name, Files: map[string]string{filepath.Base(path): digest}}
	if err := c.Create(ctx, create, func(api.ProgressResponse) error { return nil }); err != nil {
		return speed{}, tutor.Wrap(err, tutor.EUNAVAILABLE, "ollama create %s", name)
	}
	m, err := model.Load(path)
	if err != nil {
		return speed{}, err
	}
	text := m.Tokenizer.Decode(benchPrompt(m, prompt)[1:])
	// Random weights fall into repeating one token, and Ollama aborts a generation after 30
	// repeats of a token without reporting its timings; a strong repeat penalty keeps the
	// continuation going for the whole decode length at the cost of a little sampling work.
	opts := map[string]any{"temperature": 0, "num_ctx": prompt + decode + 64, "num_predict": decode, "seed": 1,
		"repeat_penalty": 3, "repeat_last_n": 64}
	run := func(p string, n int) (api.Metrics, error) {
		var met api.Metrics
		o := maps.Clone(opts)
		o["num_predict"] = n
		err := c.Generate(ctx, &api.GenerateRequest{Model: name, Prompt: p, Raw: true, Options: o}, func(r api.GenerateResponse) error {
			if r.Done {
				met = r.Metrics
			}
			return nil
		})
		return met, err
	}
	if _, err := run("warm up", 2); err != nil {
		return speed{}, tutor.Wrap(err, tutor.EUNAVAILABLE, "ollama generate")
	}
	// Random weights may end a continuation at once (an end token or a stop text of the
	// chat format); another prompt of the same length then gives the measurement.
	var met api.Metrics
	for try := range 4 {
		if met, err = run(strings.Repeat(" ", try)+text, decode); err != nil {
			return speed{}, tutor.Wrap(err, tutor.EUNAVAILABLE, "ollama generate")
		}
		if met.EvalCount >= 2 {
			break
		}
	}
	if met.EvalCount < 2 {
		return speed{}, tutor.Errorf(tutor.EINTERNAL, "ollama decoded only %d tokens", met.EvalCount)
	}
	return speed{float64(met.PromptEvalCount) / met.PromptEvalDuration.Seconds(), float64(met.EvalCount) / met.EvalDuration.Seconds()}, nil
}
