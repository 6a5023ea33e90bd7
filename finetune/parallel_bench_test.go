package finetune

import (
	"context"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// demoShape is the demo model that tutor pretrain trains from scratch.
var demoShape = Shape{Vocab: 8192, Dim: 256, Layers: 6, Heads: 4, KVHeads: 2, HeadDim: 64, FFN: 768,
	NormEps: 1e-5, RopeTheta: 10000, Context: 2048}

// benchWeights is a model of shape s with random weights of the scale of a trained one.
func benchWeights(s Shape, tied bool, seed uint64) *Weights {
	w := NewWeights(s, tied)
	rng := rand.New(rand.NewPCG(seed, seed))
	fill := func(x []float32, c, spread float32) {
		for i := range x {
			x[i] = c + spread*float32(rng.NormFloat64())
		}
	}
	fill(w.TokEmb, 0, 0.02)
	fill(w.OutNorm, 1, 0)
	if !tied {
		fill(w.Output, 0, 0.02)
	}
	for i := range w.Layers {
		l := &w.Layers[i]
		fill(l.AttnNorm, 1, 0)
		fill(l.FFNNorm, 1, 0)
		for _, m := range [][]float32{l.Wq, l.Wk, l.Wv, l.Wo, l.Wgate, l.Wup, l.Wdown} {
			fill(m, 0, 0.02)
		}
	}
	return w
}

// BenchmarkTrainParallel times optimizer steps with the examples of a batch one after another
// (serial), on one net per core whose matrix products also use the other cores
// (parallel-shared), and on one net per core that keeps to its goroutine (parallel-confined),
// in turns within one run, and prints tokens/s and the ratios to serial:
//
//   - pretrain: the demo model, every weight trained, batch 8 × 1024 tokens;
//
//   - lora: SmolLM-135M's shape, rank 16 on all seven targets, batch 4 × ~100 tokens.
//
//     nice -n 10 go test ./finetune -run '^$' -bench TrainParallel -benchtime 1x
func BenchmarkTrainParallel(b *testing.B) {
	b.Run("pretrain", func(b *testing.B) {
		cfg := DefaultTrainConfig()
		cfg.Full, cfg.BatchSize, cfg.MaxSeqLen = true, 8, 1024
		benchParallel(b, demoShape, true, cfg, 1024, 1024, 2)
	})
	b.Run("lora", func(b *testing.B) {
		cfg := DefaultTrainConfig()
		cfg.LoRA = LoRAConfig{Rank: 16, Alpha: 32, Targets: AllTargets}
		cfg.BatchSize, cfg.MaxSeqLen = 4, 512
		benchParallel(b, smolLM135M, true, cfg, 80, 120, 3)
	})
}

// benchParallel trains the three ways on batches of sequences of lo to hi tokens, every token
// learned, steps timed steps each after one untimed step.
func benchParallel(b *testing.B, s Shape, tied bool, cfg TrainConfig, lo, hi, steps int) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("data-parallel steps need two cores")
	}
	w := benchWeights(s, tied, 7)
	rng := rand.New(rand.NewPCG(8, 8))
	data := make([]Example, cfg.BatchSize*(steps+1))
	for i := range data {
		T := lo + rng.IntN(hi-lo+1)
		e := Example{Tokens: make([]int32, T), Mask: make([]bool, T)}
		for t := range T {
			e.Tokens[t], e.Mask[t] = int32(rng.IntN(s.Vocab)), true
		}
		data[i] = e
	}
	cfg.Epochs, cfg.EvalEvery, cfg.CheckpointEvery, cfg.Patience = 1, 0, 0, 0
	type way struct {
		name    string
		workers int
		confine bool
		tr      *Trainer
		el      time.Duration
		tokens  int
	}
	ways := []*way{{name: "serial", workers: 1}, {name: "parallel-shared"}, {name: "parallel-confined", confine: true}}
	for _, wy := range ways {
		c := cfg
		c.Workers = wy.workers
		tr, err := NewTrainer(w, data, nil, c, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		tr.confine = wy.confine
		wy.tr = tr
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	reps := ways[1].tr.replicas(ways[1].tr.workers(cfg.BatchSize))
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.Logf("%d nets; each extra net with its gradients takes %.0f MB (estimated %.0f MB)", len(reps),
		float64(after.HeapAlloc-before.HeapAlloc)/float64(len(reps)-1)/1e6, float64(ways[1].tr.replicaBytes())/1e6)
	ctx := context.Background()
	for range b.N {
		for i := range steps + 1 {
			for _, wy := range ways {
				start := time.Now()
				_, n, err := wy.tr.step(ctx, i, wy.tr.batch(i))
				if err != nil {
					b.Fatal(err)
				}
				zeroGrads(wy.tr.params)
				if i > 0 {
					wy.el += time.Since(start)
					wy.tokens += n
				}
			}
		}
	}
	base := float64(ways[0].tokens) / ways[0].el.Seconds()
	for _, wy := range ways {
		tps := float64(wy.tokens) / wy.el.Seconds()
		b.ReportMetric(tps, wy.name+"-tok/s")
		b.Logf("%-15s %8.0f tokens/s  ×%.2f", wy.name, tps, tps/base)
	}
}
