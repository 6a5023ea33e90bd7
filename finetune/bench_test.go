package finetune

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

// smolLM135M is SmolLM-135M's shape: 30 blocks of width 576, 9 query and 3 key/value heads,
// feed-forward 1536, vocabulary 49152, tied embeddings.
var smolLM135M = Shape{Vocab: 49152, Dim: 576, Layers: 30, Heads: 9, KVHeads: 3, HeadDim: 64, FFN: 1536,
	NormEps: 1e-5, RopeTheta: 10000, Context: 2048}

// stepFLOPs counts the floating-point operations of one LoRA training step on T tokens that
// all carry loss: every projection forward and its input gradient, the LoRA branches
// forward and backward, causal attention as computed (full T×T blocks), the LM head forward
// and its input gradient.
func stepFLOPs(s Shape, T, r int, targets []Target) float64 {
	var lin, lora float64
	for _, t := range AllTargets {
		in, out := s.dims(t)
		lin += float64(in * out)
	}
	for _, t := range targets {
		in, out := s.dims(t)
		lora += float64(r * (in + out))
	}
	perLayer := 2*float64(T)*lin*2 + 2*float64(T)*lora*3 + float64(s.Heads)*2*float64(T*T*s.HeadDim)*(2+4)
	head := 2 * float64(T) * float64(s.Vocab*s.Dim) * 2
	return float64(s.Layers)*perLayer + head
}

// kernelGFLOPs times the project's Gemm on the matrix products of one such step (each
// projection's forward Y = X·Wᵀ and input gradient dX = dY·W, the LM head in blocks of
// headRows rows both ways) and returns its rate.
func kernelGFLOPs(s Shape, T int) float64 {
	rng := rand.New(rand.NewPCG(1, 1))
	buf := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.Float64() - 0.5)
		}
		return x
	}
	maxIO := max(s.Dim, s.FFN, s.QDim())
	x, y := buf(T*maxIO), buf(T*maxIO)
	ws := map[Target][]float32{}
	for _, t := range AllTargets {
		in, out := s.dims(t)
		ws[t] = buf(in * out)
	}
	wout := buf(s.Vocab * s.Dim)
	logits := buf(headRows * s.Vocab)
	run := func() (flops float64) {
		for _, t := range AllTargets {
			in, out := s.dims(t)
			gemm(false, true, T, out, in, 1, x, in, ws[t], in, 0, y, out)
			gemm(false, false, T, in, out, 1, y, out, ws[t], in, 0, x, in)
			flops += 4 * float64(T*in*out)
		}
		for range T / headRows {
			gemm(false, true, headRows, s.Vocab, s.Dim, 1, x, s.Dim, wout, s.Dim, 0, logits, s.Vocab)
			gemm(false, false, headRows, s.Dim, s.Vocab, 1, logits, s.Vocab, wout, s.Dim, 0, y, s.Dim)
			flops += 4 * float64(headRows*s.Vocab*s.Dim)
		}
		return flops
	}
	run()
	best := 0.0
	for range 3 {
		start := time.Now()
		f := run()
		best = max(best, f/time.Since(start).Seconds()/1e9)
	}
	return best
}

// BenchmarkTrainSmolLM135M trains a rank-8 LoRA on q and v of a random SmolLM-135M-shaped
// model on sequences of 256 tokens and prints tokens/s and the achieved GFLOP/s next to the
// Gemm kernel's rate on the same matrix shapes.
//
//	go test ./finetune -run '^$' -bench TrainSmolLM135M -benchtime 2x
func BenchmarkTrainSmolLM135M(b *testing.B) {
	const T, rank = 256, 8
	s := smolLM135M
	w := benchWeights(s, true, 7)
	rng := rand.New(rand.NewPCG(8, 8))
	ex := Example{Tokens: make([]int32, T), Mask: make([]bool, T)}
	for i := range ex.Tokens {
		ex.Tokens[i], ex.Mask[i] = int32(rng.IntN(s.Vocab)), true
	}
	cfg := DefaultTrainConfig()
	cfg.LoRA = LoRAConfig{Rank: rank, Alpha: 16, Targets: []Target{TargetQ, TargetV}}
	cfg.BatchSize, cfg.MaxSeqLen, cfg.Epochs, cfg.EvalEvery, cfg.CheckpointEvery = 1, T, 1, 0, 0
	tr, err := NewTrainer(w, []Example{ex}, nil, cfg, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	batch := []Example{ex}
	if _, _, err := tr.step(ctx, 0, batch); err != nil { // warm the buffers
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, _, err := tr.step(ctx, i, batch); err != nil {
			b.Fatal(err)
		}
		tr.opt.Update(tr.params, 1e-4)
	}
	el := b.Elapsed().Seconds() / float64(b.N)
	b.StopTimer()
	flops := stepFLOPs(s, T, rank, cfg.LoRA.Targets)
	train := flops / el / 1e9
	kern := kernelGFLOPs(s, T)
	b.ReportMetric(float64(T)/el, "tok/s")
	b.ReportMetric(train, "GFLOP/s")
	b.Logf("SmolLM-135M shape, LoRA r=%d on q,v, seq %d: %.1f s/step, %.0f tokens/s, %.1f GFLOP/s (%.0f GFLOP/step); Gemm kernel on the step's shapes %.1f GFLOP/s; training reaches %.0f%% of the kernel's speed",
		rank, T, el, float64(T)/el, train, flops/1e9, kern, 100*train/kern)
}
