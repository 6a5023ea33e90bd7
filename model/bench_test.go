package model_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"tutor/internal/testenv"
	"tutor/model"
	"tutor/model/ggml"
	"tutor/model/testmodel"
)

// BenchmarkDecode decodes greedily with the built-in engine on the ~110M-parameter llama
// benchmark model of package testmodel, in F16 and Q8_0, and reports tokens per second; when
// the Ollama binary is there, Ollama decodes the same GGUF in the same run and the ratio is
// reported too (-short leaves Ollama out). b.N is the number of tokens decoded:
//
//	go test ./model -run '^$' -bench Decode -benchtime 64x
func BenchmarkDecode(b *testing.B) {
	dir := b.TempDir()
	models := map[ggml.Type]*model.Model{} // written and loaded once, for every b.N tried
	for _, typ := range []ggml.Type{ggml.F16, ggml.Q8_0} {
		b.Run(typ.String(), func(b *testing.B) {
			path := filepath.Join(dir, typ.String()+".gguf")
			m := models[typ]
			if m == nil {
				if err := testmodel.Write(path, testmodel.Bench(typ)); err != nil {
					b.Fatal(err)
				}
				var err error
				if m, err = model.Load(path); err != nil {
					b.Fatal(err)
				}
				models[typ] = m
			}
			s := m.NewState(0)
			tok := m.Tokenizer.Encode("Once upon a time", true)
			if _, err := m.Forward(s, tok, nil); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			t0, c0 := time.Now(), cpuTime()
			next := tok[len(tok)-1]
			for i := 0; i < b.N; i++ {
				if s.Len == s.Cap() {
					s.Truncate(len(tok))
				}
				logits, err := m.Forward(s, []int{next}, nil)
				if err != nil {
					b.Fatal(err)
				}
				next = argmax(logits)
			}
			ours := float64(b.N) / time.Since(t0).Seconds()
			cpu := cpuTime() - c0
			b.StopTimer()
			b.ReportMetric(ours, "tok/s")
			// Tokens per second of CPU time summed over the cores: on a shared machine the
			// wall clock also counts the time the threads waited for a core.
			b.ReportMetric(float64(b.N)/cpu.Seconds(), "tok/cpu-s")
			b.ReportMetric(0, "ns/op")
			if ref, ok := ollamaDecode(b, path, typ, b.N); ok {
				b.ReportMetric(ref, "ollama_tok/s")
				b.ReportMetric(ours/ref, "x_ollama")
			}
		})
	}
}

// BenchmarkBatchedDecode decodes 8 tokens in each of 1, 4 and 16 sequences at once on the
// ~110M-parameter benchmark model in Q8_0, each sequence on its own goroutine, decoding alone
// and sharing steps through one Batcher, and reports tokens per second of wall and of CPU
// time, and the batched rate over the unbatched one as x_unbatched:
//
//	go test ./model -run '^$' -bench BatchedDecode -benchtime 1x
func BenchmarkBatchedDecode(b *testing.B) {
	path := filepath.Join(b.TempDir(), "q8.gguf")
	if err := testmodel.Write(path, testmodel.Bench(ggml.Q8_0)); err != nil {
		b.Fatal(err)
	}
	m, err := model.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	prompt := m.Tokenizer.Encode("Once upon a time", true)
	const steps = 8
	for _, seqs := range []int{1, 4, 16} {
		alone := 0.0
		for _, batch := range []bool{false, true} {
			b.Run(fmt.Sprintf("seqs=%d/batch=%t", seqs, batch), func(b *testing.B) {
				states, first := make([]*model.State, seqs), make([]int, seqs)
				for i := range states {
					states[i] = m.NewState(len(prompt) + steps)
					logits, err := m.Forward(states[i], prompt, nil)
					if err != nil {
						b.Fatal(err)
					}
					first[i] = argmax(logits)
				}
				var bt *model.Batcher
				if batch {
					bt = model.NewBatcher(m)
				}
				tokens := 0
				t0, c0 := time.Now(), cpuTime()
				for b.Loop() {
					var wg sync.WaitGroup
					for i, s := range states {
						wg.Go(func() {
							s.Truncate(len(prompt))
							next := func(tok int) ([]float32, error) { return m.Forward(s, []int{tok}, nil) }
							if bt != nil {
								mb := bt.Join(s, nil)
								defer mb.Leave()
								next = func(tok int) ([]float32, error) { return mb.Next(context.Background(), tok) }
							}
							tok := first[i]
							for range steps {
								logits, err := next(tok)
								if err != nil {
									b.Error(err)
									return
								}
								tok = argmax(logits)
							}
						})
					}
					wg.Wait()
					tokens += seqs * steps
				}
				rate := float64(tokens) / time.Since(t0).Seconds()
				b.ReportMetric(rate, "tok/s")
				b.ReportMetric(float64(tokens)/(cpuTime()-c0).Seconds(), "tok/cpu-s")
				b.ReportMetric(0, "ns/op")
				if !batch {
					alone = rate
				} else if alone > 0 {
					b.ReportMetric(rate/alone, "x_unbatched")
				}
			})
		}
	}
}

// ollamaDecode decodes n tokens of the model at path in Ollama and returns its decode speed,
// or false when the Ollama binary has not been built.
func ollamaDecode(b *testing.B, path string, typ ggml.Type, n int) (float64, bool) {
	if _, err := os.Stat(testenv.OllamaBin()); err != nil || testing.Short() {
		return 0, false
	}
	srv := testenv.Ollama(b)
	name := fmt.Sprintf("bench-%s", typ)
	srv.CreateModel(b, name, path)
	var res api.GenerateResponse
	err := srv.Client().Generate(context.Background(), &api.GenerateRequest{
		Model: name, Prompt: "Once upon a time", Raw: true,
		Options: map[string]any{"temperature": 0, "num_predict": max(n, 8), "seed": 1},
	}, func(r api.GenerateResponse) error {
		res = r
		return nil
	})
	// A loaded machine can starve Ollama's spinning threads until the stream ends without
	// its final timings; that is no fault of the engine measured here, so it is only logged.
	if err != nil || !res.Done || res.EvalCount == 0 || res.EvalDuration <= 0 {
		b.Logf("ollama gave no decode timing (error %v, last response %+v)", err, res)
		return 0, false
	}
	return float64(res.EvalCount) / res.EvalDuration.Seconds(), true
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}
