package finetune

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// parallelTrainer is a trainer on a small random model whose adapter (or every weight) is
// random too, so that every gradient is non-zero.
func parallelTrainer(tb testing.TB, full bool, dropout float32, workers int) *Trainer {
	tb.Helper()
	s := Shape{Vocab: 37, Dim: 32, Layers: 2, Heads: 4, KVHeads: 2, HeadDim: 8, FFN: 48,
		NormEps: 1e-5, RopeTheta: 10000, Context: 64}
	w := mustRandomWeights(tb, s, full, 3)
	cfg := tinyConfig()
	cfg.Full, cfg.Workers, cfg.BatchSize = full, workers, 5
	cfg.LoRA = LoRAConfig{Rank: 4, Alpha: 8, Dropout: dropout, Targets: AllTargets}
	tr, err := NewTrainer(w, tinyExamples(10, s.Vocab, 4), nil, cfg, tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	if !full {
		rng := rand.New(rand.NewPCG(5, 6))
		for _, p := range tr.Params() {
			for i := range values(p.Param) {
				values(p.Param)[i] = float32(rng.Float64()-0.5) * 0.3
			}
		}
	}
	return tr
}

// TestParallelStepMatchesSerial runs one step of a batch of five examples one after another and
// on two and three nets at once, each net on its own goroutine or sharing the cores: the loss,
// token count and every gradient agree.
func TestParallelStepMatchesSerial(t *testing.T) {
	for _, c := range []struct {
		name    string
		full    bool
		dropout float32
	}{{"lora", false, 0}, {"full", true, 0}, {"lora-dropout", false, 0.2}} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			serial := parallelTrainer(t, c.full, c.dropout, 1)
			batch := serial.batch(1)
			wantLoss, wantTok, err := serial.step(ctx, 1, batch)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range []int{2, 3, 2, 3} {
				par := parallelTrainer(t, c.full, c.dropout, w)
				par.confine = i < 2
				loss, tok, err := par.step(ctx, 1, batch)
				if err != nil {
					t.Fatal(err)
				}
				if len(par.reps) != w {
					t.Fatalf("%d workers made %d nets", w, len(par.reps))
				}
				if math.Abs(loss-wantLoss) > 1e-12*wantLoss || tok != wantTok {
					t.Fatalf("%d workers: loss %v over %d tokens, serial %v over %d", w, loss, tok, wantLoss, wantTok)
				}
				for i, p := range par.Params() {
					got, want := grad(p.Param), grad(serial.Params()[i].Param)
					if err := closeGrads(got, want, 1e-5); err != "" {
						t.Fatalf("%d workers, %s: %s", w, p.Name, err)
					}
				}
				for _, r := range par.reps[1:] {
					for _, p := range r.params {
						if slices.ContainsFunc(grad(p.Param), func(v float32) bool { return v != 0 }) {
							t.Fatalf("%s: a worker's gradient was not cleared after the sum", p.Name)
						}
					}
				}
			}
		})
	}
}

// closeGrads compares two gradients within relative tolerance tol: the norm of the difference
// against the norm of want, and each value against the larger of itself and a hundredth of
// the tensor's largest value (a sum that cancels to nearly zero keeps fewer digits in float32).
func closeGrads(got, want []float32, tol float64) string {
	var top, diff2, norm2 float64
	for i, v := range want {
		top = max(top, math.Abs(float64(v)))
		d := float64(got[i] - v)
		diff2 += d * d
		norm2 += float64(v) * float64(v)
	}
	if top == 0 {
		return "the serial gradient is zero: nothing is compared"
	}
	if math.Sqrt(diff2) > tol*math.Sqrt(norm2) {
		return fmt.Sprintf("relative difference %.3g", math.Sqrt(diff2/norm2))
	}
	for i := range want {
		a, b := float64(got[i]), float64(want[i])
		if math.Abs(a-b) > tol*max(math.Abs(b), 1e-2*top) {
			return fmt.Sprintf("element %d differs: got %v, serial %v", i, a, b)
		}
	}
	return ""
}

// TestParallelRunsRepeat trains twice on two nets with dropout and the same seed: the weights
// are bit-identical.
func TestParallelRunsRepeat(t *testing.T) {
	for _, full := range []bool{false, true} {
		var runs [2][]float32
		for i := range runs {
			tr := parallelTrainer(t, full, 0.1, 2)
			tr.cfg.Epochs = 2
			if _, err := tr.Train(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			runs[i] = flatValues(tr.Params())
		}
		for i := range runs[0] {
			if math.Float32bits(runs[0][i]) != math.Float32bits(runs[1][i]) {
				t.Fatalf("full=%v: weight %d is %v in one run and %v in the other", full, i, runs[0][i], runs[1][i])
			}
		}
	}
}

func TestAssignBalancesByLength(t *testing.T) {
	batch := make([]Example, 6)
	for j, n := range []int{10, 90, 40, 50, 30, 20} {
		batch[j] = Example{Tokens: make([]int32, n)}
	}
	got := assign(batch, 2, 64)
	// Capped at 64, the sizes go longest first to the lighter net: 64, 50, 40 (50+40 < 64+40),
	// 30, 20, 10, leaving loads of 104 and 110.
	want := [][]int{{0, 1, 4}, {2, 3, 5}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("assign = %v, want %v", got, want)
	}
}

// TestReplicaBytesMatchesHeap makes a second net, runs a step on it so that its lazy buffers
// exist, and expects the heap to have grown by the estimate that caps the number of nets
// (within 10%: the matrix kernel keeps scratch space per goroutine besides).
func TestReplicaBytesMatchesHeap(t *testing.T) {
	for _, full := range []bool{false, true} {
		s := parallelTrainer(t, full, 0.1, 2).w.Shape
		const T = 1024
		s.Context = T
		w := mustRandomWeights(t, s, full, 3)
		cfg := tinyConfig()
		cfg.Full, cfg.Workers, cfg.MaxSeqLen = full, 2, T
		cfg.LoRA = LoRAConfig{Rank: 4, Alpha: 8, Dropout: 0.1, Targets: AllTargets}
		data := []Example{{Tokens: make([]int32, T), Mask: make([]bool, T)}, {Tokens: make([]int32, T), Mask: make([]bool, T)}}
		for i := range data {
			for j := range data[i].Mask {
				data[i].Mask[j] = true
			}
		}
		tr, err := NewTrainer(w, data, nil, cfg, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		tr.step(context.Background(), 0, data[:1]) // the first net's own lazy buffers
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		tr.step(context.Background(), 0, data)
		runtime.GC()
		runtime.ReadMemStats(&after)
		got, want := float64(after.HeapAlloc)-float64(before.HeapAlloc), float64(tr.replicaBytes())
		t.Logf("full=%v: a second net took %.1f MB, estimated %.1f MB", full, got/1e6, want/1e6)
		if len(tr.reps) != 2 || math.Abs(got-want) > 0.1*want {
			t.Fatalf("full=%v: a second net took %.0f bytes, estimated %.0f", full, got, want)
		}
	}
}
